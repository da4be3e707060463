//! Violations to output, one module per format: check_calls.py's text (the default), a
//! terminal report for people, GCC-style diagnostics for editors, JSON, SARIF for code-scanning
//! services, and a Graphviz picture.

pub mod causes;
pub mod dot;
pub mod gcc;
pub mod human;
pub mod json;
pub mod query;
pub mod rules;
pub mod sarif;
pub mod stats;
pub mod text;

use crate::check::Step;
use crate::check::Violation;
use crate::context::{ContextSet, Contexts, Recognition, Rule, RuleKind};
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::model::{NodeId, UseKind};
use crate::suppress::{Suppressed, Suppression};
use serde::Serialize;
use std::io::{self, Write};

/// Everything a report is made of.
#[derive(Clone, Copy)]
pub struct Report<'a> {
    /// The call graph the violations were found in.
    pub graph: &'a Graph,
    /// The contexts the rules speak of.
    pub contexts: &'a Contexts,
    /// The rules; violations refer to them by index.
    pub rules: &'a [Rule],
    /// The violations, in report order.
    pub violations: &'a [Violation],
    /// The violations an `allow` accepted.
    pub suppressed: &'a [Suppressed],
    /// The suppressions [`Report::suppressed`] refers to by index.
    pub suppressions: &'a [Suppression],
    /// What the run found besides violations.
    pub diagnostics: &'a [Diagnostic],
    /// Show the violations in one block per cause (see [`causes`]), where the format can.
    pub group_by_cause: bool,
}

/// The formats a check can be written in (the values of `--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// check_calls.py's text: one `Error:` line and one path line per violation.
    Text,
    /// A report to read in a terminal: each step with file:line, contexts and references.
    Human,
    /// GCC-style `file:line:col: error:` lines with a `note:` per step, for editors.
    Gcc,
    /// One JSON document with every violation, its path and a summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// A Graphviz digraph of the violations' paths (render with `dot -Tsvg`).
    Dot,
}

impl Format {
    /// Writes `report` in this format.
    pub fn write<W: Write>(self, out: &mut W, report: &Report) -> io::Result<()> {
        match self {
            Format::Text => text::write(out, report),
            Format::Human => human::write(out, report),
            Format::Gcc => gcc::write(out, report),
            Format::Json => json::write(out, report),
            Format::Sarif => sarif::write(out, report),
            Format::Dot => dot::write(out, report),
        }
    }

    /// True if the written report carries the diagnostics itself, so they need not be repeated
    /// on stderr: gcc's lines are themselves the stream of diagnostics an editor reads.
    pub fn carries_diagnostics(self) -> bool {
        self == Format::Gcc
    }
}

impl<'a> Report<'a> {
    /// A report of `violations` alone: no suppressions and no diagnostics.
    pub fn new(
        graph: &'a Graph,
        contexts: &'a Contexts,
        rules: &'a [Rule],
        violations: &'a [Violation],
    ) -> Self {
        Report {
            graph,
            contexts,
            rules,
            violations,
            suppressed: &[],
            suppressions: &[],
            diagnostics: &[],
            group_by_cause: false,
        }
    }

    /// The rule `violation` breaks.
    pub fn rule(&self, violation: &Violation) -> &Rule {
        &self.rules[violation.rule]
    }

    /// The sentence every format opens a violation with: `f() is IO_CODE(), but calls
    /// GLOBAL_STATE_CODE() code`, for a direct rule `f() is not coroutine_fn, but calls
    /// coroutine_fn code`, for a binding rule `f() is bound to BlockDriver.bdrv_co_preadv,
    /// which is coroutine_fn, but is not coroutine_fn or coroutine_mixed_fn`.
    pub fn headline(&self, violation: &Violation) -> String {
        let name = self.graph.display(violation.function);
        let forbidden = self.contexts.display(violation.forbidden);
        let names = |set: ContextSet| -> Vec<String> {
            set.iter().map(|c| self.contexts.display(c)).collect()
        };
        match self.rule(violation).kind {
            RuleKind::Binding {
                require, forbid, ..
            } => {
                let field = self.graph.display(violation.path[0].node);
                let carried = self.graph.function(violation.function).contexts;
                let wrong = names(intersection(carried, forbid));
                let fault = match wrong.is_empty() {
                    true => format!("is not {}", names(require).join(" or ")),
                    false => format!("is {}", wrong.join(", ")),
                };
                format!("{name} is bound to {field}, which is {forbidden}, but {fault}")
            }
            RuleKind::Reachability { from, .. } => format!(
                "{name} is {}, but calls {forbidden} code",
                self.contexts.display(from)
            ),
            RuleKind::Direct { callers, .. } if violation.at_binding => format!(
                "{name} is {forbidden}, but is bound to {}, which is not {}",
                self.graph.display(violation.path[0].node),
                names(callers).join(" or ")
            ),
            RuleKind::Direct { callers, .. } => {
                let allowed: Vec<String> =
                    callers.iter().map(|c| self.contexts.display(c)).collect();
                format!(
                    "{name} is not {}, but calls {forbidden} code",
                    allowed.join(" or ")
                )
            }
        }
    }

    /// True if `violation` is a binding (of a binding rule, or of a direct rule whose caller
    /// is a field): its subject is the function bound, its one step the field, at the binding.
    pub fn is_binding(&self, violation: &Violation) -> bool {
        violation.at_binding
    }

    /// Where a violation is reported: the file, line and column of its function, or for a
    /// binding rule of the binding (`.bdrv_co_preadv = foo,`).
    pub fn subject_location(&self, violation: &Violation) -> (&str, u32, u32) {
        if self.is_binding(violation) {
            let step = &violation.path[0];
            return (self.graph.path(step.file), step.line, step.column);
        }
        let function = self.graph.function(violation.function);
        (
            self.graph.file_of(violation.function),
            function.line,
            function.column,
        )
    }

    /// The sentence for step `step` of `violation`'s path, taken from `from`: [`step_text`],
    /// but a binding rule's step reads `f() is bound to BlockDriver.open`. A guessed step
    /// ends with [`GUESSED`].
    pub fn step_text(&self, violation: &Violation, from: NodeId, step: &Step) -> String {
        if self.is_binding(violation) {
            return format!(
                "{} is bound to {}",
                self.graph.display(from),
                self.graph.display(step.node)
            );
        }
        step_text(self.graph, from, step)
    }

    /// True if the path is shown ending with the forbidden marker, as check_calls.py did: for
    /// reachability rules to marker contexts.
    pub fn ends_with_marker(&self, violation: &Violation) -> bool {
        matches!(self.rule(violation).kind, RuleKind::Reachability { .. })
            && matches!(
                self.contexts.recognition(violation.forbidden),
                Recognition::Marker(_)
            )
    }

    /// `file:line` of function `node`.
    pub fn location(&self, node: NodeId) -> String {
        format!(
            "{}:{}",
            self.graph.file_of(node),
            self.graph.function(node).line
        )
    }

    /// The names of the contexts `node` carries, joined by `, `.
    pub fn context_names(&self, node: NodeId) -> String {
        let names: Vec<&str> = self
            .graph
            .function(node)
            .contexts
            .iter()
            .map(|c| self.contexts.name(c))
            .collect();
        names.join(", ")
    }
}

/// The contexts in both sets.
fn intersection(a: ContextSet, b: ContextSet) -> ContextSet {
    let mut both = ContextSet::default();
    for context in a.iter().filter(|&c| b.contains(c)) {
        both.insert(context);
    }
    both
}

/// The mark of a guessed step ([`Step::guessed`]) in `human` and `gcc` output: the step goes
/// through a callback field or one of several definitions of a name, so it may not happen.
pub const GUESSED: &str = "[guessed]";

/// Writes `value` as one line of JSON.
pub fn write_json_line(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}

/// The arrow that shows a step of `kind` from user to used: `->` a call, `~>` a reference,
/// `=>` through a callback field, `+>` a call in a macro, `*>` a generated wrapper's call.
pub fn arrow(kind: UseKind) -> &'static str {
    match kind {
        UseKind::Call => "->",
        UseKind::Reference => "~>",
        UseKind::Field => "=>",
        UseKind::Macro => "+>",
        UseKind::Generated => "*>",
    }
}

/// The arrow of [`arrow`] seen from the used function's side (`<-`, `<~`, `<=`, `<+`, `<*`).
pub fn back_arrow(kind: UseKind) -> &'static str {
    match kind {
        UseKind::Call => "<-",
        UseKind::Reference => "<~",
        UseKind::Field => "<=",
        UseKind::Macro => "<+",
        UseKind::Generated => "<*",
    }
}

/// A sentence for one step of a path, from `from` to `step.node`: `f() calls g()`,
/// `f() refers to g()`, `f() calls BlockDriver.open through a member call`, `BlockDriver.open
/// is bound to g()`, `f() calls g() in a macro it invokes`, `f() [generated] calls g()`; a
/// guessed step ends with [`GUESSED`].
pub fn step_text(graph: &Graph, from: NodeId, step: &Step) -> String {
    let (user, used) = (graph.display(from), graph.display(step.node));
    let text = match step.kind {
        UseKind::Call => format!("{user} calls {used}"),
        UseKind::Reference => format!("{user} refers to {used}"),
        UseKind::Field if graph.function(from).kind.is_field() => {
            format!("{user} is bound to {used}")
        }
        UseKind::Field => format!("{user} calls {used} through a member call"),
        UseKind::Macro => format!("{user} calls {used} in a macro it invokes"),
        UseKind::Generated => format!("{user} calls {used}"),
    };
    match step.guessed {
        true => format!("{text} {GUESSED}"),
        false => text,
    }
}

/// Test helpers shared by the format modules.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::check::check;
    use crate::config::qemu_block;
    use crate::extract::{Recognizer, extract};
    use crate::graph::BuildOptions;
    use crate::model::EdgeKinds;
    use crate::source::SourceFile;

    /// A small graph with one violation through a call and a reference.
    pub const SOURCE: &str = "void gs(void) { GLOBAL_STATE_CODE(); }\n\
        void mid(void) { run(gs); }\n\
        void io(void)\n{\n    IO_CODE();\n    mid();\n}\n";

    /// Checks `text` (as `dir/a.c`) with the default rules and hands the report to `f`.
    pub fn with_report<T>(text: &str, f: impl FnOnce(&Report) -> T) -> T {
        let (contexts, rules) = qemu_block();
        let files = vec![SourceFile {
            path: "dir/a.c".into(),
            functions: Box::new(extract(text.as_bytes(), &Recognizer::new(&contexts))),
        }];
        let graph = Graph::build(files, &BuildOptions::new(EdgeKinds::ALL));
        let violations = check(&graph, &contexts, &rules);
        f(&Report::new(&graph, &contexts, &rules, &violations))
    }

    /// Renders `SOURCE` with `write`.
    pub fn render(write: impl Fn(&mut Vec<u8>, &Report) -> std::io::Result<()>) -> String {
        with_report(SOURCE, |report| {
            let mut out = Vec::new();
            write(&mut out, report).unwrap();
            String::from_utf8(out).unwrap()
        })
    }
}
