//! The pass over one file's tokens: the state machine that finds definitions and records what
//! their bodies use.
//!
//! This module holds the pass's state and its token loop, which hands each token to
//! [`declarations`] at file scope or to [`body`] inside a top-level block. Around them:
//! directives and `#if` branches ([`conditionals`], [`macros`]), callback fields and member
//! paths ([`fields`]), call arguments ([`arguments`]), and the conditions uses run under
//! ([`branches`], with [`guards`] and [`params`]).

mod arguments;
mod body;
mod branches;
mod conditionals;
mod declarations;
mod fields;
mod guards;
mod local_switches;
mod macros;
mod params;

use super::include;
use super::names::{Keyword, Names, keyword};
use super::{
    FileFunctions, FunctionDef, Include, PointerMember, Pragma, PragmaKind, Recognizer,
    UnclosedBraces, Unterminated,
};
use crate::context::ContextSet;
use crate::lexer::{Directive, LineCounter, Token};
use crate::scanner::Tokens;
use arguments::Arguments;
use conditionals::Conditional;
use declarations::Head;
use guards::Guards;
pub(super) use local_switches::LocalSwitches;
use params::Params;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// The top-level block the extractor is in.
enum Block {
    /// At file scope (or directly inside `extern "C" { }`).
    None,
    /// A function body.
    Function(FunctionDef),
    /// An initializer, a struct/union/enum body or a block that is not a function.
    Other {
        /// The declaration head goes on after it (`struct S { } s;`, `= { } ;`).
        keeps_head: bool,
        /// What the block is, as far as callback fields are concerned.
        shape: Shape,
    },
}

/// What a block that is not a function body holds.
#[derive(Debug, Clone)]
enum Shape {
    /// The initializer of a declaration: its designators may bind functions to fields.
    Initializer {
        /// The declared type, if the head shows it.
        struct_type: Option<Range<usize>>,
        /// An array is declared: its elements (one level deeper) have the type.
        array: bool,
    },
    /// A struct, union or enum body: its members may be callback fields.
    Aggregate {
        /// The tag, if any.
        tag: Option<Range<usize>>,
    },
    /// Anything else.
    Plain,
}

/// A member name just seen after `.` or `->`.
#[derive(Debug, Clone)]
struct Member {
    /// Its token index.
    token: usize,
    span: Range<usize>,
    /// It follows `{` or `,`: a designator, not an expression.
    designator: bool,
    /// The designators before it in a chain, `.task.func`: `task`.
    leading: Vec<Range<usize>>,
    /// The access path it is reached by, where a declaration in the function shows where the
    /// path starts (`Object *obj` ... `obj->free`, `BlockDriverState *bs` ... `bs->drv->open`).
    path: Option<AccessPath>,
}

/// How a member is reached from a variable of known struct type or a cast macro: where it
/// starts, and the members in between (`bs->drv->open`: `BlockDriverState`, then `drv`).
#[derive(Debug, Clone)]
struct AccessPath {
    base: Base,
    through: Vec<Range<usize>>,
}

/// A `[` open in a body: what it indexes.
#[derive(Debug, Clone)]
struct OpenBracket {
    /// The identifier right before it (the array indexed), if any.
    array: Option<Range<usize>>,
    /// When that identifier is a member (`dev->vq[i]`), its access path and name: the element
    /// goes on along the same path once the `]` is closed.
    member: Option<(AccessPath, Range<usize>)>,
}

/// Where an access path starts, as ranges of the source.
#[derive(Debug, Clone)]
enum Base {
    /// A variable's declared struct type.
    Type(Range<usize>),
    /// A name the function does not declare (a variable declared at file scope, perhaps).
    Global(Range<usize>),
    /// A macro invocation `NAME(first, ...)`, `first` if it is one identifier.
    Cast(Range<usize>, Option<Range<usize>>),
}

/// A macro-like invocation (an all-capitals name) whose `)` is awaited in a function body.
#[derive(Debug, Clone)]
struct OpenInvocation {
    /// The parenthesis depth before its `(`.
    depth: u32,
    /// Token index of its name.
    token: usize,
    name: Range<usize>,
    first_arg: Option<Range<usize>>,
}

/// How many macro invocations nested in one another are followed.
const MAX_OPEN_INVOCATIONS: usize = 16;

/// How many members deep an access path is followed.
const MAX_PATH: usize = 8;

/// The state of one pass over one file.
pub(super) struct FilePass<'src, 'x> {
    source: &'src [u8],
    recognizer: &'x Recognizer,
    lines: &'x mut LineCounter<'src>,
    names: &'x mut Names,
    /// What has been extracted so far.
    output: FileFunctions,
    head: Head,
    block: Block,
    /// Brace depth inside the current top-level block.
    depth: u32,
    block_line: u32,
    extern_c: u32,
    /// The open conditionals, innermost last.
    conditionals: Vec<Conditional>,
    /// Nesting of the dead branch being skipped (a condition known false, or a branch after one
    /// known true), 0 when live.
    dead: u32,
    /// What the file's own `#define`s and `#undef`s so far say about names in conditions, by
    /// [`name_hash`](crate::extract::name_hash): `None` for a name defined or undefined under a
    /// condition that is not known to hold. Reused from file to file.
    local_switches: &'x mut LocalSwitches,
    /// Index of the current token.
    token_index: usize,
    /// `allow` pragmas at file scope waiting for the next definition.
    pending_allows: Vec<usize>,
    /// The previous two live tokens, with the keyword an identifier is, if any.
    prev: (Token, Option<Keyword>),
    prev2: (Token, Option<Keyword>),
    /// The last member name after `.` or `->` in a block, which `= fn` may bind.
    member: Option<Member>,
    /// The attribute contexts of the struct member being declared.
    member_attributes: ContextSet,
    /// Scratch list of one macro body's calls.
    macro_calls: Vec<u32>,
    /// The token before `prev2`.
    prev3: (Token, Option<Keyword>),
    /// The last identifier, when callback fields are recorded: its token index and range.
    last_ident: (usize, Range<usize>),
    /// The struct-pointer variables of the current function (parameters and locals declared
    /// `Type *name`), by name: their type.
    variables: FxHashMap<&'src [u8], Range<usize>>,
    /// The (field, struct type) pairs the current function has member-called, with the index
    /// of the use.
    member_calls: FxHashMap<(u32, u32), u32>,
    /// The last member reached by a typed access path: its token index, the path and itself.
    last_access: Option<(usize, AccessPath, Range<usize>)>,
    /// Parenthesis depth in the current function body.
    paren: u32,
    /// The macro invocations whose `)` is awaited, innermost last.
    invocations: Vec<OpenInvocation>,
    /// The last macro invocation closed: the token index of its `)`, its name and first
    /// argument.
    closed_invocation: Option<(usize, Range<usize>, Option<Range<usize>>)>,
    /// The designators of the nested initializers open, `.job_driver = {`: the depth inside
    /// each and its member, outermost first.
    designators: Vec<(u32, Vec<Range<usize>>)>,
    /// The initializer of a local variable of known type being read, `GdbCmdParseEntry entry =
    /// { .handler = f }`: the depth inside it and the type.
    local_initializer: Option<(u32, Range<usize>)>,
    /// The typed members of the tagless struct body being read.
    /// Their `struct_type` is set when the typedef's name is read.
    anonymous_members: Vec<PointerMember>,
    /// The guarded branches of the current function body.
    guards: Guards,
    /// The parameter tests and constant arguments of the current function body.
    params: Params,
    /// Parameter tests and constant arguments are recorded.
    track_params: bool,
    /// The file names a guard condition: only then are branches told apart (few files do, and
    /// the search for the name costs far less than following every body's branches).
    track_guards: bool,
    /// Parentheses are counted in bodies: for callback fields, or for `[[deferred]]` calls.
    track_parens: bool,
    /// The argument lists open in the current body, while a `[[deferred]]` call is among them.
    arguments: Arguments,
    /// The `[[deferred]]` entry (plus 1) the first mention of a deferred use was handed to, by
    /// use index: a later mention keeps the use deferred only if handed to the same one.
    deferred_entries: FxHashMap<u32, u16>,
    /// The `[` open in the current body, innermost last.
    brackets: Vec<OpenBracket>,
    /// The last `]` closed: its token index and the identifier before its `[`, if any.
    closed_bracket: Option<(usize, Option<Range<usize>>)>,
    /// The token index of the `(` of a macro invocation right after the last one recorded at
    /// file scope (`A(x) B(y)`: the second starts a declaration too).
    next_invocation_at: usize,
}

/// True if the token numbered `token` came `distance` tokens before the one numbered
/// `current`. `last_ident` starts at `usize::MAX` (no identifier yet), which comes before
/// nothing.
fn tokens_before(token: usize, distance: usize, current: usize) -> bool {
    token.checked_add(distance) == Some(current)
}

impl<'src, 'x> FilePass<'src, 'x> {
    pub(super) fn new(
        source: &'src [u8],
        recognizer: &'x Recognizer,
        names: &'x mut Names,
        lines: &'x mut LineCounter<'src>,
        local_switches: &'x mut LocalSwitches,
        output: FileFunctions,
    ) -> Self {
        FilePass {
            source,
            recognizer,
            lines,
            names,
            output,
            head: Head::default(),
            block: Block::None,
            depth: 0,
            block_line: 0,
            extern_c: 0,
            conditionals: Vec::new(),
            dead: 0,
            local_switches,
            token_index: 0,
            pending_allows: Vec::new(),
            prev: (Token::Semi, None),
            prev2: (Token::Semi, None),
            member: None,
            member_attributes: ContextSet::default(),
            macro_calls: Vec::new(),
            prev3: (Token::Semi, None),
            last_ident: (usize::MAX, 0..0),
            variables: FxHashMap::default(),
            member_calls: FxHashMap::default(),
            last_access: None,
            paren: 0,
            invocations: Vec::new(),
            closed_invocation: None,
            anonymous_members: Vec::new(),
            designators: Vec::new(),
            local_initializer: None,
            guards: Guards::default(),
            params: Params::default(),
            track_params: recognizer.extras.arguments,
            track_guards: recognizer.mentions_guard(source),
            track_parens: recognizer.extras.fields || recognizer.defers(),
            arguments: Arguments::default(),
            deferred_entries: FxHashMap::default(),
            brackets: Vec::new(),
            closed_bracket: None,
            next_invocation_at: 0,
        }
    }

    pub(super) fn run(mut self) -> FileFunctions {
        // Directives other than conditionals are taken out before the one-token lookahead:
        // `f\n#define X 1\n(` is still a call of f. A `#define` is read when the pass reaches
        // it, after the token before it.
        let mut tokens = LiveTokens {
            // A file is skimmed only if it holds no `callcheck:` word.
            tokens: match self.output.skimmed {
                true => Tokens::without_pragmas(self.source),
                false => Tokens::new(self.source),
            },
            defines: Vec::new(),
            includes: Vec::new(),
        };
        let mut next = tokens.next();
        // Without callback fields, nothing but braces is followed in a block that is not a
        // function body; in a skimmed file, nothing but braces in a function body either.
        let skips_braced = self.recognizer.skip_braced && !self.recognizer.extras.fields;
        let skims = self.output.skimmed;
        while let Some((token, span)) = next {
            if !tokens.defines.is_empty() {
                self.defines(&mut tokens.defines);
            }
            if !tokens.includes.is_empty() {
                self.includes(&mut tokens.includes);
            }
            next = tokens.next();
            if let Token::Directive(directive) = token {
                let end = span.end;
                self.directive(directive, span);
                // Skipping stops before a directive; it goes on after one.
                if self.skippable(skips_braced, skims) && self.skip_braced(&mut tokens, end) {
                    next = tokens.next();
                }
                continue;
            }
            if matches!(
                token,
                Token::UnterminatedComment | Token::UnterminatedLiteral
            ) {
                self.output.unterminated = Some(Unterminated {
                    comment: token == Token::UnterminatedComment,
                    line: self.lines.line_at(span.start),
                });
                continue;
            }
            if self.dead > 0 {
                continue;
            }
            if token == Token::Pragma {
                self.pragma(span);
                continue;
            }
            self.token_index += 1;
            let end = span.end;
            // Only callback fields look back at the last identifier (`Type *name`).
            let fields = self.recognizer.extras.fields;
            let ident = (fields && token == Token::Ident).then(|| span.clone());
            let at_file_scope = self.depth == 0;
            let keyword = if at_file_scope {
                let keyword = match token {
                    Token::Ident => keyword(&self.source[span.clone()]),
                    _ => None,
                };
                let next = next.as_ref().map(|(t, s)| (*t, s.clone()));
                self.file_scope(token, keyword, span, next);
                keyword
            } else if skims && matches!(self.block, Block::Function(_)) {
                self.in_skimmed_body(token, span)
            } else {
                self.in_block(token, span, next.as_ref().map(|(t, _)| *t))
            };
            if let Some(ident) = ident {
                self.last_ident = (self.token_index, ident);
            }
            self.prev3 = self.prev2;
            self.prev2 = self.prev;
            self.prev = (token, keyword);
            if at_file_scope
                && token == Token::LParen
                && self.skips_parameters(skips_braced, skims)
                && self.skip_parameters(&mut tokens, end)
            {
                next = tokens.next();
            }
            // A block opens at file scope.
            if at_file_scope
                && token == Token::LBrace
                && self.skippable(skips_braced, skims)
                && self.skip_braced(&mut tokens, end)
            {
                next = tokens.next();
            }
        }
        self.defines(&mut tokens.defines);
        self.includes(&mut tokens.includes);
        self.finish()
    }

    /// True if the block the pass is in may be skipped: one that is not a function body where
    /// `skips_braced`, a function body where `skims`.
    fn skippable(&self, skips_braced: bool, skims: bool) -> bool {
        match self.block {
            Block::Other { .. } => skips_braced,
            Block::Function(_) => skims,
            Block::None => false,
        }
    }

    /// In a live [`skippable`](Self::skippable) block, skips the tokens from `from` that
    /// nothing reads there (see [`Scanner::skip_braced`](crate::scanner::Scanner::skip_braced)):
    /// the brace depth follows, and the last token skipped is taken as the last one read, which
    /// is all a later token looks back at. True if tokens were skipped: the token after `from`
    /// is then still to be scanned.
    fn skip_braced(&mut self, tokens: &mut LiveTokens, from: usize) -> bool {
        if self.depth == 0 || self.dead > 0 {
            return false;
        }
        let Some((last, depth)) = tokens.tokens.skip_braced(from, self.depth) else {
            return false;
        };
        self.depth = depth;
        self.token_index += 1;
        self.prev3 = self.prev2;
        self.prev2 = self.prev;
        self.prev = (last, None);
        true
    }

    /// True if the parenthesis just read at file scope opens a parameter list (or a macro's
    /// arguments) whose tokens nothing reads: in a skimmed file (`skims`) whose blocks are
    /// skipped in bulk (`skips_braced`: skipping on, callback fields off), one that follows a
    /// possible function name at the top of a declaration's head, outside brackets.
    ///
    /// What such tokens could give is not needed there. A name in the list followed by `(` is
    /// never the declared one, as the name before the list is shallower. The parameters' names
    /// and types serve only a body that is read; the arguments of a macro invoked at file scope
    /// are read again from the source; the QOM arguments and a typedef's function pointer name
    /// are recorded only with callback fields. Whether the list is plain (a K&R identifier
    /// list) is all that counts, and the skip tells it.
    fn skips_parameters(&self, skips_braced: bool, skims: bool) -> bool {
        let head = &self.head;
        skims
            && skips_braced
            && head.paren == 1
            && head.bracket == 0
            && (head.candidates.last()).is_some_and(|name| name.token + 1 == self.token_index)
    }

    /// Skips the tokens of the parameter list just opened up to its `)` (see
    /// [`Scanner::skip_parenthesized`](crate::scanner::Scanner::skip_parenthesized)), which is
    /// then the next token. True if they were skipped.
    fn skip_parameters(&mut self, tokens: &mut LiveTokens, from: usize) -> bool {
        let Some(plain) = tokens.tokens.skip_parenthesized(from) else {
            return false;
        };
        self.head.plain_group = plain;
        true
    }

    /// Interns the identifier at `span` and adds it to the file's name table.
    fn export_name(&mut self, span: Range<usize>) -> u32 {
        let id = self.names.intern(self.source, span, self.recognizer);
        self.names.export(id, self.source, &mut self.output.names)
    }

    /// Sets the brace depth back to its value at the `#if` of the branch that just ended.
    fn restore_depth(&mut self, depth: u32) {
        if depth == self.depth {
            return;
        }
        self.guards.truncate(depth);
        if self.track_params {
            self.params.truncate(depth);
        }
        if depth == 0 {
            self.close_block();
        } else if self.depth == 0 {
            // The branch closed a block opened before the `#if`; the next branch closes it
            // again, and what it holds is not a function we can still record.
            self.block = Block::Other {
                keeps_head: false,
                shape: Shape::Plain,
            };
        }
        self.depth = depth;
    }

    /// Records the `#include`s read since the last token, unless they are in `#if 0` code.
    fn includes(&mut self, includes: &mut Vec<Range<usize>>) {
        for span in includes.drain(..) {
            if self.dead > 0 {
                continue;
            }
            let line = self.lines.line_at(span.start);
            if let Some((path, system)) = include::parse(self.source, span) {
                self.output.includes.push(Include { path, system, line });
            }
        }
    }

    /// Records a `callcheck:` comment; an `allow` speaks for the function it is in, or at file
    /// scope for the next definition.
    fn pragma(&mut self, span: Range<usize>) {
        let line = self.lines.line_at(span.start);
        let mut pragma = Pragma::parse(&self.source[span], line);
        if let PragmaKind::Allow { function, .. } = &mut pragma.kind {
            if let Block::Function(_) = self.block {
                *function = Some(self.output.functions.len() as u32);
            } else if self.depth == 0 {
                self.pending_allows.push(self.output.pragmas.len());
            }
        }
        self.output.pragmas.push(pragma);
    }

    fn finish(mut self) -> FileFunctions {
        self.output.unclosed = (self.depth > 0).then_some(UnclosedBraces {
            count: self.depth,
            line: self.block_line,
        });
        self.close_block();
        self.output
    }
}

/// The live tokens of a file: directives other than conditionals are taken out, and the spans of
/// `#define`s and `#include`s are kept for the pass to read.
struct LiveTokens<'src> {
    tokens: Tokens<'src>,
    defines: Vec<Range<usize>>,
    includes: Vec<Range<usize>>,
}

impl LiveTokens<'_> {
    /// Keeps the span of a directive that is not a conditional nor a `#define` if it is an
    /// `#include`. Out of line, so the token loop around it stays small.
    #[cold]
    #[inline(never)]
    fn other_directive(&mut self, span: Range<usize>) {
        if include::is_include(self.tokens.source(), &span) {
            self.includes.push(span);
        }
    }
}

impl Iterator for LiveTokens<'_> {
    type Item = (Token, Range<usize>);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (token, span) = self.tokens.next()?;
            match token {
                Token::Directive(Directive::Other) => self.other_directive(span),
                Token::Directive(Directive::Define | Directive::Undef) => self.defines.push(span),
                _ => return Some((token, span)),
            }
        }
    }
}
