//! The regions of a body whose uses run under a parameter test: `then` and `else` branches,
//! the rest of a block after an early exit, and the `case`s of a `switch` on a parameter.

use super::calls::constant_name;
use super::{Matched, Params, Pending};
use crate::extract::condition::integer;
use crate::lexer::Token;
use crate::model::{Constant, ParamCondition, ParamTest};
use std::ops::Range;

/// How many regions nest at most; deeper ones are not tracked.
const MAX_REGIONS: usize = 64;

/// Statements whose end is not their first `;`.
const COMPOUND: [&[u8]; 5] = [b"if", b"for", b"while", b"do", b"switch"];

/// Statements that leave the current block.
const EXITS: [&[u8]; 4] = [b"return", b"goto", b"break", b"continue"];

/// One region whose uses run under a condition.
#[derive(Debug, Clone, Copy)]
pub(super) struct Region {
    pub(super) condition: ParamCondition,
    /// The brace depth of its tokens.
    pub(super) depth: u32,
    /// The parenthesis depth it started at.
    paren: u32,
    /// It ends at the `;` at its depths (one statement).
    statement: bool,
    /// It is a `then` branch: an `else` or an early exit may follow.
    then: bool,
    /// The opposite test holds in the `else` branch and after an early exit.
    negatable: bool,
    /// Its last statement so far starts with an exit.
    exits: bool,
    /// The next token at its depth starts a statement.
    statement_start: bool,
}

impl Region {
    /// A region that runs to the end of the enclosing block at `depth` under `condition`:
    /// after an early exit, or a `case` label's statements.
    fn rest_of_block(condition: ParamCondition, depth: u32, paren: u32) -> Region {
        Region {
            condition,
            depth,
            paren,
            statement: false,
            then: false,
            negatable: false,
            exits: false,
            statement_start: false,
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
        if let Some(pending) = self.pending.take() {
            self.decide(pending, token, text, depth);
        }
        if !self.regions.is_empty() {
            self.statement_progress(token, text, depth);
        }
        if !self.switches.is_empty() {
            self.switch_progress(token, text, depth);
        }
        match token {
            Token::RBrace => self.close_brace(depth),
            Token::Semi => self.semicolon(depth),
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

    /// Starts what `pending` announced, now that `token` follows.
    fn decide(&mut self, pending: Pending, token: Token, text: &[u8], depth: u32) {
        match pending {
            Pending::Branch {
                condition,
                then,
                negatable,
            } => {
                let statement = match token {
                    Token::LBrace => false,
                    Token::Semi | Token::RBrace => return,
                    Token::Ident if COMPOUND.contains(&text) || text == b"else" => return,
                    _ => true,
                };
                self.push(Region {
                    condition,
                    depth: if statement { depth } else { depth + 1 },
                    paren: self.paren,
                    statement,
                    then,
                    negatable,
                    exits: statement && EXITS.contains(&text),
                    statement_start: !statement,
                });
            }
            Pending::Ended {
                condition,
                negatable,
                exits,
            } => {
                let negated = ParamCondition {
                    test: condition.test.negated(),
                    ..condition
                };
                if token == Token::Ident && text == b"else" {
                    if negatable {
                        self.pending = Some(Pending::Branch {
                            condition: negated,
                            then: false,
                            negatable: false,
                        });
                    }
                } else if exits && negatable && token != Token::RBrace {
                    // The rest of the enclosing block runs only where the branch did not.
                    self.push(Region::rest_of_block(negated, depth, self.paren));
                }
            }
        }
    }

    fn push(&mut self, region: Region) {
        if self.regions.len() < MAX_REGIONS {
            self.regions.push(region);
        }
    }

    /// Keeps track of whether each braced `then` branch's last statement is an exit.
    fn statement_progress(&mut self, token: Token, text: &[u8], depth: u32) {
        let paren = self.paren;
        for region in self.regions.iter_mut().filter(|r| r.then && !r.statement) {
            if region.depth == depth && token != Token::RBrace {
                if region.statement_start {
                    region.exits = token == Token::Ident && EXITS.contains(&text);
                    region.statement_start = false;
                }
                if token == Token::Semi && paren == region.paren {
                    region.statement_start = true;
                }
            } else if token == Token::RBrace && depth == region.depth + 1 {
                region.statement_start = true;
                region.exits = false;
            }
        }
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

    /// A `;` at brace depth `depth` ends the one-statement regions it closes.
    fn semicolon(&mut self, depth: u32) {
        while let Some(region) = self.regions.last().copied() {
            if !(region.statement && region.depth == depth && region.paren == self.paren) {
                break;
            }
            self.regions.pop();
            if region.then {
                self.pending = Some(Pending::Ended {
                    condition: region.condition,
                    negatable: region.negatable,
                    exits: region.exits,
                });
            }
        }
    }

    /// A `}` at brace depth `depth` ends the regions in the block it closes.
    fn close_brace(&mut self, depth: u32) {
        while let Some(region) = self.regions.last().copied() {
            if region.depth < depth {
                break;
            }
            self.regions.pop();
            if region.then && !region.statement && region.depth == depth {
                self.pending = Some(Pending::Ended {
                    condition: region.condition,
                    negatable: region.negatable,
                    exits: region.exits,
                });
            }
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
            self.end_regions_at(depth);
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
                    self.push(Region::rest_of_block(condition, depth, self.paren));
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
            self.end_regions_at(depth);
            if let Some(switch) = self.switches.last_mut()
                && switch.depth == depth
            {
                switch.exited = false;
                switch.statement_start = true;
            }
        } else {
            self.regions.clear();
            self.pending = None;
        }
    }

    /// Ends the regions at brace depth `depth` or deeper.
    pub(super) fn end_regions_at(&mut self, depth: u32) {
        if let Some(at) = self.regions.iter().position(|r| r.depth >= depth) {
            self.regions.truncate(at);
        }
        self.pending = None;
    }
}
