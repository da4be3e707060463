//! Skipping the insides of initializers and struct bodies in bulk, as extraction does when
//! callback fields are not recorded, and the parameter lists at file scope of a file whose
//! bodies are skimmed, changes nothing it extracts: the same files come out with
//! skipping on and off, on C-like fragments glued together and on the C fixtures as written and
//! mutated. Skimming function bodies, as a check does where its rules allow, changes nothing
//! but the bodies' uses, and only in files that mention no marker and no `callcheck:` comment.

mod common;

use callcheck::config::qemu_block;
use callcheck::extract::{Extras, FileFunctions, Recognizer, extract};
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

/// Asserts that `source` is extracted alike with skipping on and off, its bodies read and
/// skimmed (a skimmed file skips its parameter lists too).
fn assert_skipping_changes_nothing(source: &[u8]) -> Result<(), TestCaseError> {
    for mut recognizer in recognizers() {
        for skim in [false, true] {
            recognizer.skim_bodies = skim;
            recognizer.skip_braced = true;
            let skipped = extract(source, &recognizer);
            recognizer.skip_braced = false;
            let read = extract(source, &recognizer);
            prop_assert_eq!(skipped, read, "{:?}", String::from_utf8_lossy(source));
        }
    }
    Ok(())
}

/// What a file's extraction holds besides its bodies' uses, with names as text (skimming
/// interns fewer names, so the indices differ): what skimming must leave as it is.
fn outline(file: &FileFunctions) -> String {
    let words = |range| -> Vec<&str> { file.words(range).iter().map(|&w| file.name(w)).collect() };
    let functions: Vec<_> = file
        .functions
        .iter()
        .map(|f| {
            let head = (f.line, f.column, f.is_static, f.markers, f.attributes);
            (file.name(f.name), head, words(f.words))
        })
        .collect();
    let prototypes: Vec<_> = file
        .prototypes
        .iter()
        .map(|p| {
            let head = (p.line, p.column, p.is_static, p.contexts);
            (file.name(p.name), head, words(p.words))
        })
        .collect();
    let aliases: Vec<_> = file
        .aliases
        .iter()
        .map(|a| (file.name(a.name), a.line, words(a.words)))
        .collect();
    let counts = [
        file.templates.len(),
        file.invocations.len(),
        file.field_decls.len(),
        file.pointer_members.len(),
        file.function_types.len(),
        file.cast_macros.len(),
        file.type_aliases.len(),
        file.globals.len(),
    ];
    format!(
        "{functions:?}\n{prototypes:?}\n{aliases:?}\n{:?}\n{:?}\n{:?} {:?} {:?} {} {}\n{counts:?}",
        file.pragmas,
        file.includes,
        file.unclosed,
        file.stray_closing_braces,
        file.unterminated,
        file.conditions_decided,
        file.conditions_open,
    )
}

/// Asserts that skimming `source`'s bodies changes nothing but their uses, and happens exactly
/// when it mentions no marker and no `callcheck:` comment. True if it was skimmed.
fn assert_skimming_keeps_the_outline(source: &[u8]) -> Result<bool, TestCaseError> {
    let mentions = |word: &[u8]| source.windows(word.len()).any(|w| w == word);
    let stoppers: [&[u8]; 4] = [
        b"GLOBAL_STATE_CODE",
        b"IO_CODE",
        b"IO_OR_GS_CODE",
        b"callcheck",
    ];
    let skims = !stoppers.into_iter().any(mentions);
    for mut recognizer in recognizers() {
        let read = extract(source, &recognizer);
        recognizer.skim_bodies = true;
        let skimmed = extract(source, &recognizer);
        prop_assert_eq!(skimmed.skimmed, skims);
        prop_assert!(!read.skimmed);
        if !skims {
            prop_assert_eq!(skimmed, read);
            continue;
        }
        prop_assert_eq!(
            outline(&skimmed),
            outline(&read),
            "{:?}",
            String::from_utf8_lossy(source)
        );
        prop_assert!(skimmed.uses.is_empty(), "a skimmed body records no use");
    }
    Ok(skims)
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
        Just("int k(a, b) int a; long b; {"),
        Just("k(a /* , */, b)"),
        Just("f(a b)"),
        Just("g(\"(\", ')', (x))"),
        Just("void (*h(int n))(void)"),
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

    #[test]
    fn skimming_keeps_the_outline_of_glued_fragments(
        parts in proptest::collection::vec(fragment(), 0..60),
    ) {
        assert_skimming_keeps_the_outline(parts.concat().as_bytes())?;
    }

    #[test]
    fn skimming_keeps_the_outline_of_mutated_fixtures(
        file in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        insert in proptest::collection::vec(fragment(), 0..4),
    ) {
        let (mutated, _) = common::mutated_fixture(file, at, cut, insert.concat().as_bytes());
        assert_skimming_keeps_the_outline(&mutated)?;
    }
}

#[test]
fn skimming_keeps_the_outline_of_every_fixture() {
    let fixtures = common::c_fixtures();
    let mut skimmed = 0;
    for source in fixtures {
        skimmed += usize::from(assert_skimming_keeps_the_outline(source).unwrap());
    }
    assert!(skimmed > 20, "only {skimmed} fixtures were skimmed");
}

#[test]
fn skipping_changes_nothing_on_every_fixture() {
    let fixtures = common::c_fixtures();
    assert!(fixtures.len() > 10, "the fixtures are found");
    for source in fixtures {
        assert_skipping_changes_nothing(source).unwrap();
    }
}
