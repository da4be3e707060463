//! Context guards in function bodies: which uses run only under the `then` or the `else` branch
//! of `if (COND())` or `if (!COND())`, where `COND` is a `[[guard]]` condition
//! (`qemu_in_coroutine`). This module recognises those headers; the branch tracker
//! ([`super::branches`]) follows their regions, the shapes QEMU writes (and its generated
//! wrappers are built of).
//!
//! The early exit of a guard is `return`: `if (qemu_in_coroutine()) { ...; return; }` with no
//! `else` (in `bdrv_do_drained_begin()`) makes the rest of the enclosing block the `else`
//! branch, up to a label or `case` in it, which a jump may reach from before the return.
//!
//! Everything else is unguarded, which is what a path-insensitive reading gives: conditions
//! that combine the guard with others (`if (a && COND())`), `else if` chains (the `else`
//! branch of a guard that starts with `if` is left unguarded; the inner `if` is read on its
//! own), `assert(COND())` (a path that breaks an assertion is a bug worth reporting), and
//! guards kept in variables.

use super::branches::{Branches, Condition};
use crate::lexer::Token;
use crate::model::Guard;

/// How far `if ( [!] COND ( ) )` has been matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Matched {
    /// Nothing.
    #[default]
    Nothing,
    /// `if`.
    If,
    /// `if (`, then `!` if `negated`.
    Open { negated: bool },
    /// `if ( [!] COND`.
    Condition { negated: bool },
    /// `if ( [!] COND (`.
    Call { negated: bool },
    /// `if ( [!] COND ( )`.
    Called { negated: bool },
}

/// The guard tracker of one function body.
#[derive(Debug, Default)]
pub(super) struct Guards {
    matched: Matched,
    branches: Branches<Guard>,
    /// Parenthesis depth in the body.
    paren: u32,
}

impl Condition for Guard {
    /// Only `return` makes an early exit here: the rest of the block after it is the `else`
    /// branch.
    const EXITS: &'static [&'static [u8]] = &[b"return"];
    const BLOCK_CLEARS_EXIT: bool = false;

    fn negated(self) -> Guard {
        Guard::negated(self)
    }
}

impl Guards {
    /// Forgets everything: a function body starts.
    pub(super) fn reset(&mut self) {
        self.matched = Matched::Nothing;
        self.branches.reset();
        self.paren = 0;
    }

    /// The guard of a use made now: the innermost region's.
    #[inline]
    pub(super) fn current(&self) -> Guard {
        self.branches.innermost().unwrap_or(Guard::None)
    }

    /// Drops the regions deeper than brace depth `depth` (a preprocessor branch put the depth
    /// back).
    pub(super) fn truncate(&mut self, depth: u32) {
        self.branches.truncate(depth);
        self.matched = Matched::Nothing;
    }

    /// Takes the next token of the body, at brace depth `depth` (before a `{` or `}` changes
    /// it); `text` is its bytes, and `is_condition` says whether an identifier is a guard
    /// condition.
    #[inline]
    pub(super) fn token(
        &mut self,
        token: Token,
        text: &[u8],
        depth: u32,
        is_condition: impl FnOnce(&[u8]) -> bool,
    ) {
        self.branches.token(token, text, depth, self.paren);
        match token {
            Token::LParen => self.paren += 1,
            Token::RParen => self.paren = self.paren.saturating_sub(1),
            // A label or `case` may be jumped to from before an early return: the rest of
            // the block after the return, and what it holds, is not guarded from there on.
            // (A `?:` ends it too, which only loses precision.)
            Token::Colon => self.branches.end_rest_at(depth),
            _ => {}
        }
        self.matched = self.next_match(token, text, is_condition);
    }

    /// The match after `token`; a complete `if ( [!] COND ( ) )` announces a branch.
    #[inline]
    fn next_match(
        &mut self,
        token: Token,
        text: &[u8],
        is_condition: impl FnOnce(&[u8]) -> bool,
    ) -> Matched {
        match (self.matched, token) {
            (_, Token::Ident) if text == b"if" => Matched::If,
            (Matched::If, Token::LParen) => Matched::Open { negated: false },
            (Matched::Open { negated: false }, Token::Other) if text == b"!" => {
                Matched::Open { negated: true }
            }
            (Matched::Open { negated }, Token::Ident) if is_condition(text) => {
                Matched::Condition { negated }
            }
            (Matched::Condition { negated }, Token::LParen) => Matched::Call { negated },
            (Matched::Call { negated }, Token::RParen) => Matched::Called { negated },
            (Matched::Called { negated }, Token::RParen) => {
                let guard = if negated {
                    Guard::Outside
                } else {
                    Guard::Inside
                };
                self.branches.announce(guard, true);
                Matched::Nothing
            }
            _ => Matched::Nothing,
        }
    }
}
