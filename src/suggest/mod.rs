//! Contexts the code is missing: inferred from the graph and the configured rules, rendered as
//! explanations or JSON, written as a unified diff or applied in place.
//!
//! [`mod@infer`] decides what each unannotated function must or may carry, [`edits`] finds where
//! in the source each suggestion is written, [`diff`] turns edits into a patch, [`mod@fix`]
//! writes them into the files, and [`render`] explains suggestions to people and scripts.

pub mod diff;
pub mod edits;
pub mod fix;
pub mod infer;
mod reach;
pub mod render;

pub use infer::{Caller, Confidence, Conflict, Forcing, Inference, Suggestion, infer};

use crate::context::Contexts;
use crate::graph::Graph;
use crate::session::Session;
use crate::suppress::Suppressions;
use std::path::PathBuf;

/// Infers what the functions of a loaded session are missing, on its graph without the edges
/// that suppressions cut (see [`infer()`]).
pub fn infer_session(session: &mut Session, helpers: bool) -> Inference {
    Suppressions::collect(&session.graph, &session.config).cut_edges(&mut session.graph);
    infer(&session.graph, &session.config, helpers)
}

/// What `--fix` did and left.
#[derive(Debug, Default)]
pub struct FixOutcome {
    /// One line per suggestion written: `FILE:LINE: foo() gets coroutine_fn`.
    pub fixed: Vec<String>,
    /// One line per file not written, with why.
    pub refused: Vec<String>,
    /// Files written.
    pub files_changed: usize,
    /// Suggestions not applied (not forced by a rule, when only those are applied).
    pub left_for_review: usize,
    /// Conflicts, never applied.
    pub conflicts: usize,
}

impl FixOutcome {
    /// True if anything is left to do: a suggestion for review, a conflict or a refusal.
    pub fn left(&self) -> bool {
        self.left_for_review > 0 || self.conflicts > 0 || !self.refused.is_empty()
    }
}

/// Writes `inference`'s suggestions (only those forced by a rule if `forced_only`) into the
/// files of `graph` that lie inside `roots`.
pub fn fix(
    graph: &Graph,
    contexts: &Contexts,
    inference: &Inference,
    forced_only: bool,
    roots: &[PathBuf],
) -> FixOutcome {
    let (apply, review): (Vec<&Suggestion>, Vec<&Suggestion>) = inference
        .suggestions
        .iter()
        .partition(|s| !forced_only || s.confidence == Confidence::Forced);
    let apply: Vec<Suggestion> = apply.into_iter().cloned().collect();
    let (edits, errors) = edits::plan(graph, contexts, &apply);
    let applied = fix::apply(&edits, roots);
    let fixed = apply
        .iter()
        .filter(|s| {
            applied
                .written
                .iter()
                .any(|w| w == graph.file_of(s.function))
        })
        .map(|s| {
            format!(
                "{}:{}: {} gets {}",
                graph.file_of(s.function),
                graph.function(s.function).line,
                graph.display(s.function),
                render::written(contexts, s),
            )
        })
        .collect();
    FixOutcome {
        fixed,
        refused: errors.into_iter().chain(applied.refused).collect(),
        files_changed: applied.written.len(),
        left_for_review: review.len(),
        conflicts: inference.conflicts.len(),
    }
}
