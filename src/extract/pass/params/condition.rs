//! The headers `if (COND)` and `switch (p)` as they are read, and the parameter test a
//! condition makes.

use super::calls::constant_name;
use super::{Matched, Params};
use crate::extract::condition::integer;
use crate::lexer::Token;
use crate::model::{Constant, ParamCondition, ParamTest};
use std::ops::Range;

/// How many tokens of an `if` condition are read; a longer condition tests nothing.
const MAX_CONDITION: usize = 48;

impl Params {
    /// The match after `token`; a complete `if (...)` with a parameter test announces a branch.
    pub(super) fn next_match(
        &mut self,
        token: Token,
        span: Range<usize>,
        source: &[u8],
        depth: u32,
    ) -> Matched {
        let text = &source[span.clone()];
        match (self.matched, token) {
            (Matched::Condition, Token::RParen) if self.paren == self.condition_paren + 1 => {
                if let Some((condition, negatable)) = self.test(source) {
                    self.branches.announce(condition, negatable);
                }
                Matched::Nothing
            }
            (Matched::Condition, _) if self.condition.len() < MAX_CONDITION => {
                self.condition.push((token, span));
                Matched::Condition
            }
            (Matched::Condition, _) => Matched::Nothing,
            (_, Token::Ident) if text == b"if" => Matched::If,
            (_, Token::Ident) if text == b"switch" => Matched::Switch,
            (_, Token::Ident) if text == b"case" => {
                // The label's names are not in the case before it.
                self.branches.end_at(depth);
                self.case = Some((depth, 0, None));
                Matched::Nothing
            }
            (Matched::If, Token::LParen) => {
                self.condition.clear();
                self.condition_paren = self.paren;
                Matched::Condition
            }
            (Matched::Switch, Token::LParen) => Matched::SwitchOpen,
            (Matched::SwitchOpen, Token::Ident) => match self.param(source, text) {
                Some(position) => Matched::SwitchParam(position),
                None => Matched::Nothing,
            },
            (Matched::SwitchParam(position), Token::RParen) => Matched::SwitchClosed(position),
            _ => Matched::Nothing,
        }
    }

    /// The condition read, if one of its conjuncts tests a parameter: the condition, and
    /// whether it is that conjunct alone.
    fn test(&self, source: &[u8]) -> Option<(ParamCondition, bool)> {
        let tokens = &self.condition;
        let text = |i: usize| &source[tokens[i].1.clone()];
        let mut conjuncts = Vec::new();
        let (mut start, mut paren) = (0, 0u32);
        for (i, &(token, _)) in tokens.iter().enumerate() {
            match token {
                Token::LParen => paren += 1,
                Token::RParen => paren = paren.saturating_sub(1),
                Token::Comma if paren == 0 => return None,
                Token::Other if paren == 0 => match text(i) {
                    b"||" | b"?" => return None,
                    b"&&" => {
                        conjuncts.push(start..i);
                        start = i + 1;
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        conjuncts.push(start..tokens.len());
        let alone = conjuncts.len() == 1;
        conjuncts
            .into_iter()
            .find_map(|range| self.conjunct(source, unwrap_parens(tokens, range)))
            .map(|condition| (condition, alone))
    }

    /// The test one conjunct makes, if it is `p`, `!p`, `p & X`, `p == K` or `p != K`.
    fn conjunct(&self, source: &[u8], range: Range<usize>) -> Option<ParamCondition> {
        let tokens = &self.condition[range];
        let text = |i: usize| &source[tokens[i].1.clone()];
        let is = |i: usize, token: Token| tokens.get(i).is_some_and(|t| t.0 == token);
        let param = |i: usize| {
            is(i, Token::Ident)
                .then(|| self.param(source, text(i)))
                .flatten()
        };
        let test = match tokens.len() {
            1 => ParamTest::NonZero,
            2 if is(0, Token::Other) && text(0) == b"!" => {
                let position = param(1)?;
                return Some(ParamCondition {
                    position,
                    test: ParamTest::Zero,
                });
            }
            3 if is(1, Token::Amp) && matches!(tokens[2].0, Token::Ident | Token::Number) => {
                ParamTest::NonZero
            }
            3 if is(1, Token::Other) => {
                let value = match tokens[2].0 {
                    Token::Number => integer(text(2)).map(Constant::Int),
                    Token::Ident => constant_name(text(2)),
                    _ => None,
                }?;
                match text(1) {
                    b"==" => ParamTest::Equal(value),
                    b"!=" => ParamTest::NotEqual(value),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(ParamCondition {
            position: param(0)?,
            test,
        })
    }
}

/// `range` of `tokens` without the parentheses that enclose all of it.
fn unwrap_parens(tokens: &[(Token, Range<usize>)], mut range: Range<usize>) -> Range<usize> {
    while range.len() >= 2
        && tokens[range.start].0 == Token::LParen
        && tokens[range.end - 1].0 == Token::RParen
    {
        // `(a) & (b)` is not enclosed: the first `(` must close at the end.
        let mut paren = 0u32;
        let encloses = tokens[range.clone()].iter().enumerate().all(|(i, t)| {
            match t.0 {
                Token::LParen => paren += 1,
                Token::RParen => paren -= 1,
                _ => {}
            }
            paren > 0 || i == range.len() - 1
        });
        if !encloses {
            break;
        }
        range = range.start + 1..range.end - 1;
    }
    range
}
