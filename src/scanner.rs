//! The hand-written C scanner: bytes to the tokens [`crate::lexer`] defines.
//!
//! It yields exactly the tokens and byte ranges of the [`logos`] lexer derived on [`Token`] (the
//! reference, [`crate::lexer::LogosTokens`]; property tests and the fuzz target compare the two),
//! but it is shaped by what extraction reads: one lookup in a byte-class table decides how each
//! token is scanned, identifiers and numbers are measured sixteen bytes at a time (SSE2 on x86_64),
//! indentation eight at a time and other whitespace by a table loop, and comments, literals and
//! directives are skipped with `memchr` searches. What extraction does not read (initializers,
//! skimmed bodies, their parameter lists) is skipped sixteen bytes at a time. It beats the
//! generated state machine on real trees held in memory (the benchmark's `--scanner` table times
//! both).

use crate::lexer::{
    Directive, Token, classify_directive, comment_len, directive_len, is_pragma, quoted_len,
};
use std::ops::Range;

/// What a byte starts, for the scanner's dispatch. A plain byte, so that the dispatch is one
/// jump through a table; the token of a [`Class::Single`] byte is in [`SINGLES`].
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Class {
    /// Whitespace: skipped.
    Space,
    /// `[A-Za-z_$]`.
    Ident,
    /// `[0-9]`.
    Digit,
    /// A byte that is always a one-byte token by itself (a byte no C token starts with is one
    /// [`Token::Other`]).
    Single,
    /// A byte that needs a look at the next ones (operators, comments, literals, `#`).
    Special,
}

/// The class of every byte.
const CLASSES: [Class; 256] = {
    let mut table = [Class::Single; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => Class::Space,
            b'A'..=b'Z' | b'a'..=b'z' | b'_' | b'$' => Class::Ident,
            b'0'..=b'9' => Class::Digit,
            b'"' | b'\'' | b'/' | b'#' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b'+' | b'-'
            | b'*' | b'%' | b'^' | b'.' => Class::Special,
            _ => Class::Single,
        };
        b += 1;
    }
    table
};

/// The bytes [`Scanner::skip_braced`] must look at one by one: braces, and what may start a
/// comment, a literal or a directive.
const BRACED_STOPS: [u8; 6] = *b"{}\"'/#";

/// The bytes after which [`Scanner::skip_braced`] may stop, of which only the last one before a
/// stop matters: `,` and `;`.
const BRACED_ENDS: [u8; 2] = *b",;";

/// The bytes [`Scanner::skip_parenthesized`] must look at one by one: parentheses, what may
/// start a comment, a literal or a directive, and braces, where it gives up.
const GROUP_STOPS: [u8; 8] = *b"()\"'/#{}";

/// In the sixteen bytes of `block`: bit `i` set if `block[i]` is one of `set`, with SSE2.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn bytes_in(block: &[u8; 16], set: &[u8]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of every x86_64 target, and the load reads the 16 bytes of `block`.
    unsafe {
        let bytes = _mm_loadu_si128(block.as_ptr().cast());
        let found = set.iter().fold(_mm_set1_epi8(0), |found, &b| {
            _mm_or_si128(found, _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b as i8)))
        });
        _mm_movemask_epi8(found) as u32
    }
}

/// In the sixteen bytes of `block`: bit `i` set if `block[i]` is one of `set`, a byte at a
/// time.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn bytes_in(block: &[u8; 16], set: &[u8]) -> u32 {
    (block.iter().enumerate()).fold(0, |found, (i, b)| found | (u32::from(set.contains(b)) << i))
}

/// The offset of the first byte of `source` at or after `from` that is one of `set` (which
/// holds no space), found sixteen bytes at a time.
#[inline(always)]
fn next_in(source: &[u8], from: usize, set: &[u8]) -> Option<usize> {
    let mut at = from;
    while at < source.len() {
        let found = bytes_in(&block_at(source, at), set);
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize);
        }
        at += 16;
    }
    None
}

/// In the sixteen bytes of `block`: bit `i` of the first mask set if `block[i]` is one of
/// [`BRACED_STOPS`], of the second if it is one of [`BRACED_ENDS`].
#[inline(always)]
fn braced_masks(block: &[u8; 16]) -> (u32, u32) {
    (
        bytes_in(block, &BRACED_STOPS),
        bytes_in(block, &BRACED_ENDS),
    )
}

/// The sixteen bytes of `bytes` from `at`, padded with spaces (which are neither stops nor
/// ends) past its end.
#[inline(always)]
fn block_at(bytes: &[u8], at: usize) -> [u8; 16] {
    let rest = &bytes[at..];
    match rest.first_chunk::<16>() {
        Some(block) => *block,
        None => {
            let mut block = [b' '; 16];
            block[..rest.len()].copy_from_slice(rest);
            block
        }
    }
}

/// What a `"`, `'` or `/` opens: a literal or a comment, and where it ends.
enum Opening {
    /// A string or character literal, ending at the offset.
    Literal(usize),
    /// A comment, ending at the offset.
    Comment(usize),
    /// A block comment (`comment`) or a literal that runs to the end of the source.
    Unterminated { comment: bool },
}

/// The literal or comment the byte at `start` opens, taken apart as the scanner takes it; `None`
/// for any other byte, and for a `/` that is an operator.
#[inline(always)]
fn opening(source: &[u8], start: usize) -> Option<Opening> {
    let first = source[start];
    Some(match (first, source.get(start + 1)) {
        (b'"' | b'\'', _) => match quoted_len(&source[start + 1..], first) {
            Some(len) => Opening::Literal(start + 1 + len),
            None => Opening::Unterminated { comment: false },
        },
        (b'/', Some(b'*')) => match comment_len(&source[start + 2..]) {
            Some(len) => Opening::Comment(start + 2 + len),
            None => Opening::Unterminated { comment: true },
        },
        (b'/', Some(b'/')) => Opening::Comment(line_comment_end(source, start)),
        _ => return None,
    })
}

/// The end of the `//` comment at `start`: its line's end, or the first byte there that is not
/// valid UTF-8. (The reference's `[^\n]*` matches UTF-8 characters only; the rest of such a
/// line is scanned as code.)
fn line_comment_end(source: &[u8], start: usize) -> usize {
    let body = start + 2;
    let line_end = memchr::memchr(b'\n', &source[body..]).map_or(source.len(), |len| body + len);
    match std::str::from_utf8(&source[body..line_end]) {
        Ok(_) => line_end,
        Err(error) => body + error.valid_up_to(),
    }
}

/// The token of each [`Class::Single`] byte.
const SINGLES: [Token; 256] = {
    let mut table = [Token::Other; 256];
    table[b'(' as usize] = Token::LParen;
    table[b')' as usize] = Token::RParen;
    table[b'{' as usize] = Token::LBrace;
    table[b'}' as usize] = Token::RBrace;
    table[b';' as usize] = Token::Semi;
    table[b',' as usize] = Token::Comma;
    table[b':' as usize] = Token::Colon;
    table[b'[' as usize] = Token::LBracket;
    table
};

/// The length of the run of word bytes at the start of `bytes`: `[A-Za-z0-9_]` and `extra`
/// (`$` continues an identifier, `.` a number). Sixteen bytes are classified at once, so a
/// whole identifier usually costs one step instead of one per byte.
#[inline(always)]
fn word_len(bytes: &[u8], extra: u8) -> usize {
    let mut len = 0;
    loop {
        let rest = &bytes[len..];
        let words = match rest.first_chunk::<16>() {
            Some(block) => word_mask(block, extra),
            None => {
                // The last bytes, padded with NULs, which end a word.
                let mut block = [0u8; 16];
                block[..rest.len()].copy_from_slice(rest);
                word_mask(&block, extra)
            }
        };
        if words != 0xFFFF {
            return len + (!words).trailing_zeros() as usize;
        }
        len += 16;
    }
}

/// Bit `i` set if `block[i]` is a word byte (see [`word_len`]), with SSE2.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn word_mask(block: &[u8; 16], extra: u8) -> u32 {
    use std::arch::x86_64::{
        _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of every x86_64 target, and the load reads the 16 bytes of `block`.
    unsafe {
        // A byte is in `lo..lo + len` if adding `0x80 - lo` moves it to the bottom of the signed
        // range, below `-128 + len`: one add and one signed compare per range.
        let in_range = |bytes, lo: u8, len: u8| {
            let shifted = _mm_add_epi8(bytes, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8));
            _mm_cmplt_epi8(shifted, _mm_set1_epi8((0x80u8 + len) as i8))
        };
        let bytes = _mm_loadu_si128(block.as_ptr().cast());
        // Setting bit 5 folds A-Z onto a-z (and moves no other byte into a-z).
        let letters = in_range(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), b'a', 26);
        let digits = in_range(bytes, b'0', 10);
        let underscore = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'_' as i8));
        let extra = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(extra as i8));
        let words = _mm_or_si128(
            _mm_or_si128(letters, digits),
            _mm_or_si128(underscore, extra),
        );
        _mm_movemask_epi8(words) as u32
    }
}

/// Bit `i` set if `block[i]` is a word byte (see [`word_len`]), one byte at a time.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn word_mask(block: &[u8; 16], extra: u8) -> u32 {
    block.iter().enumerate().fold(0, |mask, (i, &b)| {
        let word = b.is_ascii_alphanumeric() || b == b'_' || b == extra;
        mask | (u32::from(word) << i)
    })
}

/// The code tokens of a source, with their byte offsets; bytes that start no C token become
/// [`Token::Other`]. The same tokens as [`crate::lexer::LogosTokens`].
pub type Tokens<'src> = Scanner<'src>;

/// The code tokens of a source with their byte ranges, scanned by hand.
#[derive(Debug, Clone)]
pub struct Scanner<'src> {
    source: &'src [u8],
    at: usize,
    /// False if the source is known to hold no [`crate::lexer::PRAGMA`] word: no comment is
    /// then searched for one.
    pragmas: bool,
}

impl<'src> Scanner<'src> {
    /// Starts scanning `source`.
    pub fn new(source: &'src [u8]) -> Self {
        Scanner {
            source,
            at: 0,
            pragmas: true,
        }
    }

    /// Starts scanning `source`, which the caller has found to hold no
    /// [`crate::lexer::PRAGMA`] word anywhere (as deciding to skim a file does): then no
    /// comment can be a [`Token::Pragma`], and none is searched for the word. The tokens are
    /// those of [`Scanner::new`].
    pub fn without_pragmas(source: &'src [u8]) -> Self {
        Scanner {
            pragmas: false,
            ..Scanner::new(source)
        }
    }

    /// True if the comment from `start` to `end` speaks to callcheck.
    #[inline(always)]
    fn pragma_between(&self, start: usize, end: usize) -> bool {
        self.pragmas && is_pragma(&self.source[start..end])
    }

    /// The source being scanned.
    pub fn source(&self) -> &'src [u8] {
        self.source
    }

    /// How many `' '` bytes start at `from`, counted eight at a time: after a line break,
    /// indentation is most of the whitespace of C.
    #[inline(always)]
    fn spaces_at(&self, from: usize) -> usize {
        const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
        let mut count = 0;
        while let Some(word) = self.source.get(from + count..from + count + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            let differs = word ^ SPACES;
            if differs != 0 {
                return count + (differs.trailing_zeros() / 8) as usize;
            }
            count += 8;
        }
        count
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
        if let Some(opened) = opening(source, start) {
            return match opened {
                Opening::Literal(end) if first == b'"' => Some((Token::Str, end)),
                Opening::Literal(end) => Some((Token::Char, end)),
                Opening::Comment(end) => self.pragma_or_skip(start, end),
                Opening::Unterminated { comment: true } => {
                    Some((Token::UnterminatedComment, source.len()))
                }
                Opening::Unterminated { comment: false } => {
                    Some((Token::UnterminatedLiteral, source.len()))
                }
            };
        }
        match (first, second) {
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

    /// Skips, from `from` (where a token ends), the tokens of an initializer or a struct body
    /// that no state of extraction follows when callback fields are not read, or of a function
    /// body being skimmed: everything but braces, directives and `callcheck:` comments.
    /// `depth` is the brace depth at `from`, 1 or more. Stops at the last `{`, `}`, `,` or `;`
    /// before the `}` that would close depth 1, a directive (or any `#`), a `callcheck:`
    /// comment or a comment or literal that does not end, so that extraction reads those
    /// tokens and the few before them as usual; scanning goes on from there. Returns the token
    /// skipped last (that brace, comma or semicolon) and the brace depth after it; `None` if
    /// nothing was skipped (scanning goes on where it was).
    ///
    /// Only comments and literals are taken apart, by `opening` as [`Scanner::next`] takes
    /// them: no other token holds a brace, a comma, a semicolon, a quote or a `#`, and a `/`
    /// that starts no comment is an operator.
    pub fn skip_braced(&mut self, from: usize, depth: u32) -> Option<(Token, u32)> {
        let source = self.source;
        let mut depth = depth;
        let mut at = from;
        let mut restart = (from, depth);
        while at < source.len() {
            let (stops, ends) = braced_masks(&block_at(source, at));
            // Of the commas and semicolons before the first stop, the last is where skipping
            // may end: nothing between them changes the depth.
            // The bits below the lowest stop (all of them without a stop).
            let ends_before = ends & (stops & stops.wrapping_neg()).wrapping_sub(1);
            if ends_before != 0 {
                restart = (at + (32 - ends_before.leading_zeros()) as usize, depth);
            }
            if stops == 0 {
                at += 16;
                continue;
            }
            let start = at + stops.trailing_zeros() as usize;
            at = start + 1;
            match source[start] {
                b'{' => depth += 1,
                b'}' if depth == 1 => break,
                b'}' => depth -= 1,
                b'"' | b'\'' | b'/' => match self.past_opening(start) {
                    Some(end) => {
                        at = end;
                        continue;
                    }
                    None => break,
                },
                _ => break,
            }
            restart = (at, depth);
        }
        if restart.0 == from {
            return None;
        }
        self.at = restart.0;
        Some((SINGLES[usize::from(source[restart.0 - 1])], restart.1))
    }

    /// Skips, from `from` (just after a `(`), to the `)` that closes it, and leaves scanning
    /// there: for a parameter list at file scope whose tokens nothing reads (see
    /// `FilePass::skip_parameters`). Returns whether the tokens between are a plain list (only
    /// identifiers, no two of them without a comma between), which tells a K&R definition's
    /// identifier list; `None`, with scanning left where it was, if it meets a brace, a
    /// directive (or any `#`), a `callcheck:` comment, a comment or literal that does not end,
    /// or the end of the source before that `)`, so that extraction reads those tokens as usual.
    ///
    /// Only comments and literals are taken apart, by `opening`, as in
    /// [`skip_braced`](Self::skip_braced); the words are looked at only while the list may
    /// still be plain.
    pub fn skip_parenthesized(&mut self, from: usize) -> Option<bool> {
        let source = self.source;
        let mut at = from;
        // While the list may be plain, token by token.
        let mut after_word = false;
        loop {
            let &byte = source.get(at)?;
            match CLASSES[usize::from(byte)] {
                Class::Space => at += 1,
                Class::Ident if !after_word => {
                    at += 1 + word_len(&source[at + 1..], b'$');
                    after_word = true;
                }
                _ if byte == b',' => {
                    at += 1;
                    after_word = false;
                }
                _ if byte == b')' => {
                    self.at = at;
                    return Some(true);
                }
                _ => match opening(source, at) {
                    Some(Opening::Comment(end)) if !self.pragma_between(at, end) => at = end,
                    _ => break,
                },
            }
        }
        // Not plain: only the parentheses count now.
        let mut depth = 1u32;
        while let Some(start) = next_in(source, at, &GROUP_STOPS) {
            at = start + 1;
            match source[start] {
                b'(' => depth += 1,
                b')' if depth == 1 => {
                    self.at = start;
                    return Some(false);
                }
                b')' => depth -= 1,
                b'"' | b'\'' | b'/' => at = self.past_opening(start)?,
                _ => return None,
            }
        }
        None
    }

    /// Where a skip goes on after the `"`, `'` or `/` at `start`: past the literal or comment
    /// it opens, or right after a `/` that is an operator; `None` where the skip must stop, at
    /// a `callcheck:` comment or a comment or literal that does not end.
    #[inline(always)]
    fn past_opening(&self, start: usize) -> Option<usize> {
        match opening(self.source, start) {
            Some(Opening::Literal(end)) => Some(end),
            Some(Opening::Comment(end)) if !self.pragma_between(start, end) => Some(end),
            Some(_) => None,
            None => Some(start + 1),
        }
    }

    /// A comment from `start` to `end`: a [`Token::Pragma`] if it speaks to callcheck, else
    /// skipped.
    fn pragma_or_skip(&mut self, start: usize, end: usize) -> Option<(Token, usize)> {
        if self.pragma_between(start, end) {
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

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let start = self.at;
            let &byte = self.source.get(start)?;
            let (token, end) = match CLASSES[usize::from(byte)] {
                Class::Space => {
                    let mut at = start + 1;
                    if byte == b'\n' {
                        at += self.spaces_at(at);
                    }
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
                Class::Ident => (
                    Token::Ident,
                    start + 1 + word_len(&self.source[start + 1..], b'$'),
                ),
                Class::Single => (SINGLES[usize::from(byte)], start + 1),
                Class::Digit => (
                    Token::Number,
                    start + 1 + word_len(&self.source[start + 1..], b'.'),
                ),
                Class::Special => match self.special(start) {
                    Some(found) => found,
                    None => continue,
                },
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
    fn every_byte_ends_or_continues_a_word_as_the_reference_says() {
        for byte in 0..=255u8 {
            // The byte after 16 and after 20 word bytes: both halves of the first block, and
            // a second one.
            for prefix in ["a".repeat(16), "a".repeat(20), "1".repeat(20)] {
                let mut source = prefix.into_bytes();
                source.extend([byte, b' ']);
                let (scanned, reference) = both(&source);
                assert_eq!(
                    scanned,
                    reference,
                    "byte {byte:#04x} after {}",
                    source.len() - 2
                );
            }
        }
    }

    #[test]
    fn skipping_a_braced_block_stops_where_extraction_reads_again() {
        /// Where a skip stops: the token skipped last, its end and the depth after it.
        type Stop = Option<(Token, usize, u32)>;
        // From after the block's `{` at depth 1.
        let cases: [(&[u8], Stop); 7] = [
            (b"{ 1, 2, 3 } x;", Some((Token::Comma, 7, 1))),
            (
                b"{ { 1 }, \"},\", '}', /* }, */ // },\n 4 }",
                Some((Token::Comma, 19, 1)),
            ),
            (b"{ .a = { 1, 2 } }", Some((Token::RBrace, 15, 1))),
            (b"{ 1, 2,\n#if X\n 3, };", Some((Token::Comma, 7, 1))),
            (b"{ x /* callcheck: allow(IO_CODE) */, y };", None),
            (b"{ 1, \"2", Some((Token::Comma, 4, 1))),
            (b"{ { 1; 2", Some((Token::Semi, 6, 2))),
        ];
        for (source, expected) in cases {
            let mut scanner = Scanner::new(source);
            scanner.at = 5;
            let skipped = scanner.skip_braced(1, 1);
            let text = String::from_utf8_lossy(source);
            match expected {
                Some((token, end, depth)) => {
                    assert_eq!(skipped, Some((token, depth)), "{text}");
                    assert_eq!(scanner.at, end, "{text}");
                }
                None => {
                    assert_eq!(skipped, None, "{text}");
                    assert_eq!(scanner.at, 5, "{text}: where it was");
                }
            }
        }
    }

    #[test]
    fn skipping_a_parameter_list_stops_at_its_closing_parenthesis() {
        /// Where scanning goes on (the list's `)`) and whether the list is plain; `None` where
        /// the list is left to be read token by token.
        type Stop = Option<(usize, bool)>;
        // From after the list's `(`.
        let cases: [(&[u8], Stop); 12] = [
            (b"(a, b) int a;", Some((5, true))),
            (b"() {", Some((1, true))),
            (b"(a /* x y */, $b\n) x", Some((17, true))),
            (b"(a b)", Some((4, false))),
            (b"(int *p, char **q)", Some((17, false))),
            (b"(f(x), \")\", ')', (y)) z", Some((20, false))),
            (b"(a /* ) */ b // )\n)", Some((18, false))),
            (b"(a, 1)", Some((5, false))),
            (b"(a, { b })", None),
            (b"(a,\n#if X\n b)", None),
            (b"(a, \"b", None),
            (b"(a, (b)", None),
        ];
        for (source, expected) in cases {
            let mut scanner = Scanner::new(source);
            scanner.at = 3;
            let skipped = scanner.skip_parenthesized(1);
            let text = String::from_utf8_lossy(source);
            match expected {
                Some((end, plain)) => {
                    assert_eq!(skipped, Some(plain), "{text}");
                    assert_eq!(scanner.at, end, "{text}");
                    assert_eq!(
                        scanner.next().map(|(t, _)| t),
                        Some(Token::RParen),
                        "{text}"
                    );
                }
                None => {
                    assert_eq!(skipped, None, "{text}");
                    assert_eq!(scanner.at, 3, "{text}: where it was");
                }
            }
        }
        // A `callcheck:` comment is read as a token.
        let mut scanner = Scanner::new(b"(a /* callcheck: ignore */)");
        assert_eq!(scanner.skip_parenthesized(1), None);
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
