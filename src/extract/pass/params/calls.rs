//! The constant arguments of a body's calls: which argument of each call is one constant, and
//! which constants every call of a name passes.

use super::Params;
use crate::extract::condition::integer;
use crate::extract::name_hash;
use crate::lexer::Token;
use crate::model::Constant;
use std::collections::hash_map::Entry;

/// How many calls nested in one another are followed.
const MAX_CALLS: usize = 64;

/// One open argument list.
#[derive(Debug, Clone, Copy)]
pub(super) struct Call {
    use_index: u32,
    /// The call's use was made by it.
    first: bool,
    /// Parenthesis depth of its arguments.
    paren: u32,
    /// Brace depth at the call (a comma in a compound literal separates no arguments).
    depth: u32,
    position: u8,
    /// Tokens of the argument so far, and its value if it is one constant.
    tokens: u8,
    value: Option<Constant>,
    negative: bool,
    /// Where its constants start in [`Params::argument_buffer`].
    start: usize,
}

impl Params {
    /// Takes a token for the open argument lists: a `(` after a call's name opens one.
    #[inline]
    pub(super) fn call_token(&mut self, token: Token, text: &[u8], depth: u32) {
        if let Some((use_index, first)) = self.pending_call.take()
            && token == Token::LParen
            && self.calls.len() < MAX_CALLS
        {
            self.calls.push(Call {
                use_index,
                first,
                paren: self.paren + 1,
                depth,
                position: 0,
                tokens: 0,
                value: None,
                negative: false,
                start: self.argument_buffer.len(),
            });
        } else if !self.calls.is_empty() {
            self.argument(token, text, depth);
        }
    }

    /// Forgets the constants of use `use_index`: some use passes it other values.
    pub(super) fn spoil(&mut self, use_index: u32) {
        let open_first = self
            .calls
            .iter()
            .any(|c| c.use_index == use_index && c.first);
        match self.constants.entry(use_index) {
            Entry::Occupied(mut entry) => *entry.get_mut() = None,
            Entry::Vacant(entry) if open_first => {
                entry.insert(None);
            }
            Entry::Vacant(_) => {}
        }
    }

    /// Reads a token of the innermost open argument list.
    fn argument(&mut self, token: Token, text: &[u8], depth: u32) {
        let Some(call) = self.calls.last_mut() else {
            return;
        };
        let at_level = self.paren == call.paren && depth == call.depth;
        match token {
            Token::Comma if at_level => {
                let (position, value) = (call.position, call.value.filter(|_| call.tokens == 1));
                call.position = call.position.saturating_add(1);
                call.tokens = 0;
                call.value = None;
                call.negative = false;
                if let Some(value) = value {
                    self.argument_buffer.push((position, value));
                }
            }
            Token::RParen if self.paren == call.paren => {
                let call = *call;
                self.calls.pop();
                if let Some(value) = call.value.filter(|_| call.tokens == 1) {
                    self.argument_buffer.push((call.position, value));
                }
                self.close_call(call);
            }
            Token::Other if at_level && call.tokens == 0 && !call.negative && text == b"-" => {
                call.negative = true;
            }
            _ if self.paren == call.paren => {
                call.value = match (call.tokens, token) {
                    (0, Token::Number) => integer(text)
                        .map(|v| Constant::Int(if call.negative { v.wrapping_neg() } else { v })),
                    (0, Token::Ident) if !call.negative => constant_name(text),
                    _ => None,
                };
                call.tokens = call.tokens.saturating_add(1);
            }
            _ => {}
        }
    }

    /// A call's argument list closed: its constants are in the buffer from `call.start`.
    fn close_call(&mut self, call: Call) {
        let constants = &self.argument_buffer[call.start..];
        let open_first = self
            .calls
            .iter()
            .any(|c| c.use_index == call.use_index && c.first);
        match self.constants.entry(call.use_index) {
            Entry::Occupied(mut entry) => {
                if let Some(kept) = entry.get_mut() {
                    kept.retain(|c| constants.contains(c));
                    if kept.is_empty() {
                        *entry.get_mut() = None;
                    }
                }
            }
            Entry::Vacant(entry) if call.first && !constants.is_empty() => {
                entry.insert(Some(constants.to_vec()));
            }
            Entry::Vacant(entry) if !call.first && open_first => {
                entry.insert(None);
            }
            Entry::Vacant(_) => {}
        }
        self.argument_buffer.truncate(call.start);
    }
}

/// The constant a name stands for: `false`, `NULL` and `true` their values, a capitalised name
/// (two or more of `A-Z`, `0-9`, `_`, starting with a letter) by its text's hash.
pub(super) fn constant_name(text: &[u8]) -> Option<Constant> {
    match text {
        b"false" | b"NULL" => Some(Constant::Int(0)),
        b"true" => Some(Constant::Int(1)),
        _ if text.len() >= 2
            && text[0].is_ascii_uppercase()
            && text
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_') =>
        {
            Some(Constant::Name(name_hash(text)))
        }
        _ => None,
    }
}
