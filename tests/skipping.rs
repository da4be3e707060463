//! Skipping the insides of initializers and struct bodies in bulk, as extraction does when
//! callback fields are not recorded, changes nothing it extracts: the same files come out with
//! skipping on and off, on C-like fragments glued together and on the C fixtures as written and
//! mutated.

mod common;

use callcheck::config::qemu_block;
use callcheck::extract::{Extras, Recognizer, extract};
use proptest::prelude::*;

/// The recognizers skipping applies to: the default preset's contexts, without callback fields,
/// with the other extras off and on.
fn recognizers() -> Vec<Recognizer> {
    let none = Extras {
        fields: false,
        macros: false,
        aliases: false,
        head_words: false,
        arguments: false,
    };
    [Extras::ALL, none]
        .into_iter()
        .map(|extras| {
            let mut recognizer =
                Recognizer::new(&qemu_block().0).with_guards(["qemu_in_coroutine"]);
            recognizer.extras = Extras {
                fields: false,
                ..extras
            };
            recognizer
        })
        .collect()
}

/// Asserts that `source` is extracted alike with skipping on and off.
fn assert_skipping_changes_nothing(source: &[u8]) -> Result<(), TestCaseError> {
    for mut recognizer in recognizers() {
        let skipped = extract(source, &recognizer);
        recognizer.skip_braced = false;
        let read = extract(source, &recognizer);
        prop_assert_eq!(skipped, read, "{:?}", String::from_utf8_lossy(source));
    }
    Ok(())
}

/// Pieces of declarations, initializers, struct bodies and functions, and of everything a skip
/// must stop at or step over: directives, `callcheck:` comments, literals and comments holding
/// braces, and those that do not end.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("static const T t[] = {"),
        Just("S s = {"),
        Just("struct S {"),
        Just("enum E {"),
        Just("int f(int x) {"),
        Just("void g(void) {"),
        Just("extern \"C\" {"),
        Just("{"),
        Just("}"),
        Just("};"),
        Just(","),
        Just(";"),
        Just("="),
        Just("("),
        Just(")"),
        Just("[2]"),
        Just(".f = g"),
        Just("[1] = { 1, 2 }"),
        Just("f(x)"),
        Just("A(x) B(y)"),
        Just("GLOBAL_STATE_CODE();"),
        Just("IO_CODE();"),
        Just("if (qemu_in_coroutine()) {"),
        Just("} else {"),
        Just("return h(x);"),
        Just("x"),
        Just(" "),
        Just("\n"),
        Just("\"}\""),
        Just("\"{\\\"\""),
        Just("'{'"),
        Just("'}'"),
        Just("'\\''"),
        Just("/* } { */"),
        Just("// } {\n"),
        Just("/* callcheck: allow(IO_CODE) */"),
        Just("// callcheck: ignore\n"),
        Just("\n#if 0\n"),
        Just("\n#ifdef X\n"),
        Just("\n#else\n"),
        Just("\n#endif\n"),
        Just("\n#include \"x.h\"\n"),
        Just("\n#define A { f(\n"),
        Just("\n#undef A\n"),
        Just(" # "),
        Just("a / b"),
        Just("a /= b"),
        Just("*/"),
        Just("\""),
        Just("'"),
        Just("/*"),
        Just("\\\n"),
        Just("\u{e9}"),
        Just("// \u{e9}\u{ff}\n"),
        Just("\0"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn skipping_changes_nothing_on_glued_fragments(
        parts in proptest::collection::vec(fragment(), 0..60),
    ) {
        assert_skipping_changes_nothing(parts.concat().as_bytes())?;
    }

    #[test]
    fn skipping_changes_nothing_on_mutated_fixtures(
        file in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        insert in proptest::collection::vec(fragment(), 0..4),
    ) {
        let (mutated, _) = common::mutated_fixture(file, at, cut, insert.concat().as_bytes());
        assert_skipping_changes_nothing(&mutated)?;
    }
}

#[test]
fn skipping_changes_nothing_on_every_fixture() {
    let fixtures = common::c_fixtures();
    assert!(fixtures.len() > 10, "the fixtures are found");
    for source in fixtures {
        assert_skipping_changes_nothing(source).unwrap();
    }
}
