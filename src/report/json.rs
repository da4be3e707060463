//! One JSON document for tools: `{"version":1,"violations":[...],"causes":[...],
//! "summary":{...}}`. Fields are added over time, never renamed or removed.

use super::causes::{self, cause_of};
use super::{Report, write_json_line};
use crate::check::Step;
use crate::context::RuleKind;
use crate::diagnostics::Severity;
use crate::graph::NodeKind;
use crate::json_seq::LazySeq;
use crate::model::UseKind;
use serde::Serialize;
use std::io::{self, Write};

/// The JSON document: `{"version":1,"violations":[...],"summary":{...}}`.
#[derive(Serialize)]
struct JsonReport<'a, V: Serialize> {
    version: u32,
    /// The violations, written one at a time as they are made.
    violations: V,
    /// The causes, most violations first (see [`super::causes`]).
    causes: Vec<JsonCauseCount<'a>>,
    summary: JsonSummary,
    /// What the run found besides violations; absent when there is nothing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// A [`Diagnostic`](crate::diagnostics::Diagnostic): `line` and `column` are 0 where unknown.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

/// A violation's cause: the last step of its path, from `caller` to `callee`, written at
/// `file:line`; `key` is the same for every violation with this cause.
#[derive(Serialize)]
struct JsonCause<'a> {
    caller: &'a str,
    callee: &'a str,
    file: &'a str,
    line: u32,
    key: String,
}

/// A cause and how many violations it explains.
#[derive(Serialize)]
struct JsonCauseCount<'a> {
    caller: &'a str,
    callee: &'a str,
    key: String,
    violations: usize,
}

#[derive(Serialize)]
struct JsonViolation<'a> {
    function: &'a str,
    /// Where the violation is reported: the function's definition, or for a binding rule
    /// the binding (with its `column`).
    file: &'a str,
    line: u32,
    /// The binding's column, for a binding rule only.
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    /// The function's context a reachability rule is about; null for a direct rule.
    context: Option<&'a str>,
    calls: &'a str,
    /// The rule's name.
    rule: &'a str,
    /// `reachability`, `direct` or `binding`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    /// Function names from `function` to the one carrying the forbidden context.
    path: Vec<&'a str>,
    /// The same path with where each function is defined and how it is reached.
    hops: Vec<JsonHop<'a>>,
    /// The last step of the path, which violations of the same cause share.
    cause: JsonCause<'a>,
}

#[derive(Serialize)]
struct JsonHop<'a> {
    function: &'a str,
    file: &'a str,
    line: u32,
    /// `generated` for a generated wrapper, `field` for a callback field; absent for a
    /// function defined in a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    node: Option<&'static str>,
    /// `call`, `reference`, `field`, `macro` or `generated`: how the previous hop uses this one
    /// (absent on the first hop).
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    /// Line of that use (absent on the first hop), in the previous hop's file unless
    /// `use_file` says otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    use_line: Option<u32>,
    /// The file of the use, where it is not the previous hop's: a field's binding.
    #[serde(skip_serializing_if = "Option::is_none")]
    use_file: Option<&'a str>,
    /// True if the step is an over-approximation: through a callback field or to one of
    /// several definitions of a name (absent when it is known).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    guessed: bool,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    functions: usize,
    calls: usize,
    violations: usize,
    references: usize,
    unresolved_calls: usize,
    field_edges: usize,
    macro_edges: usize,
    generated_edges: usize,
    generated_functions: usize,
    fields: usize,
}

/// Writes `violations` and a summary of the graph as one JSON document and a newline.
pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let (graph, contexts) = (report.graph, report.contexts);
    let stats = graph.stats();
    let hop = |node, step: Option<(&Step, u32)>| {
        let function = graph.function(node);
        JsonHop {
            function: graph.name(node),
            file: graph.file_of(node),
            line: function.line,
            node: match function.kind {
                NodeKind::Definition => None,
                NodeKind::Generated => Some("generated"),
                NodeKind::Field { .. } => Some("field"),
            },
            kind: step.map(|(s, _)| s.kind.name()),
            use_line: step.map(|(s, _)| s.line),
            use_file: step
                .and_then(|(s, previous)| graph.use_file_elsewhere(previous, s.file))
                .map(|file| graph.path(file)),
            guessed: step.is_some_and(|(s, _)| s.guessed),
        }
    };
    let violations = LazySeq(|| {
        report.violations.iter().map(|v| {
            let mut hops = vec![hop(v.function, None)];
            hops.extend(
                v.steps()
                    .map(|(previous, s)| hop(s.node, Some((s, previous)))),
            );
            let rule = report.rule(v);
            let (file, line, column) = report.subject_location(v);
            let (caller, last) = cause_of(v);
            JsonViolation {
                function: graph.name(v.function),
                file,
                line,
                column: report.is_binding(v).then_some(column),
                context: v.context.map(|c| contexts.name(c)),
                calls: contexts.name(v.forbidden),
                rule: &rule.name,
                kind: match rule.kind {
                    RuleKind::Reachability { .. } => "reachability",
                    RuleKind::Direct { .. } => "direct",
                    RuleKind::Binding { .. } => "binding",
                },
                message: rule.message.as_deref(),
                path: hops.iter().map(|h| h.function).collect(),
                hops,
                cause: JsonCause {
                    caller: graph.name(caller),
                    callee: graph.name(last.node),
                    file: graph.path(last.file),
                    line: last.line,
                    key: causes::key(graph, caller, last.node),
                },
            }
        })
    });
    let causes = causes::causes(report)
        .into_iter()
        .map(|c| JsonCauseCount {
            caller: graph.name(c.caller),
            callee: graph.name(c.callee),
            key: causes::key(graph, c.caller, c.callee),
            violations: c.violations.len(),
        })
        .collect();
    let report = JsonReport {
        version: 1,
        causes,
        summary: JsonSummary {
            files: stats.files,
            functions: stats.functions,
            calls: stats.edges_of(UseKind::Call),
            violations: report.violations.len(),
            references: stats.edges_of(UseKind::Reference),
            unresolved_calls: stats.unresolved_calls,
            field_edges: stats.edges_of(UseKind::Field),
            macro_edges: stats.edges_of(UseKind::Macro),
            generated_edges: stats.edges_of(UseKind::Generated),
            generated_functions: stats.generated_functions,
            fields: stats.fields,
        },
        violations,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.name(),
                severity: d.severity,
                file: &d.file,
                line: d.line,
                column: d.column,
                message: &d.message,
            })
            .collect(),
    };
    write_json_line(out, &report)
}

#[cfg(test)]
mod tests {
    use super::super::testing::render;

    #[test]
    fn documented_fields() {
        let text = render(super::write);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
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
                ],
                "cause": {"caller": "mid", "callee": "gs", "file": "dir/a.c", "line": 2,
                          "key": "mid@dir/a.c->gs@dir/a.c"}
            }],
            "causes": [{"caller": "mid", "callee": "gs", "key": "mid@dir/a.c->gs@dir/a.c",
                        "violations": 1}],
            "summary": {"files": 1, "functions": 3, "calls": 1, "violations": 1,
                        "references": 1, "unresolved_calls": 3, "field_edges": 0,
                        "macro_edges": 0, "generated_edges": 0, "generated_functions": 0,
                        "fields": 0}
        });
        assert_eq!(value, expected);
    }
}
