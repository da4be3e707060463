//! callcheck: call-context linting for C code bases.
//!
//! Data flows through one module per stage: [`source`] finds and reads the files (or
//! [`compdb`] those a build directory's `compile_commands.json` compiles), [`scanner`] cuts
//! bytes into the tokens [`lexer`] defines, [`extract`] tokens into function definitions (which
//! [`cache`] keeps between runs with `--cache`), [`graph`] definitions into
//! a resolved call graph, [`check`] rules into violations with shortest paths, and [`report`]
//! violations, diagnostics and query results into text, JSON, SARIF or DOT.
//! [`demand`] lets a check read in full only the function bodies its rules can reach.
//! [`session`] is the one entry that runs these stages for the command line, the benchmark and
//! the fuzz target.
//!
//! Below every stage, [`model`] holds the vocabulary they share (edge kinds, node ids) and
//! [`context`] the contexts, rules and generated-wrapper specs; [`config`] turns a
//! `callcheck.toml` and the presets into them. Around the check, [`suppress`], [`baseline`] and
//! [`changes`] decide what is reported, [`diagnostics`] holds everything reported that is not a
//! violation, [`error`] what stops a run, and [`query`] answers questions about the graph;
//! [`explain`] documents the configured rules.
//! [`suggest`] infers the contexts the code is missing and writes them into the source.

pub mod baseline;
pub mod cache;
pub mod changes;
pub mod check;
pub mod compdb;
pub mod config;
pub mod context;
pub mod demand;
pub mod diagnostics;
pub mod error;
pub mod explain;
pub mod extract;
pub mod graph;
mod idle;
pub mod json_seq;
pub mod lexer;
pub mod limits;
pub mod model;
pub mod query;
pub mod report;
pub mod scanner;
pub mod session;
pub mod source;
pub mod spelling;
pub mod suggest;
pub mod suppress;
