//! Macro templates: the token lists of function-like macro bodies and of the arguments of
//! macro invocations at file scope, kept so that the graph can expand them across files.
//!
//! A token is packed in a `u32`: its kind in the top bits, and a name index (into the file's
//! [`NameTable`](super::NameTable)), a parameter number or a punctuation mark in the rest.

use crate::lexer::Token;

/// The bits of a [`MacroToken`] that hold its payload.
const PAYLOAD_BITS: u32 = 28;
const PAYLOAD: u32 = (1 << PAYLOAD_BITS) - 1;
const NAME: u32 = 0;
const NUMBER: u32 = 1;
const PARAM: u32 = 2;
const PUNCT: u32 = 3;

/// One token of a macro body or of a file-scope invocation's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MacroToken(u32);

/// What a [`MacroToken`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An identifier: its index in the file's name table.
    Name(u32),
    /// A number (pasting may make it part of a name): its index in the file's name table.
    Number(u32),
    /// A parameter of the macro whose body it is, by position (`__VA_ARGS__` is the last).
    Param(u32),
    /// Punctuation, or a literal.
    Punct(Punct),
}

/// The punctuation a macro expansion tells apart; every other token (a literal, an operator)
/// is [`Punct::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Punct {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `.`
    Dot,
    /// `->`
    Arrow,
    /// `##`: token pasting.
    Paste,
    /// `#`: stringizing.
    Stringize,
    /// Anything else.
    Other,
}

const PUNCTS: [Punct; 11] = [
    Punct::LParen,
    Punct::RParen,
    Punct::LBrace,
    Punct::RBrace,
    Punct::Comma,
    Punct::Semi,
    Punct::Dot,
    Punct::Arrow,
    Punct::Paste,
    Punct::Stringize,
    Punct::Other,
];

impl MacroToken {
    /// An identifier token; `None` if the index does not fit.
    pub fn name(index: u32) -> Option<MacroToken> {
        (index <= PAYLOAD).then_some(MacroToken(NAME << PAYLOAD_BITS | index))
    }

    /// A number token; `None` if the index does not fit.
    pub fn number(index: u32) -> Option<MacroToken> {
        (index <= PAYLOAD).then_some(MacroToken(NUMBER << PAYLOAD_BITS | index))
    }

    /// A parameter reference; `None` if the position does not fit.
    pub fn param(position: u32) -> Option<MacroToken> {
        (position <= PAYLOAD).then_some(MacroToken(PARAM << PAYLOAD_BITS | position))
    }

    /// A punctuation token.
    pub fn punct(punct: Punct) -> MacroToken {
        MacroToken(PUNCT << PAYLOAD_BITS | punct as u32)
    }

    /// What the token is.
    pub fn kind(self) -> TokenKind {
        let payload = self.0 & PAYLOAD;
        match self.0 >> PAYLOAD_BITS {
            NAME => TokenKind::Name(payload),
            NUMBER => TokenKind::Number(payload),
            PARAM => TokenKind::Param(payload),
            _ => TokenKind::Punct(
                PUNCTS
                    .get(payload as usize)
                    .copied()
                    .unwrap_or(Punct::Other),
            ),
        }
    }
}

/// The punctuation `token` (with text `text`) is, if it is not an identifier or a number.
pub(super) fn punct_of(token: Token, text: &[u8]) -> Punct {
    match token {
        Token::LParen => Punct::LParen,
        Token::RParen => Punct::RParen,
        Token::LBrace => Punct::LBrace,
        Token::RBrace => Punct::RBrace,
        Token::Comma => Punct::Comma,
        Token::Semi => Punct::Semi,
        Token::Dot => Punct::Dot,
        Token::Arrow => Punct::Arrow,
        Token::Other if text == b"##" => Punct::Paste,
        // A `#` that does not start a line is a directive of its own to the lexer.
        Token::Directive(_) if text == b"#" => Punct::Stringize,
        _ => Punct::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for token in [
            MacroToken::name(7).unwrap(),
            MacroToken::number(PAYLOAD).unwrap(),
            MacroToken::param(2).unwrap(),
            MacroToken::punct(Punct::Paste),
            MacroToken::punct(Punct::Other),
        ] {
            let again = match token.kind() {
                TokenKind::Name(i) => MacroToken::name(i).unwrap(),
                TokenKind::Number(i) => MacroToken::number(i).unwrap(),
                TokenKind::Param(i) => MacroToken::param(i).unwrap(),
                TokenKind::Punct(p) => MacroToken::punct(p),
            };
            assert_eq!(again, token);
        }
        assert_eq!(MacroToken::name(PAYLOAD + 1), None);
        assert_eq!(
            MacroToken::punct(Punct::Semi).kind(),
            TokenKind::Punct(Punct::Semi)
        );
    }
}
