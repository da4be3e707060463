//! Contexts the code is missing: inferred from the graph and the configured rules, rendered as
//! explanations or JSON, written as a unified diff or applied in place.
//!
//! [`infer`] decides what each unannotated function must or may carry, [`edits`] finds where in
//! the source each suggestion is written, [`diff`] turns edits into a patch, [`fix`] writes them
//! into the files, and [`render`] explains suggestions to people and scripts.

pub mod diff;
pub mod edits;
pub mod fix;
pub mod infer;
mod reach;
pub mod render;

pub use infer::{Caller, Confidence, Conflict, Forcing, Inference, Suggestion, infer};
