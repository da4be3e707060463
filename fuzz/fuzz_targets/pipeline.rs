//! Arbitrary bytes through the whole pipeline, as users run it (the library's session: lexer ->
//! extract -> graph -> suppressions -> check -> report), as one file or split into two files at
//! the first NUL byte (so cross-file resolution is fuzzed too). The hand-written scanner must cut
//! every input exactly as the logos reference lexer does, and extraction without callback fields
//! must find the same with and without skipping blocks (and, skimming, parameter lists) in bulk,
//! and skimming function bodies must keep every definition.
#![no_main]

use callcheck::config::{self, Config};
use callcheck::extract::{FileFunctions, Recognizer, extract};
use callcheck::lexer::{LogosTokens, PRAGMA};
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
/// of initializers and struct bodies in bulk: with the skip, without it, skimming function
/// bodies too (which also skips parameter lists), and skimming them without any skip.
fn without_fields() -> &'static [Recognizer; 4] {
    static RECOGNIZERS: OnceLock<[Recognizer; 4]> = OnceLock::new();
    RECOGNIZERS.get_or_init(|| {
        let mut skipping = Recognizer::new(&config::qemu_block().0);
        skipping.extras.fields = false;
        let mut reading = skipping.clone();
        reading.skip_braced = false;
        let mut skimming = skipping.clone();
        skimming.skim_bodies = true;
        let mut skimming_read = reading.clone();
        skimming_read.skim_bodies = true;
        [skipping, reading, skimming, skimming_read]
    })
}

/// Each definition's name and place, and each prototype's.
fn definitions(file: &FileFunctions) -> Vec<(&str, u32, u32)> {
    let functions = file.functions.iter().map(|f| (file.name(f.name), f.line, f.column));
    let prototypes = file.prototypes.iter().map(|p| (file.name(p.name), p.line, p.column));
    functions.chain(prototypes).collect()
}

fuzz_target!(|data: &[u8]| {
    let scanned: Vec<_> = Tokens::new(data).collect();
    let reference: Vec<_> = LogosTokens::new(data).collect();
    assert_eq!(scanned, reference, "the scanner and the logos lexer disagree");
    if !data.windows(PRAGMA.len()).any(|window| window == PRAGMA) {
        let without: Vec<_> = Tokens::without_pragmas(data).collect();
        assert_eq!(without, reference, "scanning without pragmas changed the tokens");
    }
    let [skipping, reading, skimming, skimming_read] = without_fields();
    let read = extract(data, skipping);
    assert_eq!(
        read,
        extract(data, reading),
        "skipping blocks in bulk changed what was extracted"
    );
    let skimmed = extract(data, skimming);
    assert_eq!(
        skimmed,
        extract(data, skimming_read),
        "skipping parameter lists changed what was extracted"
    );
    assert_eq!(definitions(&skimmed), definitions(&read), "skimming lost a definition");
    assert!(!skimmed.skimmed || skimmed.uses.is_empty(), "a skimmed body recorded a use");
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
