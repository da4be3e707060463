//! Arbitrary bytes through lexer -> extract -> graph -> check -> report, as one file or split
//! into two files at the first NUL byte (so cross-file resolution is fuzzed too).
#![no_main]

use callcheck::check::check;
use callcheck::config::{self, Config};
use callcheck::extract::{Recognizer, extract};
use callcheck::graph::{BuildOptions, Graph};
use callcheck::report::{Report, json, text};
use callcheck::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The `qemu` preset (every edge kind, attribute contexts, aliases and generated wrappers), parsed
/// once rather than once per input.
fn config() -> &'static (Config, Recognizer) {
    static CONFIG: OnceLock<(Config, Recognizer)> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let config = config::preset("qemu").expect("the qemu preset loads");
        let recognizer = Recognizer::new(&config.contexts);
        (config, recognizer)
    })
}

fuzz_target!(|data: &[u8]| {
    let (config, recognizer) = config();
    let (contexts, rules) = (&config.contexts, &config.rules);
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
    // The recognizer records every extra, so aliases are on.
    let options = BuildOptions::configured(config.edges, recognizer, &config.wrappers);
    let graph = Graph::build(files, &options);
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
