//! Violations to output: check_calls.py's text format and a JSON document for tools.

use crate::check::Violation;
use crate::context::{Contexts, Recognition, Rule, RuleKind};
use crate::extract::UseKind;
use crate::graph::{Graph, GraphStats};
use serde::Serialize;
use std::io::{self, Write};

/// Writes `violations` in check_calls.py's format, one block per violation:
///
/// ```text
/// Error: blk_drain() is IO_OR_GS_CODE(), but calls GLOBAL_STATE_CODE() code
///        blk_drain() -> bdrv_ref() -> GLOBAL_STATE_CODE()
///
/// ```
///
/// A direct rule's violation reads `Error: f() is not coroutine_fn, but calls coroutine_fn
/// code`; a path to an attribute context ends at the function that carries it (a marker's path
/// ends with the marker, as check_calls.py wrote it); a rule's message follows as a `note:`.
pub fn write_text(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    rules: &[Rule],
    violations: &[Violation],
) -> io::Result<()> {
    for violation in violations {
        let rule = &rules[violation.rule];
        let name = graph.name(violation.function);
        let forbidden = contexts.display(violation.forbidden);
        match rule.kind {
            RuleKind::Reachability { from, .. } => writeln!(
                out,
                "Error: {name}() is {}, but calls {forbidden} code",
                contexts.display(from)
            )?,
            RuleKind::Direct { callers, .. } => {
                let allowed: Vec<String> = callers.iter().map(|c| contexts.display(c)).collect();
                writeln!(
                    out,
                    "Error: {name}() is not {}, but calls {forbidden} code",
                    allowed.join(" or ")
                )?;
            }
        }
        write!(out, "       {name}()")?;
        for step in &violation.path {
            write!(out, " -> {}()", graph.name(step.node))?;
        }
        let ends_with_marker = matches!(rule.kind, RuleKind::Reachability { .. })
            && matches!(
                contexts.recognition(violation.forbidden),
                Recognition::Marker(_)
            );
        if ends_with_marker {
            write!(out, " -> {forbidden}")?;
        }
        writeln!(out)?;
        if let Some(message) = &rule.message {
            writeln!(out, "       note: {message}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The JSON document: `{"version":1,"violations":[...],"summary":{...}}`.
#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    violations: Vec<JsonViolation<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonViolation<'a> {
    function: &'a str,
    file: &'a str,
    line: u32,
    /// The function's context a reachability rule is about; null for a direct rule.
    context: Option<&'a str>,
    calls: &'a str,
    /// The rule's name.
    rule: &'a str,
    /// `reachability` or `direct`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    /// Function names from `function` to the one carrying the forbidden context.
    path: Vec<&'a str>,
    /// The same path with where each function is defined and how it is reached.
    hops: Vec<JsonHop<'a>>,
}

#[derive(Serialize)]
struct JsonHop<'a> {
    function: &'a str,
    file: &'a str,
    line: u32,
    /// `call` or `reference`: how the previous hop uses this one (absent on the first hop).
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    /// Line of that use in the previous hop's file (absent on the first hop).
    #[serde(skip_serializing_if = "Option::is_none")]
    use_line: Option<u32>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    functions: usize,
    calls: usize,
    violations: usize,
    references: usize,
    unresolved_calls: usize,
}

/// The JSON name of an edge kind.
pub fn kind_name(kind: UseKind) -> &'static str {
    match kind {
        UseKind::Call => "call",
        UseKind::Reference => "reference",
    }
}

/// Writes `violations` and a summary of the graph as one JSON document and a newline.
pub fn write_json(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    rules: &[Rule],
    violations: &[Violation],
    stats: &GraphStats,
) -> io::Result<()> {
    let hop = |node, kind: Option<UseKind>, use_line| {
        let function = graph.function(node);
        JsonHop {
            function: graph.name(node),
            file: graph.file_of(node),
            line: function.line,
            kind: kind.map(kind_name),
            use_line,
        }
    };
    let violations = violations
        .iter()
        .map(|v| {
            let function = graph.function(v.function);
            let mut hops = vec![hop(v.function, None, None)];
            hops.extend(
                v.path
                    .iter()
                    .map(|s| hop(s.node, Some(s.kind), Some(s.line))),
            );
            let rule = &rules[v.rule];
            JsonViolation {
                function: graph.name(v.function),
                file: graph.file_of(v.function),
                line: function.line,
                context: v.context.map(|c| contexts.name(c)),
                calls: contexts.name(v.forbidden),
                rule: &rule.name,
                kind: match rule.kind {
                    RuleKind::Reachability { .. } => "reachability",
                    RuleKind::Direct { .. } => "direct",
                },
                message: rule.message.as_deref(),
                path: hops.iter().map(|h| h.function).collect(),
                hops,
            }
        })
        .collect::<Vec<_>>();
    let report = JsonReport {
        version: 1,
        summary: JsonSummary {
            files: stats.files,
            functions: stats.functions,
            calls: stats.calls,
            violations: violations.len(),
            references: stats.references,
            unresolved_calls: stats.unresolved_calls,
        },
        violations,
    };
    serde_json::to_writer(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::config::qemu_block;
    use crate::context::EdgeKinds;
    use crate::extract::{Recognizer, extract};
    use crate::source::SourceFile;

    const SOURCE: &str = "void gs(void) { GLOBAL_STATE_CODE(); }\n\
        void mid(void) { run(gs); }\n\
        void io(void)\n{\n    IO_CODE();\n    mid();\n}\n";

    fn render(json: bool) -> String {
        let (contexts, rules) = qemu_block();
        let files = [SourceFile {
            path: "dir/a.c".into(),
            functions: extract(SOURCE.as_bytes(), &Recognizer::new(&contexts)),
        }];
        let graph = Graph::build(files.into(), EdgeKinds::CallsAndReferences);
        let violations = check(&graph, &contexts, &rules);
        let mut out = Vec::new();
        if json {
            write_json(
                &mut out,
                &graph,
                &contexts,
                &rules,
                &violations,
                &graph.stats(),
            )
            .unwrap();
        } else {
            write_text(&mut out, &graph, &contexts, &rules, &violations).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_is_check_calls_format() {
        assert_eq!(
            render(false),
            "Error: io() is IO_CODE(), but calls GLOBAL_STATE_CODE() code\n       \
             io() -> mid() -> gs() -> GLOBAL_STATE_CODE()\n\n"
        );
    }

    #[test]
    fn json_has_the_documented_fields() {
        let value: serde_json::Value = serde_json::from_str(&render(true)).unwrap();
        let expected = serde_json::json!({
            "version": 1,
            "violations": [{
                "function": "io", "file": "dir/a.c", "line": 3,
                "context": "IO_CODE", "calls": "GLOBAL_STATE_CODE",
                "rule": "io-reaches-global-state", "kind": "reachability",
                "path": ["io", "mid", "gs"],
                "hops": [
                    {"function": "io", "file": "dir/a.c", "line": 3},
                    {"function": "mid", "file": "dir/a.c", "line": 2, "kind": "call", "use_line": 6},
                    {"function": "gs", "file": "dir/a.c", "line": 1, "kind": "reference", "use_line": 2}
                ]
            }],
            "summary": {"files": 1, "functions": 3, "calls": 1, "violations": 1,
                        "references": 1, "unresolved_calls": 1}
        });
        assert_eq!(value, expected);
    }
}
