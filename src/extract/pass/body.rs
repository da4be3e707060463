//! Inside a top-level block: the identifiers a function body uses (calls, references, member
//! calls, markers), recorded with their guards and parameter conditions, and the close of the
//! block.

use super::{Block, FilePass, MAX_PATH, OpenBracket, Shape, tokens_before};
use crate::context::ContextSet;
use crate::extract::Use;
use crate::extract::names::{Keyword, NameClass, keyword};
use crate::lexer::Token;
use crate::model::UseKind;
use std::ops::Range;

impl FilePass<'_, '_> {
    /// Handles a token inside a top-level block; returns the keyword it is, if any.
    #[inline(always)]
    pub(super) fn in_block(
        &mut self,
        token: Token,
        span: Range<usize>,
        next: Option<Token>,
    ) -> Option<Keyword> {
        if self.track_guards && matches!(self.block, Block::Function(_)) {
            let recognizer = self.recognizer;
            let text = &self.source[span.clone()];
            self.guards
                .token(token, text, self.depth, |name| recognizer.is_guard(name));
        }
        if self.track_params && matches!(self.block, Block::Function(_)) {
            self.params
                .token(token, span.clone(), self.source, self.depth);
        }
        match token {
            Token::LBrace => {
                self.open_brace();
                if self.recognizer.extras.fields {
                    self.note_designator();
                    self.note_local_initializer();
                }
            }
            Token::RBrace => self.close_brace(),
            Token::Semi => self.member_attributes = ContextSet::default(),
            Token::LParen if self.track_parens => {
                // A call through an expression, `(*fn)(f)`: `f` is its argument.
                if self.arguments.is_open() && self.prev.0 == Token::RParen {
                    self.arguments.call(self.paren, self.depth, 0);
                }
                self.paren += 1;
            }
            Token::RParen if self.track_parens => {
                self.paren = self.paren.saturating_sub(1);
                if !self.invocations.is_empty() {
                    self.close_invocation();
                }
                if self.arguments.is_open() {
                    self.arguments.close(self.paren);
                }
            }
            Token::Comma if self.arguments.is_open() => {
                self.arguments.comma(self.paren, self.depth)
            }
            Token::LBracket if self.recognizer.extras.fields && self.brackets.len() < MAX_PATH => {
                let (token, ident) = &self.last_ident;
                let array = tokens_before(*token, 1, self.token_index).then(|| ident.clone());
                let member = match &self.last_access {
                    Some((token, path, member)) if tokens_before(*token, 1, self.token_index) => {
                        Some((path.clone(), member.clone()))
                    }
                    _ => None,
                };
                self.brackets.push(OpenBracket { array, member });
            }
            Token::Other if !self.brackets.is_empty() && self.source[span.start] == b']' => {
                let bracket = self.brackets.pop();
                let (array, member) = bracket.map_or((None, None), |b| (b.array, b.member));
                match member {
                    // `dev->vq[i].handler`: the element of a member array is read along the
                    // member's path, not as a variable named after the member.
                    Some((path, member)) => {
                        self.last_access = Some((self.token_index, path, member));
                        self.closed_bracket = Some((self.token_index, None));
                    }
                    None => self.closed_bracket = Some((self.token_index, array)),
                }
            }
            Token::Ident if !self.recognizer.extras.fields => {
                if let Block::Function(_) = self.block {
                    return self.body_identifier(span, next);
                }
            }
            Token::Ident => match &self.block {
                Block::Function(_) => return self.body_identifier(span, next),
                Block::Other {
                    shape: Shape::Initializer { struct_type, array },
                    ..
                } => {
                    // The elements of an array have the type, one level deeper; the members of
                    // a nested initializer, `.job_driver = { .free = f }`, are reached through
                    // the designators of every level in between.
                    let typed_depth = if *array { 2 } else { 1 };
                    let nested = self.depth.checked_sub(typed_depth).is_some_and(|levels| {
                        let inner = self.designators.iter().filter(|(d, _)| *d > typed_depth);
                        inner.count() == levels as usize
                    });
                    // `[INDEX].field = f` designates a member of an element at depth 1.
                    let element = *array && self.depth == 1 && self.element_designator();
                    let typed = nested || (self.depth == 1 && (!*array || element));
                    let struct_type = struct_type.clone().filter(|_| typed);
                    let through: Vec<Range<usize>> = match struct_type {
                        Some(_) if self.depth > typed_depth => self
                            .designators
                            .iter()
                            .filter(|(d, _)| *d > typed_depth)
                            .flat_map(|(_, spans)| spans.iter().cloned())
                            .collect(),
                        _ => Vec::new(),
                    };
                    self.initializer_identifier(span, next, struct_type, &through);
                }
                Block::Other {
                    shape: Shape::Aggregate { tag },
                    ..
                } if self.depth == 1 => {
                    let tag = tag.clone();
                    self.member_declaration(span, next, tag);
                }
                _ => {}
            },
            _ => {}
        }
        None
    }

    /// Handles a token in a skimmed function body ([`FileFunctions::skimmed`]), where only
    /// braces count; returns the keyword it is, if any.
    ///
    /// [`FileFunctions::skimmed`]: crate::extract::FileFunctions::skimmed
    pub(super) fn in_skimmed_body(&mut self, token: Token, span: Range<usize>) -> Option<Keyword> {
        match token {
            Token::LBrace => self.open_brace(),
            Token::RBrace => self.close_brace(),
            Token::Ident => return keyword(&self.source[span]),
            _ => {}
        }
        None
    }

    /// A `{` inside a top-level block.
    fn open_brace(&mut self) {
        self.depth += 1;
        self.member_attributes = ContextSet::default();
    }

    /// A `}` inside a top-level block: it may close the block.
    fn close_brace(&mut self) {
        self.depth -= 1;
        self.member_attributes = ContextSet::default();
        while self
            .designators
            .last()
            .is_some_and(|(depth, _)| *depth > self.depth)
        {
            self.designators.pop();
        }
        if self
            .local_initializer
            .as_ref()
            .is_some_and(|(depth, _)| *depth > self.depth)
        {
            self.local_initializer = None;
        }
        if self.depth == 0 {
            self.close_block();
        }
    }

    /// Records what an identifier in a function body means; returns the keyword it is, if any.
    #[inline(always)]
    pub(super) fn body_identifier(
        &mut self,
        span: Range<usize>,
        next: Option<Token>,
    ) -> Option<Keyword> {
        if matches!(self.prev.0, Token::Dot | Token::Arrow) {
            if self.recognizer.extras.fields {
                if next == Some(Token::LParen) {
                    self.member_call(span);
                } else {
                    self.note_member(&span);
                }
            }
            return None;
        }
        if self.recognizer.extras.fields {
            if matches!(next, Some(Token::Assign | Token::Semi | Token::Comma)) {
                self.local_declaration(&span);
            }
            if next == Some(Token::LParen) || !self.invocations.is_empty() {
                self.note_invocation(&span, next);
            }
        }
        let goto_label = self.prev == (Token::Ident, Some(Keyword::Goto));
        let label = next == Some(Token::Colon)
            && matches!(self.prev.0, Token::Semi | Token::LBrace | Token::RBrace);
        // What a member is accessed on, what is assigned to and what a declaration starts with
        // is never a function: such names need not be interned.
        let not_a_function = matches!(
            next,
            Some(Token::Dot | Token::Arrow | Token::Assign | Token::Ident)
        );
        if goto_label || label {
            return None;
        }
        // A variable of the function (`co->entry = entry;` with a parameter `CoroutineEntry
        // *entry`) is not the function of that name.
        if let Some(member) = self.bound_member(next)
            && !self.variables.contains_key(&self.source[span.clone()])
        {
            self.bind_member(member, span.clone());
        }
        if not_a_function {
            return keyword(&self.source[span]);
        }
        let offset = span.start;
        let name = self.names.intern(self.source, span, self.recognizer);
        let called = next == Some(Token::LParen);
        let Block::Function(function) = &mut self.block else {
            return None;
        };
        let kind = match self.names.class(name) {
            NameClass::Keyword(keyword) => return Some(keyword),
            NameClass::Marker(context) if called => {
                function.markers.insert(context);
                if self.track_params {
                    self.params.marker(context);
                }
                // A marker is a macro too: where macro bodies count, so do the calls in its
                // body (`GLOBAL_STATE_CODE()` asserts `qemu_in_main_thread()`).
                if !self.recognizer.extras.macros {
                    return None;
                }
                UseKind::Call
            }
            NameClass::Marker(_) | NameClass::Plain if called => UseKind::Call,
            NameClass::Marker(_) | NameClass::Plain => UseKind::Reference,
        };
        let deferred = match kind {
            UseKind::Call => {
                let entry = self.names.deferring(name);
                self.arguments.call(self.paren, self.depth, entry);
                0
            }
            _ if self.arguments.is_open() => self
                .arguments
                .deferred(self.recognizer.deferred_arguments()),
            _ => 0,
        };
        let stamp = self.output.functions.len() as u32 + 1;
        let uses = &mut self.output.uses;
        let entry = &self.names.entries[name as usize];
        let guard = self.guards.current();
        let new = entry.used_by != stamp;
        if !new {
            let mut earlier = uses.get(entry.use_index);
            earlier.set_guard(earlier.guard().merge(guard));
            // Deferred only if every mention is handed to the same deferring call.
            if earlier.deferred() {
                let earlier_entry = self.deferred_entries.get(&entry.use_index).copied();
                if earlier_entry != Some(deferred) {
                    earlier.set_deferred(false);
                }
            }
            if kind == UseKind::Call && earlier.kind() == UseKind::Reference {
                earlier.set_kind(UseKind::Call);
                let (line, column) = self.lines.position_at(offset);
                earlier.set_position(line, column);
            }
            uses.set(entry.use_index, earlier);
        } else {
            let exported = self.names.export(name, self.source, &mut self.output.names);
            let entry = &mut self.names.entries[name as usize];
            entry.used_by = stamp;
            entry.use_index = uses.len() as u32;
            let (line, column) = self.lines.position_at(offset);
            let mut used = Use::new(exported, kind, line, column, guard);
            if deferred != 0 {
                used.set_deferred(true);
                self.deferred_entries.insert(entry.use_index, deferred);
            }
            uses.push(used);
            function.uses_end = uses.len() as u32;
        }
        if self.track_params {
            let use_index = self.names.entries[name as usize].use_index;
            self.params.used(use_index, new, kind == UseKind::Call);
        }
        None
    }

    /// Ends the top-level block: a function body is kept, and the head is forgotten unless
    /// the block belongs to it.
    pub(super) fn close_block(&mut self) {
        let block = std::mem::replace(&mut self.block, Block::None);
        self.depth = 0;
        match block {
            Block::Function(function) => {
                if self.track_params {
                    self.export_params();
                }
                self.output.functions.push(function);
                self.head.reset();
            }
            Block::Other {
                keeps_head: true, ..
            } => {}
            Block::Other {
                keeps_head: false, ..
            }
            | Block::None => self.head.reset(),
        }
    }

    /// Adds what the body just closed says about its parameters and its calls' arguments.
    pub(super) fn export_params(&mut self) {
        let function = self.output.functions.len() as u32;
        let facts = self.params.finish();
        let output = &mut self.output;
        output.use_conditions.extend(facts.conditions);
        output.call_constants.extend(facts.constants);
        output.marker_conditions.extend(
            facts
                .markers
                .into_iter()
                .map(|(context, condition)| (function, context, condition)),
        );
    }
}
