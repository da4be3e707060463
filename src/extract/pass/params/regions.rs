//! The regions of a body whose uses run under a parameter test: the branches of its `if`s and
//! the rest of a block after an early exit, which the branch tracker
//! ([`crate::extract::pass::branches`]) follows, and what only parameters have: the `case`s of a
//! `switch` on a parameter, and labels that end every region.

use super::calls::constant_name;
use super::{Matched, Params};
use crate::extract::condition::integer;
use crate::extract::pass::branches::Condition;
use crate::lexer::Token;
use crate::model::{Constant, ParamCondition, ParamTest};
use std::ops::Range;

/// Statements that leave the current block.
const EXITS: [&[u8]; 4] = [b"return", b"goto", b"break", b"continue"];

impl Condition for ParamCondition {
    const EXITS: &'static [&'static [u8]] = &EXITS;
    const BLOCK_CLEARS_EXIT: bool = true;

    fn negated(self) -> ParamCondition {
        ParamCondition {
            test: self.test.negated(),
            ..self
        }
    }
}

/// A `switch (p)` body.
#[derive(Debug, Clone, Copy)]
pub(super) struct Switch {
    position: u8,
    /// The brace depth of its body's statements.
    pub(super) depth: u32,
    /// The last statement at its depth starts with an exit (or none was read yet).
    exited: bool,
    statement_start: bool,
}

impl Params {
    /// Follows the regions under parameter tests.
    pub(super) fn conditions(
        &mut self,
        token: Token,
        span: Range<usize>,
        source: &[u8],
        depth: u32,
    ) {
        let text = &source[span.clone()];
        self.branches.token(token, text, depth, self.paren);
        if !self.switches.is_empty() {
            self.switch_progress(token, text, depth);
        }
        match token {
            Token::Colon => self.colon(source, depth),
            Token::LBrace => {
                if let Matched::SwitchClosed(position) = self.matched {
                    self.switches.push(Switch {
                        position,
                        depth: depth + 1,
                        exited: true,
                        statement_start: true,
                    });
                }
            }
            _ => {}
        }
        if let Some((label_depth, tokens, value)) = &mut self.case
            && *label_depth == depth
            && token != Token::Colon
        {
            *value = match (*tokens, token) {
                (0, Token::Number) => integer(text).map(Constant::Int),
                (0, Token::Ident) => constant_name(text),
                _ => None,
            };
            *tokens = tokens.saturating_add(1);
        }
        self.matched = self.next_match(token, span, source, depth);
    }

    /// Keeps track of whether the statement before each `case` of a `switch (p)` exits.
    fn switch_progress(&mut self, token: Token, text: &[u8], depth: u32) {
        let paren = self.paren;
        if self.case.is_some() {
            // The tokens of a `case` label.
            return;
        }
        let Some(switch) = self.switches.last_mut() else {
            return;
        };
        if switch.depth == depth && token != Token::RBrace && token != Token::Colon {
            let label = token == Token::Ident && matches!(text, b"case" | b"default");
            if switch.statement_start && !label {
                switch.exited = token == Token::Ident && EXITS.contains(&text);
                switch.statement_start = false;
            }
            if token == Token::Semi && paren == 0 {
                switch.statement_start = true;
            }
        } else if token == Token::RBrace && depth == switch.depth + 1 {
            // A block closed: its `break` may be inside an `if`.
            switch.statement_start = true;
            switch.exited = false;
        } else if token == Token::RBrace && depth == switch.depth {
            self.switches.pop();
        }
    }

    /// A `:` may end a label: `case K:` and `default:` end the regions of their block (and
    /// `case K:` of a `switch (p)` nothing falls into starts one); any other label ends every
    /// region, since a jump from anywhere may reach it.
    fn colon(&mut self, source: &[u8], depth: u32) {
        if let Some((label_depth, tokens, value)) = self.case.take() {
            if label_depth != depth {
                self.case = Some((label_depth, tokens, value));
                return;
            }
            self.branches.end_at(depth);
            if let Some(switch) = self.switches.last_mut()
                && switch.depth == depth
            {
                let falls_in = !switch.exited;
                switch.exited = false;
                switch.statement_start = true;
                if let (false, 1, Some(value)) = (falls_in, tokens, value) {
                    let condition = ParamCondition {
                        position: switch.position,
                        test: ParamTest::Equal(value),
                    };
                    self.branches.open_rest(condition, depth, self.paren);
                }
            }
            return;
        }
        let statement_start = matches!(
            self.prev2.0,
            Token::Semi | Token::LBrace | Token::RBrace | Token::Colon
        );
        if self.prev.0 != Token::Ident || !statement_start {
            return;
        }
        if source[self.prev.1.clone()] == *b"default" {
            self.branches.end_at(depth);
            if let Some(switch) = self.switches.last_mut()
                && switch.depth == depth
            {
                switch.exited = false;
                switch.statement_start = true;
            }
        } else {
            self.branches.reset();
        }
    }
}
