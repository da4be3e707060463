//! Conditional expressions on a parameter, `p ? a : b`: what `a` mentions runs only if `p` is
//! not zero, what `b` mentions only if it is.
//!
//! A conditional expression counts when its condition is one parameter name right after `=`,
//! `(`, `,`, `:`, `?` or `return` (so nothing before it binds tighter). Its `then` part runs to
//! its `:`, and its `else` part to the end of the expression: a `,` or `;` at its depth, a `)`
//! or `}` that closes what encloses it, or a `:` of an enclosing conditional expression. Other
//! conditional expressions inside either part are counted, so their `:` is not taken for its.

use super::Params;
use crate::lexer::Token;
use crate::model::{ParamCondition, ParamTest};
use std::ops::Range;

/// An open `p ? a : b` on a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Ternary {
    /// Brace depth of the `?`.
    depth: u32,
    /// Parenthesis depth of the `?`.
    paren: u32,
    /// The test the part being read runs under.
    pub(super) condition: ParamCondition,
    /// Its `:` was read.
    in_else: bool,
    /// Other conditional expressions opened in it whose `:` is still to come.
    inner: u32,
}

impl Ternary {
    /// Brace depth of its `?`.
    pub(super) fn depth(self) -> u32 {
        self.depth
    }
}

impl Params {
    /// Follows the conditional expressions on a parameter through `token`, at brace depth
    /// `depth` (before a `{` or `}` changes it).
    pub(super) fn ternaries(
        &mut self,
        token: Token,
        span: Range<usize>,
        source: &[u8],
        depth: u32,
    ) {
        let paren = self.paren;
        let question = token == Token::Other && source[span.clone()] == *b"?";
        if !matches!(
            token,
            Token::Comma | Token::Semi | Token::RParen | Token::RBrace | Token::Colon
        ) && !question
        {
            return;
        }
        while let Some(top) = self.ternaries.last_mut() {
            let here = top.paren == paren && top.depth == depth;
            let ends = match token {
                // A `)` at its depth closes the parenthesis the expression is in.
                Token::Comma | Token::Semi | Token::RParen => here,
                Token::RBrace => depth <= top.depth,
                Token::Colon if here && top.inner > 0 => {
                    top.inner -= 1;
                    false
                }
                Token::Colon if here && !top.in_else => {
                    top.in_else = true;
                    top.condition.test = top.condition.test.negated();
                    return;
                }
                // The `:` of an enclosing conditional expression.
                Token::Colon => here,
                _ => false,
            };
            if !ends {
                break;
            }
            self.ternaries.pop();
        }
        if question {
            match self.condition_before_question(source) {
                Some(condition) => self.ternaries.push(Ternary {
                    depth,
                    paren,
                    condition,
                    in_else: false,
                    inner: 0,
                }),
                None => {
                    if let Some(top) = self.ternaries.last_mut()
                        && top.paren == paren
                        && top.depth == depth
                    {
                        top.inner += 1;
                    }
                }
            }
        }
    }

    /// The test of `p ?` where the two tokens before the `?` are a start of an expression and
    /// a parameter's name.
    fn condition_before_question(&self, source: &[u8]) -> Option<ParamCondition> {
        let (before, name) = (&self.prev2, &self.prev);
        if name.0 != Token::Ident {
            return None;
        }
        let starts = match before.0 {
            Token::Assign | Token::LParen | Token::Comma | Token::Colon => true,
            Token::Other => source[before.1.clone()] == *b"?",
            Token::Ident => source[before.1.clone()] == *b"return",
            _ => false,
        };
        let position = self
            .param(source, &source[name.1.clone()])
            .filter(|_| starts)?;
        Some(ParamCondition {
            position,
            test: ParamTest::NonZero,
        })
    }
}
