//! The branch tracker: which tokens of a function body run only under one side of an
//! `if (COND)`, so that a use read there carries `COND` or its opposite. Context guards
//! ([`super::guards`]) and parameter tests ([`super::params`]) both follow their conditions
//! with it; each recognises its own `if` headers and says when one ends
//! ([`Branches::announce`]), and the tracker follows the regions that condition rules:
//!
//! - a `then` branch in braces, `if (COND) { ... }`, or of one statement, `if (COND) f();`,
//!   unless that statement is empty or starts with `if`, `for`, `while`, `do` or `switch` (its
//!   end is not its first `;`, which a one-token-lookahead pass cannot tell for sure);
//! - its `else` branch, of the same two shapes, under the opposite condition; an `else if` is
//!   not followed (the inner `if` is read on its own);
//! - an early exit: a `then` branch with no `else` whose last statement starts with an exit
//!   word ([`Condition::EXITS`]) makes the rest of the enclosing block a region under the
//!   opposite condition.
//!
//! The opposite is used only when the condition has one (`negatable`: a parameter test joined
//! to others by `&&` has none). What differs between the users is their condition type
//! ([`Condition`]) and their labels: a jump may land on a label from outside a region, so each
//! user ends regions there by its own rule ([`Branches::end_rest_at`], [`Branches::end_at`],
//! [`Branches::reset`]).
//!
//! Regions nest as a stack of at most [`MAX_REGIONS`] (deeper ones are not tracked, and their
//! tokens keep the regions around them); no step recurses, so any nesting depth is safe, and
//! a `}` or `;` that closes no region ends nothing.

use crate::lexer::Token;

/// A condition regions run under, and how its users' code exits a branch.
pub(super) trait Condition: Copy {
    /// The words that start a statement leaving the block: a `then` branch whose last
    /// statement starts with one is an early exit.
    const EXITS: &'static [&'static [u8]];
    /// Whether a block closing in a braced `then` branch also forgets that its last statement
    /// started with an exit word. (It matters only for an exit statement that ends with a
    /// block right before the branch's `}`, which C has not.)
    const BLOCK_CLEARS_EXIT: bool;

    /// The condition where this one does not hold.
    fn negated(self) -> Self;
}

/// How many regions nest at most; deeper ones are not tracked.
const MAX_REGIONS: usize = 64;

/// Statements whose end is not their first `;`.
const COMPOUND: [&[u8]; 5] = [b"if", b"for", b"while", b"do", b"switch"];

/// What a region is to the code around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A `then` branch: an `else` or an early exit may follow, under the opposite condition
    /// if `negatable`.
    Then { negatable: bool },
    /// An `else` branch.
    Else,
    /// The rest of a block: after an early exit, or opened by the user ([`Branches::open_rest`]).
    Rest,
}

/// One region whose tokens run under `condition`.
#[derive(Debug, Clone, Copy)]
struct Region<C> {
    condition: C,
    role: Role,
    /// The brace depth of its tokens.
    depth: u32,
    /// The parenthesis depth it started at.
    paren: u32,
    /// It ends at the `;` at its depths (one statement), not at the `}` that closes its depth.
    statement: bool,
    /// Its last statement so far starts with an exit word (kept for `then` branches).
    exits: bool,
    /// The next token at its depth starts a statement (kept for braced `then` branches).
    statement_start: bool,
}

/// What the next token decides.
#[derive(Debug, Clone, Copy)]
enum Pending<C> {
    /// A branch starts at the next token (after the condition or `else`).
    Branch { condition: C, role: Role },
    /// A `then` branch just ended (`exits`: with an exit): `else` may follow.
    Ended {
        condition: C,
        negatable: bool,
        exits: bool,
    },
}

/// The branch regions open in one function body.
#[derive(Debug)]
pub(super) struct Branches<C> {
    regions: Vec<Region<C>>,
    pending: Option<Pending<C>>,
}

impl<C> Default for Branches<C> {
    fn default() -> Self {
        Branches {
            regions: Vec::new(),
            pending: None,
        }
    }
}

impl<C: Condition> Branches<C> {
    /// Forgets every region: a body starts, or a jump may land here from anywhere.
    pub(super) fn reset(&mut self) {
        self.regions.clear();
        self.pending = None;
    }

    /// No region is open and none is about to start: the tracker has nothing to follow.
    #[inline]
    pub(super) fn is_idle(&self) -> bool {
        self.regions.is_empty() && self.pending.is_none()
    }

    /// The condition of the innermost region open, if any.
    #[inline]
    pub(super) fn innermost(&self) -> Option<C> {
        self.regions.last().map(|region| region.condition)
    }

    /// The condition of the outermost region open, if any.
    #[inline]
    pub(super) fn outermost(&self) -> Option<C> {
        self.regions.first().map(|region| region.condition)
    }

    /// An `if`'s condition just ended with its `)`: its `then` branch starts at the next
    /// token; `negatable` if the `else` branch and the rest after an early exit run under
    /// its opposite.
    pub(super) fn announce(&mut self, condition: C, negatable: bool) {
        self.pending = Some(Pending::Branch {
            condition,
            role: Role::Then { negatable },
        });
    }

    /// Opens a region under `condition` that runs to the end of the block at brace depth
    /// `depth` (or to a label the user ends it at), from parenthesis depth `paren`.
    pub(super) fn open_rest(&mut self, condition: C, depth: u32, paren: u32) {
        self.push(rest_of_block(condition, depth, paren));
    }

    /// Drops the regions deeper than brace depth `depth` (a preprocessor branch put the depth
    /// back) and what was about to start.
    pub(super) fn truncate(&mut self, depth: u32) {
        self.regions.retain(|region| region.depth <= depth);
        self.pending = None;
    }

    /// Ends the regions at brace depth `depth` or deeper, and what was about to start.
    pub(super) fn end_at(&mut self, depth: u32) {
        if let Some(at) = self.regions.iter().position(|r| r.depth >= depth) {
            self.regions.truncate(at);
        }
        self.pending = None;
    }

    /// Ends the first rest of a block at brace depth `depth`, and the regions in it.
    pub(super) fn end_rest_at(&mut self, depth: u32) {
        if let Some(at) = self
            .regions
            .iter()
            .position(|region| region.role == Role::Rest && region.depth == depth)
        {
            self.regions.truncate(at);
        }
    }

    /// Takes the next token of the body, `text` its bytes, at brace depth `depth` (before a
    /// `{` or `}` changes it) and parenthesis depth `paren` (before a `(` or `)` does).
    #[inline]
    pub(super) fn token(&mut self, token: Token, text: &[u8], depth: u32, paren: u32) {
        if let Some(pending) = self.pending.take() {
            self.decide(pending, token, text, depth, paren);
        }
        // Outside every region (most tokens), nothing more can change.
        if !self.regions.is_empty() {
            self.statement_progress(token, text, depth, paren);
            match token {
                Token::RBrace => self.close_brace(depth),
                Token::Semi => self.semicolon(depth, paren),
                _ => {}
            }
        }
    }

    /// Starts what `pending` announced, now that `token` follows. (Rare: kept out of line, so
    /// that [`Branches::token`] stays small where it is inlined.)
    #[inline(never)]
    fn decide(&mut self, pending: Pending<C>, token: Token, text: &[u8], depth: u32, paren: u32) {
        match pending {
            Pending::Branch { condition, role } => {
                let statement = match token {
                    Token::LBrace => false,
                    Token::Semi | Token::RBrace => return,
                    Token::Ident if COMPOUND.contains(&text) || text == b"else" => return,
                    _ => true,
                };
                self.push(Region {
                    condition,
                    role,
                    depth: if statement { depth } else { depth + 1 },
                    paren,
                    statement,
                    exits: statement && C::EXITS.contains(&text),
                    statement_start: !statement,
                });
            }
            Pending::Ended {
                condition,
                negatable,
                exits,
            } => {
                if !negatable {
                    return;
                }
                if token == Token::Ident && text == b"else" {
                    self.pending = Some(Pending::Branch {
                        condition: condition.negated(),
                        role: Role::Else,
                    });
                } else if exits && token != Token::RBrace {
                    // The rest of the enclosing block runs only where the branch did not.
                    self.push(rest_of_block(condition.negated(), depth, paren));
                }
            }
        }
    }

    fn push(&mut self, region: Region<C>) {
        if self.regions.len() < MAX_REGIONS {
            self.regions.push(region);
        }
    }

    /// Keeps track of whether each braced `then` branch's last statement starts with an exit.
    fn statement_progress(&mut self, token: Token, text: &[u8], depth: u32, paren: u32) {
        let braced_then = |r: &&mut Region<C>| matches!(r.role, Role::Then { .. }) && !r.statement;
        for region in self.regions.iter_mut().filter(braced_then) {
            if region.depth == depth && token != Token::RBrace {
                if region.statement_start {
                    region.exits = token == Token::Ident && C::EXITS.contains(&text);
                    region.statement_start = false;
                }
                if token == Token::Semi && paren == region.paren {
                    region.statement_start = true;
                }
            } else if token == Token::RBrace && depth == region.depth + 1 {
                // A block nested in the branch closed: what follows starts a statement.
                region.statement_start = true;
                if C::BLOCK_CLEARS_EXIT {
                    region.exits = false;
                }
            }
        }
    }

    /// A `;` at brace depth `depth` and parenthesis depth `paren` ends the one-statement
    /// regions it closes.
    fn semicolon(&mut self, depth: u32, paren: u32) {
        while let Some(region) = self.regions.last().copied() {
            if !(region.statement && region.depth == depth && region.paren == paren) {
                break;
            }
            self.regions.pop();
            self.ended(region);
        }
    }

    /// A `}` at brace depth `depth` ends the regions in the block it closes.
    fn close_brace(&mut self, depth: u32) {
        while let Some(region) = self.regions.last().copied() {
            if region.depth < depth {
                break;
            }
            self.regions.pop();
            if !region.statement && region.depth == depth {
                self.ended(region);
            }
        }
    }

    /// `region` just ended at its own end: if it is a `then` branch, an `else` may follow.
    fn ended(&mut self, region: Region<C>) {
        if let Role::Then { negatable } = region.role {
            self.pending = Some(Pending::Ended {
                condition: region.condition,
                negatable,
                exits: region.exits,
            });
        }
    }
}

/// A region under `condition` to the end of the block at brace depth `depth`.
fn rest_of_block<C>(condition: C, depth: u32, paren: u32) -> Region<C> {
    Region {
        condition,
        role: Role::Rest,
        depth,
        paren,
        statement: false,
        exits: false,
        statement_start: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::Tokens;

    /// A test condition: `cN` in `if (cN)` is `N` (negatable), `nN` is `N` with no opposite;
    /// the opposite of `N` is `-N`. `CLEARS` is [`Condition::BLOCK_CLEARS_EXIT`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Cond<const CLEARS: bool>(i32);

    impl<const CLEARS: bool> Condition for Cond<CLEARS> {
        const EXITS: &'static [&'static [u8]] = &[b"return", b"goto"];
        const BLOCK_CLEARS_EXIT: bool = CLEARS;

        fn negated(self) -> Self {
            Cond(-self.0)
        }
    }

    /// Feeds `source` to a tracker as a body would, announcing `if (cN)` and `if (nN)`, ending
    /// rests at labels; returns each `uN` use with the innermost and outermost condition.
    fn uses_in<const CLEARS: bool>(source: &str) -> Vec<String> {
        let source = source.as_bytes();
        let mut branches = Branches::<Cond<CLEARS>>::default();
        let (mut depth, mut paren) = (0u32, 0u32);
        let mut last: Vec<&[u8]> = Vec::new();
        let mut out = Vec::new();
        for (token, span) in Tokens::new(source) {
            let text = &source[span];
            branches.token(token, text, depth, paren);
            match token {
                Token::LBrace => depth += 1,
                Token::RBrace => depth = depth.saturating_sub(1),
                Token::LParen => paren += 1,
                Token::RParen => paren = paren.saturating_sub(1),
                Token::Colon => branches.end_rest_at(depth),
                _ => {}
            }
            last.push(text);
            if let [.., b"if", b"(", condition, b")"] = last[..] {
                let number = std::str::from_utf8(&condition[1..])
                    .unwrap()
                    .parse()
                    .unwrap();
                branches.announce(Cond(number), condition[0] == b'c');
            }
            if token == Token::Ident && text[0] == b'u' {
                let show = |c: Option<Cond<CLEARS>>| c.map_or("-".to_string(), |c| c.0.to_string());
                let name = std::str::from_utf8(text).unwrap();
                let (inner, outer) = (branches.innermost(), branches.outermost());
                out.push(format!("{name}:{}/{}", show(inner), show(outer)));
            }
        }
        out
    }

    #[test]
    fn then_and_else_in_braces_and_of_one_statement() {
        let got = uses_in::<true>(
            "u1; if (c1) { u2; if (c2) u3; else u4; u5; } else { u6; } u7; \
             if (c3) u8; else if (c4) { u9; } else u10;",
        );
        assert_eq!(
            got,
            [
                "u1:-/-",
                "u2:1/1",
                "u3:2/1",
                "u4:-2/1",
                "u5:1/1",
                "u6:-1/-1",
                "u7:-/-",
                "u8:3/3",
                "u9:4/4",
                "u10:-4/-4"
            ]
        );
    }

    #[test]
    fn an_early_exit_puts_the_rest_of_the_block_under_the_opposite() {
        let got = uses_in::<true>(
            "{ if (c1) { u1; return; } u2; { u3; } } u4; \
             { if (c2) goto out; u5; out: u6; } \
             { if (c3) { return; u7(); } u8; if (c4) { break; } u9; }",
        );
        assert_eq!(
            got,
            [
                "u1:1/1", "u2:-1/-1", "u3:-1/-1", "u4:-/-", "u5:-2/-2", "u6:-/-", "u7:3/3",
                "u8:-/-", "u9:-/-"
            ]
        );
    }

    #[test]
    fn a_condition_with_no_opposite_has_no_else_and_no_rest() {
        let got = uses_in::<true>("if (n1) { u1; } else { u2; } if (n2) return; u3;");
        assert_eq!(got, ["u1:1/1", "u2:-/-", "u3:-/-"]);
    }

    #[test]
    fn block_clears_exit_decides_a_return_that_ends_with_a_block() {
        // Not C (an exit ends with `;`), which is why the two rules agree on real code.
        let source = "{ if (c1) { return { } } u1; }";
        assert_eq!(uses_in::<true>(source), ["u1:-/-"]);
        assert_eq!(uses_in::<false>(source), ["u1:-1/-1"]);
    }

    #[test]
    fn ends_at_labels_and_depths() {
        let mut branches = Branches::<Cond<true>>::default();
        branches.open_rest(Cond(1), 1, 0);
        branches.open_rest(Cond(2), 2, 0);
        branches.announce(Cond(3), true);
        branches.token(Token::LBrace, b"{", 2, 0);
        assert_eq!(branches.innermost(), Some(Cond(3)));
        branches.end_rest_at(2);
        assert_eq!(branches.innermost(), Some(Cond(1)));
        branches.open_rest(Cond(2), 2, 0);
        branches.truncate(1);
        assert_eq!(branches.innermost(), Some(Cond(1)));
        branches.announce(Cond(4), true);
        branches.end_at(1);
        assert!(branches.is_idle());
    }

    #[test]
    fn deep_nesting_and_unbalanced_braces_are_safe() {
        let depth = 100_000;
        let source = format!(
            "{} u1; {} }}}}}} u2; if (c9) {{ u3;",
            "if (c1) {".repeat(depth),
            "}".repeat(depth)
        );
        assert_eq!(uses_in::<true>(&source), ["u1:1/1", "u2:-/-", "u3:9/9"]);
        let mut branches = Branches::<Cond<true>>::default();
        for depth in 0..1000 {
            branches.announce(Cond(1), true);
            branches.token(Token::LBrace, b"{", depth, 0);
        }
        assert_eq!(branches.regions.len(), MAX_REGIONS);
    }
}
