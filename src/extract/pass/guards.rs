//! Context guards in function bodies: which uses run only under the `then` or the `else` branch
//! of `if (COND())` or `if (!COND())`, where `COND` is a `[[guard]]` condition
//! (`qemu_in_coroutine`).
//!
//! Three shapes are followed, because they are the ones QEMU writes (and its generated
//! wrappers are built of) and a one-token-lookahead pass can tell them for sure:
//!
//! - a branch in braces, `if (COND()) { ... } else { ... }`;
//! - a branch of one statement, `if (COND()) return f(); else g();`, unless it starts with
//!   `if`, `for`, `while`, `do` or `switch` (its end is not its first `;`);
//! - an early return: a `then` branch whose last statement is `return ...;` and that has no
//!   `else` makes the rest of the enclosing block the `else` branch
//!   (`if (qemu_in_coroutine()) { ...; return; }` in `bdrv_do_drained_begin()`), up to a label
//!   or `case` in it, which a jump may reach from before the return.
//!
//! Everything else is unguarded, which is what a path-insensitive reading gives: conditions
//! that combine the guard with others (`if (a && COND())`), `else if` chains (the `else`
//! branch of a guard that starts with `if` is left unguarded; the inner `if` is read on its
//! own), `assert(COND())` (a path that breaks an assertion is a bug worth reporting), and
//! guards kept in variables.

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

/// One guarded region: a branch, or the rest of a block after an early return.
#[derive(Debug, Clone, Copy)]
struct Region {
    guard: Guard,
    /// The brace depth of its tokens.
    depth: u32,
    /// The parenthesis depth it started at.
    paren: u32,
    /// It ends at the `;` at its depths (one statement), not at the `}` that closes its depth.
    statement: bool,
    /// It is the `then` branch of a guard: an `else` or an early return may follow.
    then: bool,
    /// It is the rest of a block after an early return: a label in it (`out:`, `case 1:`) may
    /// be jumped to from before the return, so it ends there.
    rest: bool,
    /// Its last statement so far starts with `return`.
    returns: bool,
    /// The next token at its depth starts a statement.
    statement_start: bool,
}

/// What the token after a branch's condition or after its end decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// A branch with this guard starts at the next token (after the condition or `else`).
    Branch { guard: Guard, then: bool },
    /// A `then` branch with this guard just ended (`returns`: with a `return`): `else` may
    /// follow.
    Ended { guard: Guard, returns: bool },
}

/// The guard tracker of one function body.
#[derive(Debug, Default)]
pub(super) struct Guards {
    matched: Matched,
    regions: Vec<Region>,
    pending: Option<Pending>,
    /// Parenthesis depth in the body.
    paren: u32,
}

/// How many guarded regions nest at most; deeper ones are not tracked (their uses keep the
/// guard of the regions around them).
const MAX_REGIONS: usize = 64;

/// Statements whose end is not their first `;`.
const COMPOUND: [&[u8]; 5] = [b"if", b"for", b"while", b"do", b"switch"];

impl Guards {
    /// Forgets everything: a function body starts.
    pub(super) fn reset(&mut self) {
        self.matched = Matched::Nothing;
        self.regions.clear();
        self.pending = None;
        self.paren = 0;
    }

    /// The guard of a use made now.
    #[inline]
    pub(super) fn current(&self) -> Guard {
        self.regions
            .last()
            .map_or(Guard::None, |region| region.guard)
    }

    /// Drops the regions deeper than brace depth `depth` (a preprocessor branch put the depth
    /// back).
    pub(super) fn truncate(&mut self, depth: u32) {
        self.regions.retain(|region| region.depth <= depth);
        self.pending = None;
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
        if let Some(pending) = self.pending.take() {
            self.decide(pending, token, text, depth);
        }
        if !self.regions.is_empty() {
            self.statement_progress(token, text, depth);
        }
        match token {
            Token::LParen => self.paren += 1,
            Token::RParen => self.paren = self.paren.saturating_sub(1),
            Token::RBrace => self.close_brace(depth),
            Token::Semi => self.semicolon(depth),
            Token::Colon => self.label(depth),
            _ => {}
        }
        self.matched = self.next_match(token, text, is_condition);
    }

    /// Starts what `pending` announced, now that `token` follows.
    fn decide(&mut self, pending: Pending, token: Token, text: &[u8], depth: u32) {
        match pending {
            Pending::Branch { guard, then } => {
                let statement = match token {
                    Token::LBrace => false,
                    Token::Semi | Token::RBrace => return,
                    Token::Ident if COMPOUND.contains(&text) || text == b"else" => return,
                    _ => true,
                };
                self.push(Region {
                    guard,
                    depth: if statement { depth } else { depth + 1 },
                    paren: self.paren,
                    statement,
                    then,
                    rest: false,
                    returns: statement && text == b"return",
                    statement_start: !statement,
                });
            }
            Pending::Ended { guard, returns } => {
                if token == Token::Ident && text == b"else" {
                    self.pending = Some(Pending::Branch {
                        guard: guard.negated(),
                        then: false,
                    });
                } else if returns && token != Token::RBrace {
                    // The rest of the enclosing block runs only where the branch did not.
                    self.push(Region {
                        guard: guard.negated(),
                        depth,
                        paren: self.paren,
                        statement: false,
                        then: false,
                        rest: true,
                        returns: false,
                        statement_start: false,
                    });
                }
            }
        }
    }

    fn push(&mut self, region: Region) {
        if self.regions.len() < MAX_REGIONS {
            self.regions.push(region);
        }
    }

    /// Keeps track of whether each braced `then` branch's last statement is a `return`.
    fn statement_progress(&mut self, token: Token, text: &[u8], depth: u32) {
        let paren = self.paren;
        for region in self.regions.iter_mut().filter(|r| r.then && !r.statement) {
            if region.depth == depth && token != Token::RBrace {
                if region.statement_start {
                    region.returns = token == Token::Ident && text == b"return";
                    region.statement_start = false;
                }
                if token == Token::Semi && paren == region.paren {
                    region.statement_start = true;
                }
            } else if token == Token::RBrace && depth == region.depth + 1 {
                // A block nested in the branch closed: what follows starts a statement.
                region.statement_start = true;
            }
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
                    guard: region.guard,
                    returns: region.returns,
                });
            }
        }
    }

    /// A `:` at brace depth `depth` may end a label (or a `case`): the rest of a block at that
    /// depth, and what it holds, is not guarded from there on. (A `?:` ends it too, which only
    /// loses precision.)
    fn label(&mut self, depth: u32) {
        if let Some(at) = self
            .regions
            .iter()
            .position(|region| region.rest && region.depth == depth)
        {
            self.regions.truncate(at);
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
                    guard: region.guard,
                    returns: region.returns,
                });
            }
        }
    }

    /// The match after `token`; a complete `if ( [!] COND ( ) )` announces a branch.
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
                self.pending = Some(Pending::Branch { guard, then: true });
                Matched::Nothing
            }
            _ => Matched::Nothing,
        }
    }
}
