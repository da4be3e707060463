//! The hand-written C scanner: bytes to the tokens [`crate::lexer`] defines.
//!
//! It yields exactly the tokens and byte ranges of the [`logos`] lexer derived on
//! [`Token`] (the reference, [`crate::lexer::LogosTokens`]; property tests and the fuzz target
//! compare the two), but it is shaped by what extraction reads: one lookup in a byte-class table
//! decides each token, whitespace runs are skipped by a table loop, and comments, literals and
//! directives are skipped with `memchr` searches. It beats the generated state machine on real
//! trees held in memory (the benchmark's `--scanner` table times both).

use crate::lexer::{
    Directive, Token, classify_directive, comment_len, directive_len, is_pragma, quoted_len,
};
use std::ops::Range;

/// What a byte starts, for the scanner's dispatch.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Whitespace: skipped.
    Space,
    /// `[A-Za-z_$]`.
    Ident,
    /// `[0-9]`.
    Digit,
    /// A byte that is always a one-byte token by itself.
    Single(Token),
    /// A byte that needs a look at the next ones (operators, comments, literals, `#`).
    Special,
    /// A byte no C token starts with.
    Stray,
}

/// The class of every byte.
const CLASSES: [Class; 256] = {
    let mut table = [Class::Stray; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Class::Space,
            b'A'..=b'Z' | b'a'..=b'z' | b'_' | b'$' => Class::Ident,
            b'0'..=b'9' => Class::Digit,
            b'(' => Class::Single(Token::LParen),
            b')' => Class::Single(Token::RParen),
            b'{' => Class::Single(Token::LBrace),
            b'}' => Class::Single(Token::RBrace),
            b';' => Class::Single(Token::Semi),
            b',' => Class::Single(Token::Comma),
            b':' => Class::Single(Token::Colon),
            b'[' => Class::Single(Token::LBracket),
            b'~' | b'?' | b']' | b'\\' | b'@' | b'`' => Class::Single(Token::Other),
            b'"' | b'\'' | b'/' | b'#' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b'+' | b'-'
            | b'*' | b'%' | b'^' | b'.' => Class::Special,
            _ => Class::Stray,
        };
        b += 1;
    }
    table
};

/// Bytes that continue an identifier (`[A-Za-z0-9_$]`) and, with `.` and without `$`, a number.
const IDENT_REST: [bool; 256] = byte_set(b"_$");
const NUMBER_REST: [bool; 256] = byte_set(b"_.");

/// Alphanumeric bytes and `extra`.
const fn byte_set(extra: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        table[extra[i] as usize] = true;
        i += 1;
    }
    table
}

/// The code tokens of a source, with their byte offsets; bytes that start no C token become
/// [`Token::Other`]. The same tokens as [`crate::lexer::LogosTokens`].
pub type Tokens<'src> = Scanner<'src>;

/// The code tokens of a source with their byte ranges, scanned by hand.
#[derive(Debug, Clone)]
pub struct Scanner<'src> {
    source: &'src [u8],
    at: usize,
}

impl<'src> Scanner<'src> {
    /// Starts scanning `source`.
    pub fn new(source: &'src [u8]) -> Self {
        Scanner { source, at: 0 }
    }

    /// The source being scanned.
    pub fn source(&self) -> &'src [u8] {
        self.source
    }

    /// The end of the run of `set` bytes starting at `from`.
    #[inline(always)]
    fn run_end(&self, from: usize, set: &[bool; 256]) -> usize {
        let rest = &self.source[from..];
        from + rest
            .iter()
            .position(|&b| !set[usize::from(b)])
            .unwrap_or(rest.len())
    }

    /// The byte `offset` past the token start `start`, if any.
    #[inline(always)]
    fn peek(&self, start: usize, offset: usize) -> Option<u8> {
        self.source.get(start + offset).copied()
    }

    /// Scans the token starting with a [`Class::Special`] byte at `start`: its kind and end, or
    /// `None` for a comment that is skipped (its end is then in `self.at`).
    #[inline]
    fn special(&mut self, start: usize) -> Option<(Token, usize)> {
        let source = self.source;
        let first = source[start];
        let second = self.peek(start, 1);
        let operator = |len: usize| Some((Token::Other, start + len));
        match (first, second) {
            (b'"' | b'\'', _) => {
                let token = if first == b'"' {
                    Token::Str
                } else {
                    Token::Char
                };
                Some(match quoted_len(&source[start + 1..], first) {
                    Some(len) => (token, start + 1 + len),
                    None => (Token::UnterminatedLiteral, source.len()),
                })
            }
            (b'/', Some(b'*')) => match comment_len(&source[start + 2..]) {
                Some(len) => {
                    let end = start + 2 + len;
                    self.pragma_or_skip(start, end)
                }
                None => Some((Token::UnterminatedComment, source.len())),
            },
            (b'/', Some(b'/')) => {
                let body = start + 2;
                let line_end =
                    memchr::memchr(b'\n', &source[body..]).map_or(source.len(), |len| body + len);
                // The reference's `[^\n]*` matches UTF-8 characters only: its comment ends
                // before the first byte that is not valid UTF-8, and the rest of the line is
                // scanned as code.
                let end = match std::str::from_utf8(&source[body..line_end]) {
                    Ok(_) => line_end,
                    Err(error) => body + error.valid_up_to(),
                };
                self.pragma_or_skip(start, end)
            }
            (b'#', Some(b'#')) => operator(2),
            (b'#', _) => Some(self.directive(start)),
            (b'=', Some(b'=')) => operator(2),
            (b'=', _) => Some((Token::Assign, start + 1)),
            (b'-', Some(b'>')) => Some((Token::Arrow, start + 2)),
            (b'-', Some(b'-' | b'=')) | (b'+', Some(b'+' | b'=')) => operator(2),
            (b'&', Some(b'&' | b'=')) => operator(2),
            (b'&', _) => Some((Token::Amp, start + 1)),
            (b'*', Some(b'=')) => operator(2),
            (b'*', _) => Some((Token::Star, start + 1)),
            (b'|', Some(b'|' | b'=')) => operator(2),
            (b'!' | b'/' | b'%' | b'^', Some(b'=')) => operator(2),
            (b'<' | b'>', Some(b'=')) => operator(2),
            (b'<' | b'>', Some(second)) if second == first => {
                operator(if self.peek(start, 2) == Some(b'=') {
                    3
                } else {
                    2
                })
            }
            (b'.', Some(b'.')) if self.peek(start, 2) == Some(b'.') => operator(3),
            (b'.', _) => Some((Token::Dot, start + 1)),
            _ => operator(1),
        }
    }

    /// A comment from `start` to `end`: a [`Token::Pragma`] if it speaks to callcheck, else
    /// skipped.
    fn pragma_or_skip(&mut self, start: usize, end: usize) -> Option<(Token, usize)> {
        if is_pragma(&self.source[start..end]) {
            Some((Token::Pragma, end))
        } else {
            self.at = end;
            None
        }
    }

    /// A `#`: a whole directive if it is first on its line, else one byte of punctuation.
    fn directive(&self, start: usize) -> (Token, usize) {
        let first_on_line = self.source[..start]
            .iter()
            .rev()
            .find(|&&b| b != b' ' && b != b'\t')
            .is_none_or(|&b| b == b'\n' || b == b'\r');
        if !first_on_line {
            return (Token::Directive(Directive::Other), start + 1);
        }
        let rest = &self.source[start + 1..];
        let len = directive_len(rest);
        (
            Token::Directive(classify_directive(&rest[..len])),
            start + 1 + len,
        )
    }
}

impl Iterator for Scanner<'_> {
    /// A token and the byte range it covers.
    type Item = (Token, Range<usize>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let start = self.at;
            let &byte = self.source.get(start)?;
            let (token, end) = match CLASSES[usize::from(byte)] {
                Class::Space => {
                    let mut at = start + 1;
                    while self
                        .source
                        .get(at)
                        .is_some_and(|&b| CLASSES[usize::from(b)] == Class::Space)
                    {
                        at += 1;
                    }
                    self.at = at;
                    continue;
                }
                Class::Ident => (Token::Ident, self.run_end(start + 1, &IDENT_REST)),
                Class::Single(token) => (token, start + 1),
                Class::Digit => (Token::Number, self.run_end(start + 1, &NUMBER_REST)),
                Class::Special => match self.special(start) {
                    Some(found) => found,
                    None => continue,
                },
                Class::Stray => (Token::Other, start + 1),
            };
            self.at = end;
            return Some((token, start..end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::LogosTokens;

    /// One lexer's tokens of a source.
    type Cut = Vec<(Token, Range<usize>)>;

    /// Both scanners' tokens of `source`, side by side.
    fn both(source: &[u8]) -> (Cut, Cut) {
        (
            Scanner::new(source).collect(),
            LogosTokens::new(source).collect(),
        )
    }

    #[test]
    fn every_operator_splits_as_the_reference_does() {
        let source = b"a==b!=c<=d>=e<<f<<=g>>h>>=i&&j||k++l--m+=n-=o*=p/=q%=r&=s|=t^=u...v..w.x->y\
            -z<y>x!w~v?u]t\\s@r`q$p#o##n/m%l^k|j&i*h+g-f=e";
        let (scanned, reference) = both(source);
        assert_eq!(scanned, reference);
        assert!(scanned.len() > 80, "the input is split into many tokens");
    }

    #[test]
    fn literals_comments_and_directives_match_the_reference() {
        for source in [
            &b"#define X(a) \\\n f(a) /* { */ \"}\" \n#if 0\nx\n#endif\n f('\\'', \"\\\"\")"[..],
            b"a /* callcheck: allow(X) y */ b // callcheck: ignore\nc // d\n/* e",
            b"x \"unterminated\ny 'z",
            b"  # include <a.h>\n\t#\tpragma x\nq # r ## s\n##t",
            b"0x1fULL 1.5e10 .5 9$ 1..2",
            b"\xff\x00\x7f\x80 \x0b\x0c\r\n a",
            b"/",
            b"#",
            b"a \"b\\",
            b"// ok \xe2\x82\xac then \xff f(x) // \xe2\x82\n g",
        ] {
            let (scanned, reference) = both(source);
            assert_eq!(scanned, reference, "{}", String::from_utf8_lossy(source));
        }
    }
}
