//! Preprocessor conditionals seen by the pass: which branches are read.
//!
//! A branch whose condition is known false is dead, and so is every branch after one known true
//! (`#if 0`, `#ifdef DEBUG_ALLOC` when the configuration says it is undefined, the `#else` of
//! `#if 1`). Where a condition is unknown, every branch is read, with the brace depth set back at
//! `#elif`/`#else` to its value at the `#if`, so a brace opened in two branches counts once.
//! Conditions are decided by the configuration's switches and by the file's own `#define`s and
//! `#undef`s above them (see [`crate::extract::condition`]).

use super::FilePass;
use crate::extract::condition;
use crate::lexer::{ConditionKind, Directive, directive_parts};
use std::ops::Range;

/// One open `#if ... #endif`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Conditional {
    /// Brace depth at the `#if`.
    depth: u32,
    /// A branch so far was known to be taken: the rest are dead.
    taken: bool,
    /// A branch so far had an unknown condition.
    unknown: bool,
    /// The branch being read is known to be taken (so a `#define` in it certainly happens).
    certain: bool,
}

impl FilePass<'_, '_> {
    /// Follows a conditional directive at `span`: opens, switches or closes a branch.
    pub(super) fn directive(&mut self, directive: Directive, span: Range<usize>) {
        if self.dead > 0 {
            match directive {
                Directive::If(_) => self.dead += 1,
                Directive::Endif => {
                    self.dead -= 1;
                    if self.dead == 0 {
                        self.conditionals.pop();
                    }
                }
                Directive::Elif(kind) if self.dead == 1 => self.next_branch(Some((kind, span))),
                Directive::Else if self.dead == 1 => self.next_branch(None),
                _ => {}
            }
            return;
        }
        match directive {
            Directive::If(kind) => {
                let value = self.evaluate(kind, span);
                self.conditionals.push(Conditional {
                    depth: self.depth,
                    taken: value == Some(true),
                    unknown: value.is_none(),
                    certain: value == Some(true),
                });
                if value == Some(false) {
                    self.dead = 1;
                }
            }
            Directive::Elif(kind) => self.next_branch(Some((kind, span))),
            Directive::Else => self.next_branch(None),
            Directive::Endif => {
                self.conditionals.pop();
            }
            Directive::Define | Directive::Undef | Directive::Other => {}
        }
    }

    /// Starts the next branch of the innermost conditional: `#elif` with its condition, or
    /// `#else`. A stray one (no `#if` open) is ignored.
    fn next_branch(&mut self, condition: Option<(ConditionKind, Range<usize>)>) {
        let Some(&open) = self.conditionals.last() else {
            return;
        };
        let value = match condition {
            _ if open.taken => Some(false),
            Some((kind, span)) => self.evaluate(kind, span),
            None => Some(true),
        };
        if value == Some(false) {
            self.dead = 1;
            return;
        }
        self.dead = 0;
        self.restore_depth(open.depth);
        if let Some(innermost) = self.conditionals.last_mut() {
            innermost.certain = value == Some(true) && !innermost.unknown;
            innermost.taken |= value == Some(true);
            innermost.unknown |= value.is_none();
        }
    }

    /// The known truth of the condition of the directive at `span`; counted in the file's
    /// statistics.
    fn evaluate(&mut self, kind: ConditionKind, span: Range<usize>) -> Option<bool> {
        let source = self.source;
        let text = directive_parts(&source[span]).1;
        self.local_switches.chain(source);
        let locals = &*self.local_switches;
        let switches = &self.recognizer.switches;
        let lookup = |name: &[u8]| match locals.lookup(source, name) {
            Some(local) => local,
            None => switches.lookup(name),
        };
        let value = condition::evaluate(kind, text, &lookup);
        if value.is_some() {
            self.output.conditions_decided += 1;
        } else {
            self.output.conditions_open += 1;
        }
        value
    }

    /// Notes a live `#define` or `#undef` at `span` for the conditions below it.
    pub(super) fn note_switch(&mut self, span: &Range<usize>) {
        let certain = self.conditionals.iter().all(|open| open.certain);
        self.local_switches.push(span.start, certain);
    }
}
