//! callcheck: call-context linting for C code bases.
//!
//! Data flows through one module per stage: [`lexer`] (bytes to tokens), [`extract`] (tokens to
//! function definitions), [`graph`] (definitions to a resolved call graph), [`check`] (rules to
//! violations with shortest paths) and [`report`] (violations to text or JSON). [`source`] finds
//! and reads the files, [`context`] holds the contexts and rules.

pub mod baseline;
pub mod changes;
pub mod check;
pub mod config;
pub mod context;
pub mod diagnostics;
pub mod extract;
pub mod graph;
pub mod lexer;
pub mod query;
pub mod report;
pub mod source;
pub mod suppress;
