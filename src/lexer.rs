//! Bytes to tokens.
//!
//! The lexer knows just enough C to find identifiers and the punctuation that shapes declarations
//! and bodies. Comments and whitespace are skipped; string and character literals become one
//! opaque token each, so nothing inside them is ever mistaken for code; a preprocessor directive
//! (with its backslash continuations and any comments in it) becomes one [`Token::Directive`] that
//! says which directive it is, so a `#define` body is never read as code.
//!
//! It works on bytes: invalid UTF-8, NUL bytes and stray characters become [`Token::Other`] and
//! never stop the scan.
//!
//! The tokens are defined here, with a [`logos`] lexer derived from their patterns:
//! [`LogosTokens`], the reference. Extraction reads them from the hand-written
//! [`crate::scanner::Tokens`], which yields the same tokens and ranges faster;
//! property tests and the fuzz target hold the two to the same output.

use logos::{Filter, Lexer, Logos};
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// What a preprocessor directive means to the extractor; everything else about it is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    /// `#if`, `#ifdef` or `#ifndef`: opens a conditional.
    If(ConditionKind),
    /// `#elif`, `#elifdef` or `#elifndef`.
    Elif(ConditionKind),
    /// `#else`
    Else,
    /// `#endif`
    Endif,
    /// `#define`: the extractor reads macro definitions for aliases, macro bodies and conditions.
    Define,
    /// `#undef`: a condition after it sees the name undefined.
    Undef,
    /// Any other directive (`#include`, `#pragma`, ...), or a lone `#`.
    Other,
}

/// How a conditional directive states its condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    /// `#if EXPR` or `#elif EXPR`.
    Expression,
    /// `#ifdef NAME` or `#elifdef NAME`.
    Defined,
    /// `#ifndef NAME` or `#elifndef NAME`.
    NotDefined,
}

/// A C token, as far as call-context extraction needs to tell tokens apart.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(utf8 = false)]
#[logos(skip r"[ \t\n\r\x0b\x0c]+")]
pub enum Token {
    /// An identifier or keyword.
    #[regex(r"[A-Za-z_$]", identifier_rest)]
    Ident,
    /// A number (the pattern is loose: `0x1f`, `1.5e10`, `10ULL`).
    #[regex(r"[0-9][0-9A-Za-z_.]*")]
    Number,
    /// A string literal; an unterminated one ends at the end of its line.
    #[token("\"", string_literal)]
    Str,
    /// A character literal; an unterminated one ends at the end of its line.
    #[token("'", char_literal)]
    Char,
    /// A string or character literal that runs to the end of the input.
    UnterminatedLiteral,
    /// A block comment that runs to the end of the input (a terminated one is skipped, unless
    /// it is a [`Token::Pragma`]).
    #[token("/*", block_comment)]
    UnterminatedComment,
    /// A comment that speaks to callcheck (`/* callcheck: allow(...) reason */`, `// callcheck:
    /// ignore`); every other comment is skipped.
    #[regex(r"//[^\n]*", line_comment, allow_greedy = true)]
    Pragma,
    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `{`
    #[token("{")]
    LBrace,
    /// `}`
    #[token("}")]
    RBrace,
    /// `;`
    #[token(";")]
    Semi,
    /// `,`
    #[token(",")]
    Comma,
    /// `:`
    #[token(":")]
    Colon,
    /// `=` (assignment or initializer, not `==`).
    #[token("=")]
    Assign,
    /// `.`
    #[token(".")]
    Dot,
    /// `->`
    #[token("->")]
    Arrow,
    /// `*`
    #[token("*")]
    Star,
    /// `&`
    #[token("&")]
    Amp,
    /// `[`
    #[token("[")]
    LBracket,
    /// A preprocessor directive: a `#` first on its line, up to the end of its logical line.
    #[token("#", directive)]
    Directive(Directive),
    /// Other punctuation and operators, and bytes that are not C at all.
    #[regex(r"==|!=|<=|>=|<<=?|>>=?|&&|\|\||\+\+|--|[-+*/%&|^]=|\.\.\.|##")]
    #[regex(r"[-+/%<>!|^~?\]\\@`]")]
    Other,
}

/// Bytes that may continue an identifier.
const IDENTIFIER_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        b += 1;
    }
    table
};

/// Consumes the rest of an identifier after its first byte: a plain loop over a byte table is
/// twice as fast here as the generated state machine for `[A-Za-z0-9_$]*`.
fn identifier_rest(lex: &mut Lexer<Token>) {
    let rest = lex.remainder();
    let len = rest
        .iter()
        .position(|&b| !IDENTIFIER_BYTES[usize::from(b)])
        .unwrap_or(rest.len());
    lex.bump(len);
}

/// Consumes a string literal after its opening quote.
fn string_literal(lex: &mut Lexer<Token>) -> Token {
    quoted_literal(lex, b'"', Token::Str)
}

/// Consumes a character literal after its opening quote.
fn char_literal(lex: &mut Lexer<Token>) -> Token {
    quoted_literal(lex, b'\'', Token::Char)
}

fn quoted_literal(lex: &mut Lexer<Token>, quote: u8, token: Token) -> Token {
    let rest = lex.remainder();
    match quoted_len(rest, quote) {
        Some(len) => {
            lex.bump(len);
            token
        }
        None => {
            lex.bump(rest.len());
            Token::UnterminatedLiteral
        }
    }
}

/// Length of a quoted literal's rest (after the opening quote) up to and including `quote`, with
/// backslash escapes, or up to the newline that ends it unterminated; `None` if it runs to the
/// end of the input.
pub(crate) fn quoted_len(rest: &[u8], quote: u8) -> Option<usize> {
    let mut i = 0;
    while let Some(found) = memchr::memchr3(quote, b'\\', b'\n', &rest[i..]) {
        let at = i + found;
        match rest[at] {
            b'\\' => i = (at + 2).min(rest.len()),
            b'\n' => return Some(at),
            _ => return Some(at + 1),
        }
    }
    None
}

/// The word that makes a comment a [`Token::Pragma`].
pub const PRAGMA: &[u8] = b"callcheck:";

/// Skips a block comment after its `/*`, or makes it a [`Token::Pragma`] if it speaks to
/// callcheck, or an [`Token::UnterminatedComment`] if it runs to the end of the input.
fn block_comment(lex: &mut Lexer<Token>) -> Filter<Token> {
    let rest = lex.remainder();
    match comment_len(rest) {
        Some(len) => {
            lex.bump(len);
            pragma_or_skip(&rest[..len])
        }
        None => {
            lex.bump(rest.len());
            Filter::Emit(Token::UnterminatedComment)
        }
    }
}

/// Skips a line comment, or makes it a [`Token::Pragma`] if it speaks to callcheck.
fn line_comment(lex: &mut Lexer<Token>) -> Filter<Token> {
    pragma_or_skip(lex.slice())
}

fn pragma_or_skip(comment: &[u8]) -> Filter<Token> {
    if is_pragma(comment) {
        Filter::Emit(Token::Pragma)
    } else {
        Filter::Skip
    }
}

/// True if `comment` (a whole comment) speaks to callcheck.
pub(crate) fn is_pragma(comment: &[u8]) -> bool {
    PRAGMA_WORD.find(comment).is_some()
}

/// Searchers built once: a block comment's end, and the word that makes a comment a pragma.
/// (Searching `*/` whole beats stopping at every `*` of a ` * ` comment layout.)
static COMMENT_END: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"*/"));
static PRAGMA_WORD: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(PRAGMA));

/// Length of a block comment's rest (after `/*`) up to and including `*/`; `None` if it is
/// unterminated.
pub(crate) fn comment_len(rest: &[u8]) -> Option<usize> {
    COMMENT_END.find(rest).map(|at| at + 2)
}

/// Classifies and consumes a preprocessor directive, or returns [`Directive::Other`] for a `#`
/// that does not start a line (the token is then just punctuation).
fn directive(lex: &mut Lexer<Token>) -> Directive {
    let source = lex.source();
    let start = lex.span().start;
    let first_on_line = source[..start]
        .iter()
        .rev()
        .find(|&&b| b != b' ' && b != b'\t')
        .is_none_or(|&b| b == b'\n' || b == b'\r');
    if !first_on_line {
        return Directive::Other;
    }
    let rest = lex.remainder();
    let len = directive_len(rest);
    let kind = classify_directive(&rest[..len]);
    lex.bump(len);
    kind
}

/// Length of a directive's rest (after `#`) up to, not including, the newline that ends its
/// logical line: backslash-newline continues it, and so does a block comment spanning lines.
pub(crate) fn directive_len(rest: &[u8]) -> usize {
    let mut i = 0;
    while let Some(found) = memchr::memchr3(b'\n', b'/', b'"', &rest[i..]) {
        let at = i + found;
        match rest[at] {
            b'\n' => {
                let before = &rest[..at];
                let before = before.strip_suffix(b"\r").unwrap_or(before);
                if before.ends_with(b"\\") {
                    i = at + 1;
                } else {
                    return at;
                }
            }
            b'"' => match quoted_len(&rest[at + 1..], b'"') {
                Some(len) => i = at + 1 + len,
                None => return rest.len(),
            },
            _ => match rest.get(at + 1) {
                Some(b'*') => match comment_len(&rest[at + 2..]) {
                    Some(len) => i = at + 2 + len,
                    None => return rest.len(),
                },
                Some(b'/') => i = at + 2 + memchr::memchr(b'\n', &rest[at + 2..]).unwrap_or(0),
                _ => i = at + 1,
            },
        }
    }
    rest.len()
}

/// Tells which directive the text after `#` is.
pub(crate) fn classify_directive(text: &[u8]) -> Directive {
    match split_directive(text).0 {
        b"if" => Directive::If(ConditionKind::Expression),
        b"ifdef" => Directive::If(ConditionKind::Defined),
        b"ifndef" => Directive::If(ConditionKind::NotDefined),
        b"elif" => Directive::Elif(ConditionKind::Expression),
        b"elifdef" => Directive::Elif(ConditionKind::Defined),
        b"elifndef" => Directive::Elif(ConditionKind::NotDefined),
        b"else" => Directive::Else,
        b"endif" => Directive::Endif,
        b"define" => Directive::Define,
        b"undef" => Directive::Undef,
        _ => Directive::Other,
    }
}

/// A directive's name and the text after it, from the text after its `#` (`  elif X` gives
/// `elif` and ` X`).
fn split_directive(text: &[u8]) -> (&[u8], &[u8]) {
    let text = text.trim_ascii_start();
    let name_len = text
        .iter()
        .position(|b| !b.is_ascii_alphanumeric() && *b != b'_')
        .unwrap_or(text.len());
    text.split_at(name_len)
}

/// A directive's name and the text after it, from a [`Token::Directive`]'s text (which starts
/// at its `#`): `#  undef X` gives `undef` and ` X`.
pub fn directive_parts(directive: &[u8]) -> (&[u8], &[u8]) {
    let text = directive.trim_ascii_start();
    split_directive(text.strip_prefix(b"#").unwrap_or(text))
}

/// The code tokens of a source as the [`logos`] lexer derived on [`Token`] finds them: the
/// reference that [`crate::scanner::Tokens`] is tested and fuzzed against.
pub struct LogosTokens<'src> {
    inner: Lexer<'src, Token>,
}

impl<'src> LogosTokens<'src> {
    /// Starts tokenizing `source`.
    pub fn new(source: &'src [u8]) -> Self {
        LogosTokens {
            inner: Token::lexer(source),
        }
    }
}

impl Iterator for LogosTokens<'_> {
    /// A token and the byte range it covers.
    type Item = (Token, std::ops::Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let token = self.inner.next()?.unwrap_or(Token::Other);
        Some((token, self.inner.span()))
    }
}

/// The 1-based line and byte column of byte `offset` of `text`, where only `\n` ends a line:
/// the place of an error in a configuration file or a compilation database, asked once.
pub fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
    (line, column)
}

/// Turns byte offsets of one source into 1-based line numbers, for offsets asked in increasing
/// order.
///
/// A line ends at `\n`, `\r\n` or a lone `\r`. Each question counts only the breaks between
/// the offset asked last and the one asked now, so a whole file costs at most one counting pass
/// over its bytes, whatever the number of questions, and nothing is stored per line.
#[derive(Debug, Clone)]
pub struct LineCounter<'src> {
    source: &'src [u8],
    /// True if the source has a `\r`: breaks are then told apart one by one.
    has_cr: bool,
    /// The offset asked last: breaks before it are counted.
    at: usize,
    /// Breaks before `at`.
    passed: usize,
    /// The offset right after the last break before `at`.
    line_start: usize,
}

impl<'src> LineCounter<'src> {
    /// Starts at line 1 of `source`.
    pub fn new(source: &'src [u8]) -> Self {
        LineCounter {
            source,
            has_cr: memchr::memchr(b'\r', source).is_some(),
            at: 0,
            passed: 0,
            line_start: 0,
        }
    }

    /// The line of byte `offset`; an offset before the previous one answers the previous line.
    pub fn line_at(&mut self, offset: usize) -> u32 {
        self.advance(offset);
        u32::try_from(self.passed + 1).unwrap_or(u32::MAX)
    }

    /// The line and 1-based byte column of byte `offset`, asked in increasing order like
    /// [`LineCounter::line_at`].
    pub fn position_at(&mut self, offset: usize) -> (u32, u32) {
        let line = self.line_at(offset);
        let column = offset.saturating_sub(self.line_start) + 1;
        (line, u32::try_from(column).unwrap_or(u32::MAX))
    }

    /// Counts the breaks that end before `offset`, if it is past the offset asked last.
    fn advance(&mut self, offset: usize) {
        let offset = offset.min(self.source.len());
        if offset <= self.at {
            return;
        }
        let span = &self.source[self.at..offset];
        if let Some(last) = memchr::memrchr(b'\n', span) {
            self.passed += bytecount::count(&span[..=last], b'\n');
            self.line_start = self.at + last + 1;
        }
        if self.has_cr {
            // A `\r` ends a line only when no `\n` follows it (then the `\n` ends it).
            let source = self.source;
            let lone = |&at: &usize| source.get(at + 1) != Some(&b'\n');
            for at in memchr::memchr_iter(b'\r', span)
                .map(|i| self.at + i)
                .filter(lone)
            {
                self.passed += 1;
                self.line_start = self.line_start.max(at + 1);
            }
        }
        self.at = offset;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::Tokens;

    fn kinds(source: &str) -> Vec<Token> {
        Tokens::new(source.as_bytes()).map(|(t, _)| t).collect()
    }

    fn idents(source: &str) -> Vec<&str> {
        Tokens::new(source.as_bytes())
            .filter(|(t, _)| *t == Token::Ident)
            .map(|(_, span)| &source[span])
            .collect()
    }

    #[test]
    fn identifiers_and_punctuation() {
        use Token::*;
        assert_eq!(
            kinds("f(a->b, c.d = 1) { x == y; }"),
            vec![
                Ident, LParen, Ident, Arrow, Ident, Comma, Ident, Dot, Ident, Assign, Number,
                RParen, LBrace, Ident, Other, Ident, Semi, RBrace
            ]
        );
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(idents("a /* b { */ c // d (\n e"), vec!["a", "c", "e"]);
    }

    #[test]
    fn literals_hide_their_contents() {
        assert_eq!(
            idents(r#"a("b(", '"', '{', "\"c(", '\'', "x\\") d"#),
            vec!["a", "d"]
        );
        assert_eq!(
            kinds(r#""s" 'c'"#),
            vec![Token::Str, Token::Char],
            "one token per literal"
        );
    }

    #[test]
    fn unterminated_literal_ends_at_line_end() {
        assert_eq!(idents("a \"b c\nd 'e\nf"), vec!["a", "d", "f"]);
    }

    #[test]
    fn unterminated_comment_runs_to_end() {
        assert_eq!(idents("a /* b c"), vec!["a"]);
        assert_eq!(
            kinds("a /* b */ c /* d"),
            vec![Token::Ident, Token::Ident, Token::UnterminatedComment]
        );
    }

    #[test]
    fn comments_that_speak_to_callcheck_are_pragmas() {
        let source = "a /* callcheck: allow(X) why */ b // callcheck: ignore\nc // plain\n";
        assert_eq!(
            kinds(source),
            vec![
                Token::Ident,
                Token::Pragma,
                Token::Ident,
                Token::Pragma,
                Token::Ident
            ]
        );
        let spans: Vec<_> = Tokens::new(source.as_bytes())
            .filter(|(t, _)| *t == Token::Pragma)
            .map(|(_, s)| &source[s])
            .collect();
        assert_eq!(
            spans,
            ["/* callcheck: allow(X) why */", "// callcheck: ignore"]
        );
    }

    #[test]
    fn literal_unterminated_at_end_of_input() {
        assert_eq!(
            kinds("a \"b"),
            vec![Token::Ident, Token::UnterminatedLiteral]
        );
        assert_eq!(
            kinds("a 'b\\"),
            vec![Token::Ident, Token::UnterminatedLiteral]
        );
        assert_eq!(
            kinds("a \"b\n"),
            vec![Token::Ident, Token::Str],
            "ends at its line"
        );
    }

    #[test]
    fn directives_are_single_tokens() {
        let source = "#define X(a) \\\n  f(a) { \\\n }\n#include \"y.h\" /* {\n } */\nz";
        assert_eq!(
            kinds(source),
            vec![
                Token::Directive(Directive::Define),
                Token::Directive(Directive::Other),
                Token::Ident
            ]
        );
        assert_eq!(idents(source), vec!["z"]);
    }

    #[test]
    fn directive_with_crlf_continuation() {
        assert_eq!(idents("#define A \\\r\n b\r\nc"), vec!["c"]);
    }

    #[test]
    fn conditionals_are_classified() {
        let kinds = kinds(
            "#if 0\n# ifdef A // x\n #ifndef A\n#elifdef B\n#elif B\n#elifndef B\n#else\n#endif\n\
             #undef A\n#pragma once\n",
        );
        use ConditionKind::*;
        use Directive::*;
        let expected = [
            If(Expression),
            If(Defined),
            If(NotDefined),
            Elif(Defined),
            Elif(Expression),
            Elif(NotDefined),
            Else,
            Endif,
            Undef,
            Other,
        ];
        assert_eq!(kinds, expected.map(Token::Directive).to_vec());
    }

    #[test]
    fn hash_inside_a_line_is_punctuation() {
        assert_eq!(
            kinds("a # b"),
            vec![
                Token::Ident,
                Token::Directive(Directive::Other),
                Token::Ident
            ]
        );
        assert_eq!(idents("a # b"), vec!["a", "b"]);
    }

    #[test]
    fn line_counter_counts_every_line_ending() {
        let source = b"a\nb\r\nc\rd";
        let mut lines = LineCounter::new(source);
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(2), 2);
        assert_eq!(lines.line_at(5), 3);
        assert_eq!(lines.line_at(7), 4);
        assert_eq!(lines.line_at(3), 4, "never goes back");
        assert_eq!(LineCounter::new(b"x\ny").line_at(2), 2);
        let mut lines = LineCounter::new(b"ab\r\n  cd");
        assert_eq!(lines.position_at(1), (1, 2));
        assert_eq!(lines.position_at(6), (2, 3));
        assert_eq!(
            lines.position_at(99),
            (2, 96),
            "past the end: the last line"
        );
    }

    /// The line and column of each offset, from a list of every break (the old way).
    fn positions_by_list(source: &[u8], offsets: &[usize]) -> Vec<(u32, u32)> {
        let breaks: Vec<usize> = (0..source.len())
            .filter(|&i| {
                source[i] == b'\n' || (source[i] == b'\r' && source.get(i + 1) != Some(&b'\n'))
            })
            .collect();
        offsets
            .iter()
            .map(|&offset| {
                let passed = breaks.iter().filter(|&&at| at < offset).count();
                let start = if passed == 0 {
                    0
                } else {
                    breaks[passed - 1] + 1
                };
                (passed as u32 + 1, (offset - start) as u32 + 1)
            })
            .collect()
    }

    #[test]
    fn line_counter_agrees_with_a_list_of_breaks() {
        // Long enough for several counting blocks, with every kind of line end.
        let mut source = Vec::new();
        for i in 0..3000usize {
            source.extend_from_slice(b"int x;");
            source.extend_from_slice(match i % 7 {
                0 => &b"\r\n"[..],
                1 => b"\r",
                2 => b"",
                _ => b"\n",
            });
        }
        let lf_only: Vec<u8> = source
            .iter()
            .map(|&b| if b == b'\r' { b' ' } else { b })
            .collect();
        for source in [&source, &lf_only] {
            let offsets: Vec<usize> = (0..source.len())
                .step_by(97)
                .chain([source.len()])
                .collect();
            let mut lines = LineCounter::new(source);
            let lazy: Vec<_> = offsets.iter().map(|&o| lines.position_at(o)).collect();
            assert_eq!(lazy, positions_by_list(source, &offsets));
        }
    }

    #[test]
    fn invalid_bytes_do_not_stop_the_scan() {
        let source = b"a \xff\xfe\x00 b \x80(";
        let tokens: Vec<_> = Tokens::new(source).collect();
        let idents: Vec<_> = tokens
            .iter()
            .filter(|(t, _)| *t == Token::Ident)
            .map(|(_, s)| &source[s.clone()])
            .collect();
        assert_eq!(idents, vec![b"a", b"b"]);
        assert_eq!(tokens.last().map(|t| t.0), Some(Token::LParen));
    }
}
