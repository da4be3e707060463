//! Argument constants: which uses of a body run only under a test of one of the function's
//! parameters, and which arguments of its calls are constants.
//!
//! A use runs under a [`ParamCondition`] when it is in one of these regions, the shapes a
//! one-token-lookahead pass can tell for sure:
//!
//! - the `then` branch (a block in braces, or one statement that does not start with `if`,
//!   `for`, `while`, `do` or `switch`) of `if (COND)`, where one of the conjuncts of `COND` (its
//!   parts joined by `&&` outside parentheses; none joined by `||` or `?:`) is `p`, `!p`,
//!   `p & X`, `p == K` or `p != K`, with `p` a parameter, `X` one name or number and `K` a
//!   constant (the first such conjunct counts; a conjunct may be in parentheses);
//! - the `else` branch of such an `if` whose condition is that one conjunct alone, with the
//!   opposite test;
//! - the rest of the enclosing block after such an `if` with no `else` whose `then` branch ends
//!   with `return`, `goto`, `break` or `continue` (an early exit), with the opposite test, up to
//!   the next label;
//! - a `case K:` of `switch (p)` that nothing falls into (the statement before it is `break`,
//!   `return`, `goto` or `continue`, or it is the first label), up to the next label;
//! - the parts of a conditional expression `p ? a : b` (see [`ternaries`]).
//!
//! Any other label (`out:`) ends every region open, since a jump from anywhere may reach it. A
//! parameter assigned (`p = `, `p += `, `p++`), declared again or whose address is taken
//! anywhere in the body has no conditions: its value at the test may not be the argument.
//! Nested regions give a use the outermost one's condition; a name used under two conditions,
//! or under one and outside, is unconditional.
//!
//! A call's argument is a constant when it is one integer literal (with a sign), `false`,
//! `true`, `NULL`, or a capitalised name (`MIRROR_METHOD_COPY`); a name's constant argument is
//! kept only where every call of it in the body passes the same one and the body does not
//! mention it otherwise.

mod calls;
mod condition;
mod regions;
mod ternaries;

use super::branches::Branches;
use crate::context::ContextId;
use crate::lexer::Token;
use crate::model::{Constant, ParamCondition};
use calls::Call;
use regions::Switch;
use rustc_hash::FxHashMap;
use std::ops::Range;
use ternaries::Ternary;

/// How many parameters are told apart; later ones are never tested.
const MAX_PARAMS: usize = 64;

/// Operators that change their left operand.
const UPDATES: [&[u8]; 12] = [
    b"+=", b"-=", b"*=", b"/=", b"%=", b"&=", b"|=", b"^=", b"<<=", b">>=", b"++", b"--",
];

/// How far `if (` or `switch (p) {` has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Matched {
    #[default]
    Nothing,
    /// `if`.
    If,
    /// `if (` and the condition's tokens so far, in `condition`.
    Condition,
    /// `switch`, `switch (`, `switch (p`, `switch (p)`.
    Switch,
    SwitchOpen,
    SwitchParam(u8),
    SwitchClosed(u8),
}

/// The parameter-condition and argument tracker of one function body.
#[derive(Debug)]
pub(super) struct Params {
    /// The parameters' names, by position.
    names: Vec<(u8, Range<usize>)>,
    /// Parameters that may not hold their argument's value, as a bit set by position.
    assigned: u64,
    branches: Branches<ParamCondition>,
    matched: Matched,
    /// Parenthesis depth in the body, and at the `if (`'s `(`.
    paren: u32,
    condition_paren: u32,
    condition: Vec<(Token, Range<usize>)>,
    switches: Vec<Switch>,
    /// The conditional expressions on a parameter open, innermost last.
    ternaries: Vec<Ternary>,
    /// `case` was read at this depth; the label's tokens so far.
    case: Option<(u32, u8, Option<Constant>)>,
    /// The previous two tokens, with the second's text range.
    prev: (Token, Range<usize>),
    prev2: (Token, Range<usize>),
    calls: Vec<Call>,
    argument_buffer: Vec<(u8, Constant)>,
    /// A call's name was just read: its use and whether the call made it.
    pending_call: Option<(u32, bool)>,
    /// By use index: the condition of every mention so far (`None`: unconditional).
    conditions: FxHashMap<u32, Option<ParamCondition>>,
    /// By use index: the constants every call passed so far (`None`: none).
    constants: FxHashMap<u32, Option<Vec<(u8, Constant)>>>,
    /// The markers invoked, with the condition of every invocation (`None`: unconditional).
    markers: Vec<(ContextId, Option<ParamCondition>)>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            names: Vec::new(),
            assigned: 0,
            branches: Branches::default(),
            matched: Matched::Nothing,
            paren: 0,
            condition_paren: 0,
            condition: Vec::new(),
            switches: Vec::new(),
            ternaries: Vec::new(),
            case: None,
            prev: (Token::LBrace, 0..0),
            prev2: (Token::LBrace, 0..0),
            calls: Vec::new(),
            argument_buffer: Vec::new(),
            pending_call: None,
            conditions: FxHashMap::default(),
            constants: FxHashMap::default(),
            markers: Vec::new(),
        }
    }
}

/// What one body yields.
#[derive(Debug, Default)]
pub(super) struct BodyFacts {
    /// (use index, condition), by use index.
    pub(super) conditions: Vec<(u32, ParamCondition)>,
    /// (use index, position, constant), by use index then position.
    pub(super) constants: Vec<(u32, u8, Constant)>,
    /// Markers invoked only under one condition.
    pub(super) markers: Vec<(ContextId, ParamCondition)>,
}

impl Params {
    /// Forgets the last body: a body with parameters `names` (position, name) starts.
    pub(super) fn start(&mut self, names: impl IntoIterator<Item = (u8, Range<usize>)>) {
        self.names.clear();
        self.names.extend(names);
        self.assigned = 0;
        self.branches.reset();
        self.matched = Matched::Nothing;
        self.paren = 0;
        self.condition.clear();
        self.switches.clear();
        self.ternaries.clear();
        self.case = None;
        self.prev = (Token::LBrace, 0..0);
        self.prev2 = (Token::LBrace, 0..0);
        self.calls.clear();
        self.argument_buffer.clear();
        self.pending_call = None;
        self.conditions.clear();
        self.constants.clear();
        self.markers.clear();
    }

    /// Drops the regions deeper than brace depth `depth` (a preprocessor branch put it back).
    pub(super) fn truncate(&mut self, depth: u32) {
        self.branches.truncate(depth);
        self.switches.retain(|switch| switch.depth <= depth);
        self.ternaries.retain(|ternary| ternary.depth() <= depth);
        self.matched = Matched::Nothing;
        self.case = None;
    }

    /// The condition of a use made now: the outermost region's, or else the outermost
    /// conditional expression's (a region encloses every expression in it).
    fn current(&self) -> Option<ParamCondition> {
        self.branches
            .outermost()
            .or_else(|| self.ternaries.first().map(|ternary| ternary.condition))
    }

    /// A mention of use `use_index`, which it made if `new`; `call` if it is a call.
    #[inline]
    pub(super) fn used(&mut self, use_index: u32, new: bool, call: bool) {
        let condition = self.current();
        if new {
            if condition.is_some() {
                self.conditions.insert(use_index, condition);
            }
        } else if !self.conditions.is_empty()
            && let Some(earlier) = self.conditions.get_mut(&use_index)
            && *earlier != condition
        {
            *earlier = None;
        }
        if call {
            self.pending_call = Some((use_index, new));
        } else if !new {
            // A function handed on may run with any argument.
            self.spoil(use_index);
        }
    }

    /// A marker of `context` is invoked now.
    pub(super) fn marker(&mut self, context: ContextId) {
        let condition = self.current();
        match self.markers.iter_mut().find(|(c, _)| *c == context) {
            Some((_, earlier)) if *earlier != condition => *earlier = None,
            Some(_) => {}
            None => self.markers.push((context, condition)),
        }
    }

    /// What the body yields, once it ended.
    pub(super) fn finish(&mut self) -> BodyFacts {
        let assigned = self.assigned;
        let kept = |condition: &ParamCondition| assigned & (1 << condition.position) == 0;
        let mut facts = BodyFacts::default();
        facts.conditions.extend(
            self.conditions
                .iter()
                .filter_map(|(&index, condition)| Some((index, (*condition)?)))
                .filter(|(_, condition)| kept(condition)),
        );
        facts.conditions.sort_unstable();
        for (&index, constants) in &self.constants {
            if let Some(constants) = constants {
                facts.constants.extend(
                    constants
                        .iter()
                        .map(|&(position, value)| (index, position, value)),
                );
            }
        }
        facts.constants.sort_unstable();
        facts.markers.extend(
            self.markers
                .iter()
                .filter_map(|&(context, condition)| Some((context, condition?)))
                .filter(|(_, condition)| kept(condition)),
        );
        facts
    }

    /// The position of the parameter `text` names, if one does.
    fn param(&self, source: &[u8], text: &[u8]) -> Option<u8> {
        self.names
            .iter()
            .find(|(_, name)| &source[name.clone()] == text)
            .map(|&(position, _)| position)
    }

    /// Takes the next token of the body, at brace depth `depth` (before a `{` or `}` changes
    /// it).
    #[inline]
    pub(super) fn token(&mut self, token: Token, span: Range<usize>, source: &[u8], depth: u32) {
        let text = &source[span.clone()];
        self.call_token(token, text, depth);
        // Outside every region and match, only a name (a keyword, or after `&`) or an
        // assignment can start something: most tokens are let go here, without a call.
        let idle = self.matched == Matched::Nothing
            && self.branches.is_idle()
            && self.switches.is_empty()
            && self.ternaries.is_empty()
            && self.case.is_none();
        if !self.names.is_empty()
            && (!idle || matches!(token, Token::Ident | Token::Assign | Token::Other))
        {
            self.assignments(token, &source[span.clone()], source);
            self.conditions(token, span.clone(), source, depth);
            self.ternaries(token, span.clone(), source, depth);
        }
        match token {
            Token::LParen => self.paren += 1,
            Token::RParen => self.paren = self.paren.saturating_sub(1),
            _ => {}
        }
        self.prev2 = std::mem::replace(&mut self.prev, (token, span));
    }

    /// Notes a parameter assigned, updated or whose address is taken at `token`.
    fn assignments(&mut self, token: Token, text: &[u8], source: &[u8]) {
        // Names are looked up only where an assignment or `&` is: most tokens are neither.
        let assigned = match token {
            Token::Ident => {
                let address = self.prev.0 == Token::Amp
                    && !matches!(self.prev2.0, Token::Ident | Token::Number | Token::RParen)
                    && source[self.prev2.1.clone()] != *b"]";
                let update =
                    self.prev.0 == Token::Other && UPDATES.contains(&&source[self.prev.1.clone()]);
                (address || update).then_some(text)
            }
            Token::Assign | Token::Other
                if self.prev.0 == Token::Ident
                    && !matches!(self.prev2.0, Token::Dot | Token::Arrow)
                    && (token == Token::Assign || UPDATES.contains(&text)) =>
            {
                Some(&source[self.prev.1.clone()])
            }
            _ => None,
        };
        if let Some(position) = assigned.and_then(|name| self.param(source, name)) {
            self.assign(position);
        }
    }

    fn assign(&mut self, position: u8) {
        if (position as usize) < MAX_PARAMS {
            self.assigned |= 1 << position;
        }
    }
}
