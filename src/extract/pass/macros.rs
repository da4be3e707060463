//! `#define`s seen by the pass: attribute aliases and the markers and calls of function-like
//! macros.

use super::FilePass;
use crate::context::ContextSet;
use crate::extract::define::{self, Define};
use crate::extract::names::NameClass;
use crate::extract::names::{Keyword, keyword};
use crate::extract::template::punct_of;
use crate::extract::{
    Alias, CastMacro, CastSuffix, CastTarget, FileInvocation, MacroDef, MacroTemplate, MacroToken,
    Punct, TokenRange, WordRange,
};
use crate::lexer::Token;
use crate::scanner::Tokens;
use std::ops::Range;

/// How many tokens at the start of a macro body are enough to see a cast in:
/// `( ( const struct Type * )` or `NAME ( Type ,`.
const CAST_TOKENS: usize = 8;

impl FilePass<'_, '_> {
    /// Reads the `#define`s and `#undef`s met since the last token, unless they are in dead
    /// code: for the conditions below them, and for aliases and macro bodies.
    pub(super) fn defines(&mut self, defines: &mut Vec<Range<usize>>) {
        let extras = self.recognizer.extras;
        for span in defines.drain(..) {
            if self.dead > 0 {
                continue;
            }
            self.note_switch(&span);
            if extras.aliases || extras.macros || extras.fields {
                self.define(span);
            }
        }
    }

    /// Records what a `#define` may mean to contexts and calls.
    pub(super) fn define(&mut self, span: Range<usize>) {
        let extras = self.recognizer.extras;
        match define::parse(self.source, span.clone()) {
            Define::Alias { name, words } if extras.aliases => {
                let line = self.lines.line_at(span.start);
                let name = self.export_name(name);
                let start = self.output.words.len() as u32;
                for word in words {
                    let word = self.export_name(word);
                    self.output.words.push(word);
                }
                let words = WordRange {
                    start,
                    end: self.output.words.len() as u32,
                };
                self.output.aliases.push(Alias { name, line, words });
            }
            Define::FunctionLike {
                name,
                params,
                variadic,
                body,
            } => {
                if extras.macros {
                    self.function_like_macro(span.start, name.clone(), &params, body.clone());
                    self.template(name, &params, variadic, body);
                } else if extras.fields {
                    let tokens = define::body_tokens(self.source, body);
                    self.cast_macro(&name, &params, tokens);
                }
            }
            Define::Alias { .. } | Define::Other => {}
        }
    }

    /// Records a function-like macro's markers and calls, if it has any.
    pub(super) fn function_like_macro(
        &mut self,
        start: usize,
        name: Range<usize>,
        params: &[Range<usize>],
        body: Range<usize>,
    ) {
        let source = self.source;
        let mut markers = ContextSet::default();
        let mut calls = std::mem::take(&mut self.macro_calls);
        let mut tokens = define::body_tokens(source, body).peekable();
        let mut prev = Token::Semi;
        let mut pasted = false;
        // The first tokens, which may show a cast (the body is tokenized once).
        let mut first: [(Token, Range<usize>); CAST_TOKENS] =
            std::array::from_fn(|_| (Token::Semi, 0..0));
        let mut seen = 0;
        while let Some((token, span)) = tokens.next() {
            if seen < CAST_TOKENS {
                first[seen] = (token, span.clone());
                seen += 1;
            }
            let called = matches!(tokens.peek(), Some((Token::LParen, _)));
            let follows_member = matches!(prev, Token::Dot | Token::Arrow);
            prev = token;
            if token == Token::Other {
                pasted = source[span] == *b"##";
                continue;
            }
            let was_pasted = std::mem::take(&mut pasted);
            if token != Token::Ident || !called || follows_member || was_pasted {
                continue;
            }
            let word = &source[span.clone()];
            if params.iter().any(|p| source[p.clone()] == *word) {
                continue;
            }
            let id = self.names.intern(source, span, self.recognizer);
            match self.names.class(id) {
                NameClass::Marker(context) => markers.insert(context),
                NameClass::Keyword(_) => {}
                NameClass::Plain => {
                    calls.push(self.names.export(id, source, &mut self.output.names));
                }
            }
        }
        if self.recognizer.extras.fields {
            self.cast_macro(&name, params, first.into_iter().take(seen));
        }
        calls.sort_unstable();
        calls.dedup();
        if !markers.is_empty() || !calls.is_empty() {
            let line = self.lines.line_at(start);
            let name = self.export_name(name);
            let start = self.output.words.len() as u32;
            self.output.words.extend_from_slice(&calls);
            let calls = WordRange {
                start,
                end: self.output.words.len() as u32,
            };
            self.output.macros.push(MacroDef {
                name,
                line,
                markers,
                calls,
            });
        }
        calls.clear();
        self.macro_calls = calls;
    }

    /// Keeps a function-like macro's body as a [`MacroTemplate`] if it invokes something, pastes
    /// tokens or opens a brace: expanding an invocation of it may then call a function or
    /// define one.
    fn template(
        &mut self,
        name: Range<usize>,
        params: &[Range<usize>],
        variadic: bool,
        body: Range<usize>,
    ) {
        let source = self.source;
        let start = self.output.macro_tokens.len();
        let mut wanted = false;
        let mut prev = Token::Semi;
        for (token, span) in define::body_tokens(source, body) {
            let text = &source[span.clone()];
            let encoded = match token {
                Token::Ident => {
                    let position = params.iter().position(|p| {
                        let param = &source[p.clone()];
                        param == text || (param == b"..." && text == b"__VA_ARGS__")
                    });
                    match position {
                        Some(position) => MacroToken::param(position as u32),
                        None => MacroToken::name(self.export_name(span)),
                    }
                }
                Token::Number => MacroToken::number(self.export_name(span)),
                _ => Some(MacroToken::punct(punct_of(token, text))),
            };
            let Some(encoded) = encoded else {
                self.output.macro_tokens.truncate(start);
                return;
            };
            wanted |= matches!(
                (prev, token),
                (Token::Ident | Token::RParen, Token::LParen) | (_, Token::LBrace)
            ) || encoded == MacroToken::punct(Punct::Paste);
            prev = token;
            self.output.macro_tokens.push(encoded);
        }
        let end = self.output.macro_tokens.len();
        if !wanted || end == start {
            self.output.macro_tokens.truncate(start);
            return;
        }
        let name = self.export_name(name);
        self.output.templates.push(MacroTemplate {
            name,
            params: params.len() as u32,
            variadic,
            body: TokenRange {
                start: start as u32,
                end: end as u32,
            },
        });
    }

    /// Records the invocation at file scope of `name` (interned) whose arguments are `args`.
    pub(super) fn file_invocation(
        &mut self,
        name: u32,
        line: u32,
        column: u32,
        args: Range<usize>,
    ) {
        let source = self.source;
        let start = self.output.macro_tokens.len();
        for (token, span) in Tokens::new(&source[args.clone()]) {
            let span = span.start + args.start..span.end + args.start;
            let text = &source[span.clone()];
            let encoded = match token {
                Token::Ident => MacroToken::name(self.export_name(span)),
                Token::Number => MacroToken::number(self.export_name(span)),
                _ => Some(MacroToken::punct(punct_of(token, text))),
            };
            let Some(encoded) = encoded else {
                self.output.macro_tokens.truncate(start);
                return;
            };
            self.output.macro_tokens.push(encoded);
        }
        let name = self.names.export(name, source, &mut self.output.names);
        self.output.invocations.push(FileInvocation {
            name,
            line,
            column,
            args: TokenRange {
                start: start as u32,
                end: self.output.macro_tokens.len() as u32,
            },
        });
    }

    /// Records a macro whose body starts with a cast to a named type, `((Type *)(obj))`, or
    /// with an invocation of another macro whose first argument is a type name or the first
    /// parameter, `OBJECT_CHECK(FooState, (obj), TYPE_FOO)`: its result's type gives member
    /// accesses on it their struct type.
    fn cast_macro(
        &mut self,
        name: &Range<usize>,
        params: &[Range<usize>],
        body: impl Iterator<Item = (Token, Range<usize>)>,
    ) {
        let source = self.source;
        let mut tokens = body
            .filter(|(token, span)| {
                *token != Token::Ident
                    || !matches!(
                        keyword(&source[span.clone()]),
                        Some(Keyword::Qualifier | Keyword::Aggregate)
                    )
            })
            .take(6);
        let mut opened = 0;
        let first = loop {
            match tokens.next() {
                Some((Token::LParen, _)) => opened += 1,
                Some((Token::Ident, span)) => break span,
                _ => return,
            }
        };
        let param = |span: &Range<usize>| {
            params
                .iter()
                .position(|p| source[p.clone()] == source[span.clone()])
        };
        let target = match (tokens.next(), tokens.next(), tokens.next()) {
            (Some((Token::Star, _)), Some((Token::RParen, _)), _) if opened >= 1 => {
                match param(&first) {
                    Some(0) => CastTarget::FirstParam,
                    Some(_) => return,
                    None => CastTarget::Type(self.export_name(first)),
                }
            }
            (Some((Token::LParen, _)), Some((Token::Ident, arg)), Some((Token::Comma, _))) => {
                let arg = match param(&arg) {
                    Some(0) => None,
                    Some(_) => return,
                    None => Some(self.export_name(arg)),
                };
                CastTarget::Via {
                    name: self.export_name(first),
                    arg,
                }
            }
            _ => return,
        };
        let name = self.export_name(name.clone());
        self.output.cast_macros.push(CastMacro {
            name,
            suffix: CastSuffix::None,
            target,
        });
    }
}
