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
//!   `return`, `goto` or `continue`, or it is the first label), up to the next label.
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

use crate::context::ContextId;
use crate::extract::name_hash;
use crate::lexer::Token;
use crate::model::{Constant, ParamCondition, ParamTest};
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

/// How many parameters are told apart; later ones are never tested.
const MAX_PARAMS: usize = 64;

/// How many regions nest at most; deeper ones are not tracked.
const MAX_REGIONS: usize = 64;

/// How many tokens of an `if` condition are read; a longer condition tests nothing.
const MAX_CONDITION: usize = 48;

/// How many calls nested in one another are followed.
const MAX_CALLS: usize = 64;

/// Statements whose end is not their first `;`.
const COMPOUND: [&[u8]; 5] = [b"if", b"for", b"while", b"do", b"switch"];

/// Statements that leave the current block.
const EXITS: [&[u8]; 4] = [b"return", b"goto", b"break", b"continue"];

/// Operators that change their left operand.
const UPDATES: [&[u8]; 12] = [
    b"+=", b"-=", b"*=", b"/=", b"%=", b"&=", b"|=", b"^=", b"<<=", b">>=", b"++", b"--",
];

/// One region whose uses run under a condition.
#[derive(Debug, Clone, Copy)]
struct Region {
    condition: ParamCondition,
    /// The brace depth of its tokens.
    depth: u32,
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

/// What the token after a condition or a branch's end decides.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// A branch starts at the next token.
    Branch {
        condition: ParamCondition,
        then: bool,
        negatable: bool,
    },
    /// A `then` branch just ended: `else` may follow.
    Ended {
        condition: ParamCondition,
        negatable: bool,
        exits: bool,
    },
}

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

/// A `switch (p)` body.
#[derive(Debug, Clone, Copy)]
struct Switch {
    position: u8,
    /// The brace depth of its body's statements.
    depth: u32,
    /// The last statement at its depth starts with an exit (or none was read yet).
    exited: bool,
    statement_start: bool,
}

/// One open argument list.
#[derive(Debug, Clone, Copy)]
struct Call {
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

/// The parameter-condition and argument tracker of one function body.
#[derive(Debug)]
pub(super) struct Params {
    /// The parameters' names, by position.
    names: Vec<(u8, Range<usize>)>,
    /// Parameters that may not hold their argument's value, as a bit set by position.
    assigned: u64,
    regions: Vec<Region>,
    pending: Option<Pending>,
    matched: Matched,
    /// Parenthesis depth in the body, and at the `if (`'s `(`.
    paren: u32,
    condition_paren: u32,
    condition: Vec<(Token, Range<usize>)>,
    switches: Vec<Switch>,
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
            regions: Vec::new(),
            pending: None,
            matched: Matched::Nothing,
            paren: 0,
            condition_paren: 0,
            condition: Vec::new(),
            switches: Vec::new(),
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
        self.regions.clear();
        self.pending = None;
        self.matched = Matched::Nothing;
        self.paren = 0;
        self.condition.clear();
        self.switches.clear();
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
        self.regions.retain(|region| region.depth <= depth);
        self.switches.retain(|switch| switch.depth <= depth);
        self.pending = None;
        self.matched = Matched::Nothing;
        self.case = None;
    }

    /// The condition of a use made now.
    fn current(&self) -> Option<ParamCondition> {
        self.regions.first().map(|region| region.condition)
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

    /// Forgets the constants of use `use_index`: some use passes it other values.
    fn spoil(&mut self, use_index: u32) {
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
        // Outside every region and match, only a name (a keyword, or after `&`) or an
        // assignment can start something: most tokens are let go here, without a call.
        let idle = self.matched == Matched::Nothing
            && self.pending.is_none()
            && self.regions.is_empty()
            && self.switches.is_empty()
            && self.case.is_none();
        if !self.names.is_empty()
            && (!idle || matches!(token, Token::Ident | Token::Assign | Token::Other))
        {
            self.conditions(token, span.clone(), source, depth);
        }
        match token {
            Token::LParen => self.paren += 1,
            Token::RParen => self.paren = self.paren.saturating_sub(1),
            _ => {}
        }
        self.prev2 = std::mem::replace(&mut self.prev, (token, span));
    }

    fn assign(&mut self, position: u8) {
        if (position as usize) < MAX_PARAMS {
            self.assigned |= 1 << position;
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

    /// Follows the regions under parameter tests, and the parameters' assignments.
    fn conditions(&mut self, token: Token, span: Range<usize>, source: &[u8], depth: u32) {
        let text = &source[span.clone()];
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
    fn end_regions_at(&mut self, depth: u32) {
        if let Some(at) = self.regions.iter().position(|r| r.depth >= depth) {
            self.regions.truncate(at);
        }
        self.pending = None;
    }

    /// The match after `token`; a complete `if (...)` with a parameter test announces a branch.
    fn next_match(
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
                    self.pending = Some(Pending::Branch {
                        condition,
                        then: true,
                        negatable,
                    });
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
                self.end_regions_at(depth);
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

/// The value of an integer literal (`10`, `0x1f`, `010`, `1ULL`), if it is one.
pub(super) fn integer(text: &[u8]) -> Option<i64> {
    let end = text
        .iter()
        .rposition(|b| !matches!(b, b'u' | b'U' | b'l' | b'L'))
        .map_or(0, |at| at + 1);
    let digits = std::str::from_utf8(&text[..end]).ok()?;
    let (digits, radix) = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (hex, 16)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (&digits[1..], 8)
    } else {
        (digits, 10)
    };
    u64::from_str_radix(digits, radix).ok().map(|v| v as i64)
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
