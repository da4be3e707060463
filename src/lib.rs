//! callcheck: call-context linting for C code bases.
//!
//! Data flows through one module per stage: [`source`] finds and reads the files, [`lexer`]
//! turns bytes into tokens, [`extract`] tokens into function definitions, [`graph`] definitions
//! into a resolved call graph, [`check`] rules into violations with shortest paths, and
//! [`report`] violations into text, JSON, SARIF or DOT. Around them: [`context`] and [`config`]
//! say which contexts and rules exist, [`suppress`], [`baseline`] and [`changes`] decide what
//! is reported, [`diagnostics`] words the warnings about files, and [`query`] answers questions
//! about the graph.

pub mod baseline;
pub mod changes;
pub mod check;
pub mod config;
pub mod context;
pub mod diagnostics;
pub mod extract;
pub mod graph;
pub mod lexer;
pub mod model;
pub mod query;
pub mod report;
pub mod source;
pub mod suppress;
