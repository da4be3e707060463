//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers: one result per violation, at
//! the function (a binding rule's at the binding), with its rule and the path as a code flow.
//! Its partial fingerprint `callcheck/cause/v1` is the same for results that share a cause.

use super::Report;
use super::causes::{self, cause_of};
use crate::check::Violation;
use crate::context::RuleKind;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::json_seq::LazySeq;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::{self, Write};

/// Where users learn what the rules mean.
const INFORMATION_URI: &str = "https://github.com/callcheck/callcheck#readme";

/// Writes the violations as one SARIF log with one run.
pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let graph = report.graph;
    // Reachability rules written with several forbidden contexts share a name: one entry each.
    let mut rule_names: Vec<&str> = Vec::new();
    let mut rules = Vec::new();
    for rule in report.rules {
        if rule_names.contains(&rule.name.as_str()) {
            continue;
        }
        rule_names.push(&rule.name);
        let description = match rule.kind {
            RuleKind::Reachability { from, .. } => format!(
                "{} functions must not reach, directly or not, the contexts this rule forbids",
                report.contexts.display(from)
            ),
            RuleKind::Direct { callee, .. } => format!(
                "only functions of the allowed contexts may call {} functions",
                report.contexts.display(callee)
            ),
            RuleKind::Binding { field, .. } => format!(
                "functions bound to {} callback fields must have the contexts this rule asks",
                report.contexts.display(field)
            ),
        };
        let mut entry = json!({
            "id": rule.name,
            "shortDescription": {"text": description},
            "defaultConfiguration": {"level": "error"},
            "helpUri": INFORMATION_URI,
        });
        if let Some(message) = &rule.message {
            entry["help"] = json!({"text": message});
        }
        rules.push(entry);
    }
    // Each result is made as it is written, and each step of its path too: a report of 50,000
    // violations held as one value took 1.4 GB, and one path of 200,000 steps 790 MB.
    let results = LazySeq(|| {
        report.violations.iter().map(|violation| {
            let rule = report.rule(violation);
            let (file, line, column) = report.subject_location(violation);
            let fingerprint = format!(
                "{}:{}:{}",
                rule.name,
                graph.name(violation.function),
                report.contexts.name(violation.forbidden)
            );
            // Results with the same cause share this part, so viewers can group them.
            let (caller, last) = cause_of(violation);
            let cause = causes::key(graph, caller, last.node);
            SarifResult {
                rule_id: &rule.name,
                rule_index: rule_names.iter().position(|n| *n == rule.name).unwrap_or(0),
                level: "error",
                message: Text::new(report.headline(violation)),
                locations: [Location::new(file, line, column, None)],
                partial_fingerprints: Fingerprints {
                    violation: fingerprint,
                    cause,
                },
                code_flows: [CodeFlow {
                    thread_flows: [ThreadFlow {
                        locations: LazySeq(move || flow(report, violation)),
                    }],
                }],
            }
        })
    });
    let mut tool = json!({"driver": {
        "name": "callcheck",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }});
    let mut invocations = None;
    if !report.diagnostics.is_empty() {
        tool["driver"]["notifications"] = Value::Array(
            Code::ALL
                .iter()
                .map(|code| json!({"id": code.name(), "shortDescription": {"text": code.description()}}))
                .collect(),
        );
        invocations = Some(json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": report.diagnostics.iter().map(notification).collect::<Vec<_>>(),
        }]));
    }
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool,
            column_kind: "unicodeCodePoints",
            results,
            invocations,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}

/// The steps of `violation`'s path as a thread flow: where it starts, each use, and the
/// function of the forbidden context.
fn flow<'r>(report: &'r Report, violation: &'r Violation) -> impl Iterator<Item = FlowStep> + 'r {
    let graph = report.graph;
    let start = graph.function(violation.function);
    let first = Location::new(
        graph.file_of(violation.function),
        start.line,
        start.column,
        Some(format!(
            "{} starts the path",
            graph.display(violation.function)
        )),
    );
    let steps = violation.steps().map(move |(from, step)| {
        let text = report.step_text(violation, from, step);
        // Where the use is written: a field's binding is in another file than the field.
        Location::new(graph.path(step.file), step.line, step.column, Some(text))
    });
    let end = violation.end();
    let last = graph.function(end);
    let text = format!(
        "{} is {}",
        graph.display(end),
        report.contexts.display(violation.forbidden)
    );
    let last = Location::new(graph.file_of(end), last.line, last.column, Some(text));
    std::iter::once(first)
        .chain(steps)
        .chain(std::iter::once(last))
        .map(|location| FlowStep { location })
}

/// One result: a violation, at its subject, with its path as a code flow.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a, F: Serialize> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    code_flows: [CodeFlow<F>; 1],
}

/// A result's partial fingerprints: the violation's, and its cause's.
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "callcheck/v1")]
    violation: String,
    #[serde(rename = "callcheck/cause/v1")]
    cause: String,
}

/// A result's code flow: one thread flow.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow<F: Serialize> {
    thread_flows: [ThreadFlow<F>; 1],
}

/// The locations of a path, in order.
#[derive(Serialize)]
struct ThreadFlow<F: Serialize> {
    locations: F,
}

/// One location of a thread flow.
#[derive(Serialize)]
struct FlowStep {
    location: Location,
}

/// A place in a file, with what happens there.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

impl Location {
    /// Line `line`, column `column` of `file`, with `text` if there is one.
    fn new(file: &str, line: u32, column: u32, text: Option<String>) -> Location {
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(file) },
                region: Some(Region {
                    start_line: line,
                    start_column: Some(column),
                }),
            },
            message: text.map(Text::new),
        }
    }

    /// Where `diagnostic` is: its file, and its line and column where it has them (0 for
    /// none: a whole file, or a line of the configuration).
    fn of_diagnostic(diagnostic: &Diagnostic) -> Location {
        let region = (diagnostic.line > 0).then(|| Region {
            start_line: diagnostic.line,
            start_column: (diagnostic.column > 0).then_some(diagnostic.column),
        });
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&diagnostic.file),
                },
                region,
            },
            message: None,
        }
    }
}

/// A file and a region in it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

/// A file, by URI.
#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

/// Where in a file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

/// A message.
#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    /// The message `text`.
    fn new(text: String) -> Text {
        Text { text }
    }
}

/// A SARIF log, its keys in the order SARIF writes them.
#[derive(Serialize)]
struct Log<R: Serialize> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R>; 1],
}

/// The one run of a log.
#[derive(Serialize)]
struct Run<R: Serialize> {
    tool: Value,
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: R,
    #[serde(skip_serializing_if = "Option::is_none")]
    invocations: Option<Value>,
}

/// A diagnostic as a SARIF tool execution notification, with its code as the descriptor.
fn notification(diagnostic: &Diagnostic) -> Value {
    json!({
        "descriptor": {"id": diagnostic.code.name()},
        "level": match diagnostic.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        },
        "message": {"text": diagnostic.message},
        "locations": [Location::of_diagnostic(diagnostic)],
    })
}

/// A file path as a URI reference: relative paths stay relative (SARIF viewers resolve them
/// against the repository), absolute ones become `file://` URIs. Every byte that may not stand
/// as itself in a path segment is percent-encoded (spaces, `%`, `"`, `\`, `#`, `?`, `:`,
/// control characters, and each byte of a character beyond ASCII), so any file name gives a
/// valid URI.
fn uri(path: &str) -> String {
    use std::fmt::Write as _;
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut escaped = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        // RFC 3986 `pchar` and `/`, but `:`: in a relative reference, a colon in the first
        // segment would read as a scheme.
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=@".contains(&byte) {
            escaped.push(char::from(byte));
        } else {
            let _ = write!(escaped, "%{byte:02X}");
        }
    }
    if escaped.starts_with('/') {
        format!("file://{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::render;

    #[test]
    fn one_result_with_a_code_flow() {
        let text = render(super::write);
        let log: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "io-reaches-global-state");
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        let flow = &result["codeFlows"][0]["threadFlows"][0]["locations"];
        assert_eq!(flow.as_array().unwrap().len(), 4);
        assert_eq!(
            flow[2]["location"]["message"]["text"],
            "mid() refers to gs()"
        );
    }

    #[test]
    fn uris() {
        assert_eq!(super::uri("./a b/c%.c"), "a%20b/c%25.c");
        assert_eq!(super::uri("/abs/x.c"), "file:///abs/x.c");
        assert_eq!(
            super::uri("we\nird \"q\" \\x#1?.c"),
            "we%0Aird%20%22q%22%20%5Cx%231%3F.c"
        );
        assert_eq!(super::uri("c:x/b\u{fffd}.c"), "c%3Ax/b%EF%BF%BD.c");
        assert_eq!(super::uri("net/a-b_c.d~e+f,g.c"), "net/a-b_c.d~e+f,g.c");
    }
}
