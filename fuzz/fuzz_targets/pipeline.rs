//! Arbitrary bytes through the whole pipeline, as users run it (the library's session: lexer ->
//! extract -> graph -> suppressions -> check -> report), as one file or split into two files at
//! the first NUL byte (so cross-file resolution is fuzzed too). The hand-written scanner must cut
//! every input exactly as the logos reference lexer does, and extraction without callback fields
//! must find the same with and without skipping blocks in bulk.
#![no_main]

use callcheck::config::{self, Config};
use callcheck::extract::{Recognizer, extract};
use callcheck::lexer::LogosTokens;
use callcheck::scanner::Tokens;
use callcheck::report::Format;
use callcheck::session::{CheckOptions, Session};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The `qemu` preset (every edge kind, attribute contexts, aliases and generated wrappers), parsed
/// once rather than once per input.
fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| config::preset("qemu").expect("the qemu preset loads"))
}

/// The default preset's contexts without callback fields, where extraction skips the insides
/// of initializers and struct bodies in bulk: with the skip, then without it.
fn without_fields() -> &'static [Recognizer; 2] {
    static RECOGNIZERS: OnceLock<[Recognizer; 2]> = OnceLock::new();
    RECOGNIZERS.get_or_init(|| {
        let mut skipping = Recognizer::new(&config::qemu_block().0);
        skipping.extras.fields = false;
        let mut reading = skipping.clone();
        reading.skip_braced = false;
        [skipping, reading]
    })
}

fuzz_target!(|data: &[u8]| {
    let scanned: Vec<_> = Tokens::new(data).collect();
    let reference: Vec<_> = LogosTokens::new(data).collect();
    assert_eq!(scanned, reference, "the scanner and the logos lexer disagree");
    let [skipping, reading] = without_fields();
    assert_eq!(
        extract(data, skipping),
        extract(data, reading),
        "skipping blocks in bulk changed what was extracted"
    );
    let files: Vec<(String, &[u8])> = match data.iter().position(|&b| b == 0) {
        Some(at) => vec![("f0.c".into(), &data[..at]), ("f1.c".into(), &data[at + 1..])],
        None => vec![("f0.c".into(), data)],
    };
    let mut session = Session::from_memory(config().clone(), &files);
    let outcome = session
        .check(&CheckOptions::default())
        .expect("a check without a baseline or git cannot fail");
    let report = session.report(&outcome);
    let mut sink = Vec::new();
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Human] {
        format.write(&mut sink, &report).unwrap();
    }
});
