//! Root causes: violations that share the last step of their path.
//!
//! The check's breadth-first search gives every function one next hop towards the forbidden
//! context, so two paths that meet go on together to the same end: they share their suffix,
//! and in particular their last step, the use of a forbidden function by the function before
//! it. That step, the pair (last user, forbidden function), is a violation's cause: "34
//! violations reach `blk_co_pwritev_part()` via `do_sync_target_write()`" says where one fix
//! (a change in that one caller, or in what it calls) removes all of them. For a direct rule
//! the cause is the one step itself; for a binding rule it is the binding.

use super::Report;
use crate::check::{Step, Violation};
use crate::graph::Graph;
use crate::model::NodeId;

/// One cause and the violations it explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// The function that takes the last step.
    pub caller: NodeId,
    /// The function it reaches, which carries the forbidden context (for a binding rule, the
    /// field).
    pub callee: NodeId,
    /// Indexes of the violations in [`Report::violations`], in report order.
    pub violations: Vec<usize>,
}

/// The cause of `violation`: the user and the step of the last step of its path.
pub fn cause_of(violation: &Violation) -> (NodeId, &Step) {
    let path = &violation.path;
    let last = &path[path.len() - 1];
    let caller = match path.len() {
        1 => violation.function,
        n => path[n - 2].node,
    };
    (caller, last)
}

/// A stable key for the cause: `caller@file->callee@file`, by names and files, not lines, so
/// that it survives edits elsewhere in the files.
pub fn key(graph: &Graph, caller: NodeId, callee: NodeId) -> String {
    format!(
        "{}@{}->{}@{}",
        graph.name(caller),
        graph.file_of(caller),
        graph.name(callee),
        graph.file_of(callee)
    )
}

/// The sentence for a cause explaining `count` violations: `34 violations reach
/// blk_co_pwritev_part() via do_sync_target_write()`.
pub fn sentence(graph: &Graph, cause: &Cause) -> String {
    let count = cause.violations.len();
    let (noun, verb) = match count {
        1 => ("violation", "reaches"),
        _ => ("violations", "reach"),
    };
    format!(
        "{count} {noun} {verb} {} via {}",
        graph.display(cause.callee),
        graph.display(cause.caller)
    )
}

/// The causes of the report's violations, most violations first, then by the names of the
/// callee and the caller (then their files), so the order is the same on every run.
pub fn causes(report: &Report) -> Vec<Cause> {
    let graph = report.graph;
    let mut causes: Vec<Cause> = Vec::new();
    let mut index = rustc_hash::FxHashMap::default();
    for (at, violation) in report.violations.iter().enumerate() {
        let (caller, step) = cause_of(violation);
        let slot = *index.entry((caller, step.node)).or_insert_with(|| {
            causes.push(Cause {
                caller,
                callee: step.node,
                violations: Vec::new(),
            });
            causes.len() - 1
        });
        causes[slot].violations.push(at);
    }
    causes.sort_by(|a, b| {
        let order = |c: &Cause| {
            (
                std::cmp::Reverse(c.violations.len()),
                graph.name(c.callee),
                graph.name(c.caller),
                graph.file_of(c.callee),
                graph.file_of(c.caller),
                c.callee,
                c.caller,
            )
        };
        order(a).cmp(&order(b))
    });
    causes
}

#[cfg(test)]
mod tests {
    use super::super::testing::with_report;
    use super::*;

    #[test]
    fn paths_that_meet_share_their_cause() {
        let text = "void gs(void) { GLOBAL_STATE_CODE(); }\n\
            void mid(void) { gs(); }\n\
            void io1(void) { IO_CODE(); mid(); }\n\
            void io2(void) { IO_CODE(); mid(); }\n\
            void io3(void) { IO_CODE(); gs(); }\n";
        with_report(text, |report| {
            let causes = causes(report);
            let sentences: Vec<String> = causes.iter().map(|c| sentence(report.graph, c)).collect();
            assert_eq!(
                sentences,
                [
                    "2 violations reach gs() via mid()",
                    "1 violation reaches gs() via io3()"
                ]
            );
            let first = &causes[0];
            assert_eq!(
                key(report.graph, first.caller, first.callee),
                "mid@dir/a.c->gs@dir/a.c"
            );
        });
    }
}
