//! The hand-written scanner against the logos reference lexer: the same tokens and ranges on
//! random bytes, on C-like fragments glued together, and on the C fixtures as written and
//! mutated.

mod common;

use callcheck::lexer::{LogosTokens, PRAGMA};
use callcheck::scanner::Tokens;
use proptest::prelude::*;

/// Asserts that both lexers cut `source` the same way, and so does the scanner told that no
/// comment speaks to callcheck, where none can.
fn assert_same_tokens(source: &[u8]) -> Result<(), TestCaseError> {
    let scanned: Vec<_> = Tokens::new(source).collect();
    let reference: Vec<_> = LogosTokens::new(source).collect();
    let text = String::from_utf8_lossy(source);
    prop_assert_eq!(&scanned, &reference, "{:?}", text);
    if !source.windows(PRAGMA.len()).any(|window| window == PRAGMA) {
        let without_pragmas: Vec<_> = Tokens::without_pragmas(source).collect();
        prop_assert_eq!(without_pragmas, reference, "without pragmas: {:?}", text);
    }
    Ok(())
}

/// Fragments that start or end every kind of token, and the bytes between them.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("f"),
        Just("_x$1"),
        Just("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789$"),
        Just("0x1fULL"),
        Just("1.5e10"),
        Just("."),
        Just(".."),
        Just("..."),
        Just("->"),
        Just("-"),
        Just("="),
        Just("=="),
        Just("<"),
        Just("<<"),
        Just(">>="),
        Just("&"),
        Just("&&"),
        Just("|"),
        Just("+"),
        Just("*"),
        Just("/"),
        Just("%"),
        Just("^"),
        Just("!"),
        Just("~"),
        Just("?"),
        Just("@"),
        Just("`"),
        Just("\\"),
        Just("("),
        Just(")"),
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just(";"),
        Just(","),
        Just(":"),
        Just("\""),
        Just("'"),
        Just("\\\""),
        Just("/*"),
        Just("*/"),
        Just("//"),
        Just("callcheck:"),
        Just("#"),
        Just("##"),
        Just("define"),
        Just("if 0"),
        Just("ifdef"),
        Just("elif"),
        Just("else"),
        Just("endif"),
        Just(" "),
        Just("\t"),
        Just("\n"),
        Just("\r"),
        Just("\r\n"),
        Just("\\\n"),
        Just("\x0b\x0c"),
        Just("\u{e9}"),
        Just("\0"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn same_tokens_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        assert_same_tokens(&bytes)?;
    }

    #[test]
    fn same_tokens_on_glued_fragments(parts in proptest::collection::vec(fragment(), 0..80)) {
        assert_same_tokens(parts.concat().as_bytes())?;
    }

    #[test]
    fn same_tokens_on_mutated_fixtures(
        file in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        insert in proptest::collection::vec(fragment(), 0..4),
    ) {
        let (mutated, cut_short) = common::mutated_fixture(file, at, cut, insert.concat().as_bytes());
        assert_same_tokens(&mutated)?;
        assert_same_tokens(cut_short)?;
    }
}

#[test]
fn same_tokens_on_every_fixture() {
    let fixtures = common::c_fixtures();
    assert!(fixtures.len() > 10, "the fixtures are found");
    for source in fixtures {
        assert_same_tokens(source).unwrap();
    }
}
