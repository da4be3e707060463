//! Arbitrary bytes through lexer -> extract -> graph -> check -> report, as one file or split
//! into two files at the first NUL byte (so cross-file resolution is fuzzed too).
#![no_main]

use callcheck::check::check;
use callcheck::config::qemu_block;
use callcheck::context::EdgeKinds;
use callcheck::extract::{Recognizer, extract};
use callcheck::graph::Graph;
use callcheck::report::{Report, json, text};
use callcheck::source::SourceFile;
use callcheck::context::{Contexts, Rule};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The default configuration, parsed once rather than once per input.
fn config() -> &'static (Contexts, Vec<Rule>, Recognizer) {
    static CONFIG: OnceLock<(Contexts, Vec<Rule>, Recognizer)> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let (contexts, rules) = qemu_block();
        let recognizer = Recognizer::new(&contexts);
        (contexts, rules, recognizer)
    })
}

fuzz_target!(|data: &[u8]| {
    let (contexts, rules, recognizer) = config();
    let parts: Vec<&[u8]> = match data.iter().position(|&b| b == 0) {
        Some(at) => vec![&data[..at], &data[at + 1..]],
        None => vec![data],
    };
    let files = parts
        .iter()
        .enumerate()
        .map(|(i, part)| SourceFile {
            path: format!("f{i}.c"),
            functions: extract(part, recognizer),
        })
        .collect();
    let graph = Graph::build(files, EdgeKinds::CallsAndReferences);
    let violations = check(&graph, contexts, rules);
    let mut sink = Vec::new();
    let report = Report {
        graph: &graph,
        contexts,
        rules,
        violations: &violations,
    };
    text::write(&mut sink, &report).unwrap();
    json::write(&mut sink, &report, &graph.stats()).unwrap();
});
