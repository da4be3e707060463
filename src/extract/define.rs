//! `#define` directives: the two kinds of macro that can hide a context or a call.
//!
//! - An object-like macro whose body is only identifiers, `#define co_wrapper_mixed
//!   no_coroutine_fn coroutine_mixed_fn`, is an *alias*: where its name is written in a
//!   declaration, its words are.
//! - A function-like macro, `#define BDRV_POLL_WHILE(bs, cond) ({ ... IO_OR_GS_CODE(); ... })`,
//!   passes the markers its body invokes and the functions it calls on to whoever invokes it.
//!
//! Every other `#define` (constants, expressions, token pasting) is of no interest.

use crate::lexer::Token;
use crate::scanner::Tokens;
use std::ops::Range;

/// What one `#define` is, with byte ranges into the file's source.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Define {
    /// `#define NAME WORD...`: at least one word, nothing but identifiers.
    Alias {
        name: Range<usize>,
        words: Vec<Range<usize>>,
    },
    /// `#define NAME(PARAMS) BODY`. A `...` parameter is the range of the `...`; with
    /// `variadic` the last parameter takes the rest of the arguments (`...` or GNU `args...`).
    FunctionLike {
        name: Range<usize>,
        params: Vec<Range<usize>>,
        variadic: bool,
        body: Range<usize>,
    },
    /// Anything else.
    Other,
}

/// Reads the `#define` directive at `span` of `source`.
pub(super) fn parse(source: &[u8], span: Range<usize>) -> Define {
    let end = span.end;
    let mut at = skip_blanks(source, span.start + 1, end);
    let Some(rest) = source[at..end].strip_prefix(b"define") else {
        return Define::Other;
    };
    at = skip_blanks(source, end - rest.len(), end);
    let name = at..identifier_end(source, at, end);
    if name.is_empty() {
        return Define::Other;
    }
    if source.get(name.end) == Some(&b'(') && name.end < end {
        let Some((params, variadic, body_start)) = parameters(source, name.end + 1, end) else {
            return Define::Other;
        };
        return Define::FunctionLike {
            name,
            params,
            variadic,
            body: body_start..end,
        };
    }
    // Most object-like macros are constants: a body that does not start with an identifier
    // is not an alias, and needs no tokenizing to say so.
    let body_start = skip_blanks(source, name.end, end);
    if identifier_end(source, body_start, end) == body_start {
        return Define::Other;
    }
    let mut words = Vec::new();
    for (token, range) in body_tokens(source, name.end..end) {
        if token != Token::Ident {
            return Define::Other;
        }
        words.push(range);
    }
    if words.is_empty() {
        Define::Other
    } else {
        Define::Alias { name, words }
    }
}

/// The tokens of `range` of `source`, with ranges into `source`; line continuations (a `\`
/// before a line break) are dropped.
pub(super) fn body_tokens(
    source: &[u8],
    range: Range<usize>,
) -> impl Iterator<Item = (Token, Range<usize>)> + '_ {
    let base = range.start;
    Tokens::new(&source[range])
        .map(move |(token, span)| (token, span.start + base..span.end + base))
        .filter(|(token, span)| !(*token == Token::Other && source[span.clone()] == *b"\\"))
}

/// The parameter names of a function-like macro, from just after its `(`, whether it is
/// variadic, and where its body starts; `None` if the list never closes.
fn parameters(
    source: &[u8],
    mut at: usize,
    end: usize,
) -> Option<(Vec<Range<usize>>, bool, usize)> {
    let mut params = Vec::new();
    let mut variadic = false;
    let mut after_name = false;
    loop {
        at = skip_blanks(source, at, end);
        let word_end = identifier_end(source, at, end);
        if word_end > at {
            params.push(at..word_end);
            at = word_end;
            after_name = true;
            continue;
        }
        match source.get(at) {
            Some(b')') if at < end => return Some((params, variadic, at + 1)),
            Some(b'.') if at < end && source[at..end].starts_with(b"...") => {
                // `args...` names the rest; a bare `...` is `__VA_ARGS__`.
                if !after_name {
                    params.push(at..at + 3);
                }
                variadic = true;
                at += 3;
            }
            Some(b',' | b'.') if at < end => at += 1,
            _ => return None,
        }
        after_name = false;
    }
}

/// Skips spaces, tabs and line continuations.
fn skip_blanks(source: &[u8], mut at: usize, end: usize) -> usize {
    while at < end {
        match source[at] {
            b' ' | b'\t' | b'\r' | b'\n' | b'\\' => at += 1,
            _ => break,
        }
    }
    at
}

/// The end of the identifier starting at `at` (`at` itself if there is none).
fn identifier_end(source: &[u8], at: usize, end: usize) -> usize {
    let starts = source
        .get(at)
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
    if !starts || at >= end {
        return at;
    }
    at + source[at..end]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric() && *b != b'_')
        .unwrap_or(end - at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(source: &'a str, range: &Range<usize>) -> &'a str {
        &source[range.clone()]
    }

    fn parsed(source: &str) -> Define {
        parse(source.as_bytes(), 0..source.len())
    }

    #[test]
    fn aliases_are_identifier_only_bodies() {
        let source = "#  define co_wrapper_mixed   no_coroutine_fn \\\n coroutine_mixed_fn";
        let Define::Alias { name, words } = parsed(source) else {
            panic!("not an alias");
        };
        assert_eq!(text(source, &name), "co_wrapper_mixed");
        let words: Vec<_> = words.iter().map(|w| text(source, w)).collect();
        assert_eq!(words, ["no_coroutine_fn", "coroutine_mixed_fn"]);
        for other in [
            "#define coroutine_fn",
            "#define N 10",
            "#define A B + C",
            "#define P (x)",
        ] {
            assert_eq!(parsed(other), Define::Other, "{other}");
        }
    }

    #[test]
    fn function_like_macros_have_parameters_and_a_body() {
        let source = "#define BDRV_POLL_WHILE(bs, cond, ...) ({ IO_OR_GS_CODE(); f(cond); })";
        let Define::FunctionLike {
            name,
            params,
            variadic,
            body,
        } = parsed(source)
        else {
            panic!("not function-like");
        };
        assert_eq!(text(source, &name), "BDRV_POLL_WHILE");
        let params: Vec<_> = params.iter().map(|p| text(source, p)).collect();
        assert_eq!(params, ["bs", "cond", "..."]);
        assert!(variadic);
        assert_eq!(
            text(source, &body),
            " ({ IO_OR_GS_CODE(); f(cond); })",
            "the body follows the parameter list"
        );
        assert_eq!(
            parsed("#define UNCLOSED(a, b"),
            Define::Other,
            "a list that never closes"
        );
        assert!(
            matches!(parsed("#define OBJ (a)"), Define::Other),
            "a space before ( makes it object-like"
        );
    }

    #[test]
    fn named_variadic_parameters_take_the_rest() {
        let source = "#define LOG(fmt, args...) printf(fmt, args)";
        let Define::FunctionLike {
            params, variadic, ..
        } = parsed(source)
        else {
            panic!("not function-like");
        };
        let params: Vec<_> = params.iter().map(|p| text(source, p)).collect();
        assert_eq!(params, ["fmt", "args"]);
        assert!(variadic);
        let Define::FunctionLike { variadic, .. } = parsed("#define F(a, b) a") else {
            panic!("not function-like");
        };
        assert!(!variadic);
    }

    #[test]
    fn not_a_define() {
        assert_eq!(parsed("#include <x.h>"), Define::Other);
        assert_eq!(parsed("#define"), Define::Other);
        assert_eq!(parsed("#define 9x y"), Define::Other);
    }
}
