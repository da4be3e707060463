//! The pass over one file's tokens: the state machine that finds definitions and records what
//! their bodies use.

mod arguments;
mod branches;
mod conditionals;
mod fields;
mod guards;
mod macros;
mod params;

use super::include;
use super::names::{Keyword, NameClass, Names, keyword};
use super::{
    FileFunctions, FunctionDef, Include, PointerMember, Pragma, PragmaKind, Prototype, Recognizer,
    UnclosedBraces, Unterminated, Use, WordRange,
};
use crate::context::ContextSet;
use crate::lexer::{Directive, LineCounter, Token};
use crate::model::UseKind;
use crate::scanner::Tokens;
use arguments::Arguments;
use conditionals::Conditional;
pub(super) use conditionals::LocalSwitches;
use guards::Guards;
use params::Params;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// How many head words a declaration keeps; more are dropped (real heads have a handful).
const MAX_HEAD_WORDS: usize = 16;

/// A possible function name in a declaration head: an identifier followed by `(`.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    name: u32,
    line: u32,
    column: u32,
    /// Parenthesis depth of the identifier within the head (0 for `f(`, 1 for `(*f(`).
    paren: u32,
    /// Index of the token, to tell it from `struct` keywords before or after it.
    token: usize,
}

/// What the extractor has seen of the current file-scope declaration.
#[derive(Debug, Default)]
struct Head {
    candidates: Vec<Candidate>,
    paren: u32,
    is_static: bool,
    has_assign: bool,
    /// Token index of the last `struct`/`union`/`enum`, if any.
    aggregate: Option<usize>,
    /// The current top-level parenthesis group holds only identifiers and commas (a K&R
    /// identifier list, if declarations follow).
    plain_group: bool,
    /// A K&R parameter declaration list may be in progress: `;` does not end the head.
    knr: bool,
    /// Contexts given by attribute words outside parentheses.
    attributes: ContextSet,
    /// Identifiers outside parentheses that are not keywords, with their token index.
    words: Vec<(usize, Range<usize>)>,
    /// The identifier right after `struct`/`union`/`enum`, if any.
    tag: Option<Range<usize>>,
    /// The last two identifiers outside parentheses that are not keywords, last first.
    last_words: [Option<Range<usize>>; 2],
    /// The word before the declared name when `=` was seen: an initializer's type.
    initialized_type: Option<Range<usize>>,
    /// The declared name when `=` was seen.
    initialized_name: Option<Range<usize>>,
    /// A `[` outside parentheses: an array is declared.
    array: bool,
    /// Brackets open outside parentheses: the size of an array, whose words declare nothing.
    bracket: u32,
    /// Parameters declared `Type *name` or `Type name`: (name, type).
    params: Vec<(Range<usize>, Range<usize>)>,
    /// The named parameters of the last top-level parenthesis group, by position (only when
    /// argument constants are recorded).
    param_names: Vec<(u8, Range<usize>)>,
    /// The position of the parameter being read in that group.
    param_position: u8,
    /// The head starts with `typedef`.
    typedef: bool,
    /// The name in `(*name)` or `(name)`, directly inside the first parentheses: a typedef'd
    /// function pointer or function type's name.
    pointer_name: Option<Range<usize>>,
    /// A tagless struct body closed in this head: its first field declaration, and the name the
    /// declarator after it gives (`typedef struct { ... } Name;`) once seen.
    anonymous: Option<(usize, Option<Range<usize>>)>,
    /// A QOM declaration in progress, `OBJECT_DECLARE_TYPE(`: which, and its plain arguments.
    qom: Option<(QomDeclaration, Vec<Range<usize>>)>,
    /// A macro invocation starting the declaration, `NAME(`, whose `)` is awaited: its name
    /// and where its arguments start.
    invocation: Option<(Candidate, usize)>,
}

/// The QOM macros that declare cast macros: `OBJECT_DECLARE_TYPE(BlockJob, BlockJobClass,
/// BLOCK_JOB)` defines `BLOCK_JOB(obj)`, `BLOCK_JOB_CLASS(klass)` and `BLOCK_JOB_GET_CLASS(obj)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QomDeclaration {
    /// `OBJECT_DECLARE_TYPE(Instance, Class, NAME)`, `DECLARE_OBJ_CHECKERS(Instance, Class,
    /// NAME, TYPENAME)`.
    InstanceAndClass,
    /// `OBJECT_DECLARE_SIMPLE_TYPE(Instance, NAME)`, `DECLARE_INSTANCE_CHECKER(Instance, NAME,
    /// TYPENAME)`.
    Instance,
    /// `DECLARE_CLASS_CHECKERS(Class, NAME, TYPENAME)`.
    Class,
}

impl QomDeclaration {
    /// The declaration `word` names, and how many arguments it takes.
    fn of(word: &[u8]) -> Option<(Self, usize)> {
        Some(match word {
            b"OBJECT_DECLARE_TYPE" => (QomDeclaration::InstanceAndClass, 3),
            b"DECLARE_OBJ_CHECKERS" => (QomDeclaration::InstanceAndClass, 4),
            b"OBJECT_DECLARE_SIMPLE_TYPE" => (QomDeclaration::Instance, 2),
            b"DECLARE_INSTANCE_CHECKER" => (QomDeclaration::Instance, 3),
            b"DECLARE_CLASS_CHECKERS" => (QomDeclaration::Class, 3),
            _ => return None,
        })
    }
}

impl Head {
    fn reset(&mut self) {
        self.candidates.clear();
        self.words.clear();
        self.params.clear();
        self.param_names.clear();
        *self = Head {
            candidates: std::mem::take(&mut self.candidates),
            words: std::mem::take(&mut self.words),
            params: std::mem::take(&mut self.params),
            param_names: std::mem::take(&mut self.param_names),
            ..Head::default()
        };
    }

    /// The defined name: the last candidate at the shallowest parenthesis depth that follows any
    /// `struct` keyword (`void (*get_cb(int n))(void)` defines `get_cb`).
    fn function_name(&self) -> Option<Candidate> {
        let after_aggregate = |c: &&Candidate| self.aggregate.is_none_or(|at| c.token > at);
        let shallowest = self
            .candidates
            .iter()
            .filter(after_aggregate)
            .map(|c| c.paren)
            .min()?;
        self.candidates
            .iter()
            .filter(after_aggregate)
            .rfind(|c| c.paren == shallowest)
            .copied()
    }
}

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
            tokens: Tokens::new(self.source),
            defines: Vec::new(),
            includes: Vec::new(),
        };
        let mut next = tokens.next();
        while let Some((token, span)) = next {
            if !tokens.defines.is_empty() {
                self.defines(&mut tokens.defines);
            }
            if !tokens.includes.is_empty() {
                self.includes(&mut tokens.includes);
            }
            next = tokens.next();
            if let Token::Directive(directive) = token {
                self.directive(directive, span);
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
            // Only callback fields look back at the last identifier (`Type *name`).
            let fields = self.recognizer.extras.fields;
            let ident = (fields && token == Token::Ident).then(|| span.clone());
            let keyword = if self.depth == 0 {
                let keyword = match token {
                    Token::Ident => keyword(&self.source[span.clone()]),
                    _ => None,
                };
                let next = next.as_ref().map(|(t, s)| (*t, s.clone()));
                self.file_scope(token, keyword, span, next);
                keyword
            } else {
                self.in_block(token, span, next.as_ref().map(|(t, _)| *t))
            };
            if let Some(ident) = ident {
                self.last_ident = (self.token_index, ident);
            }
            self.prev3 = self.prev2;
            self.prev2 = self.prev;
            self.prev = (token, keyword);
        }
        self.defines(&mut tokens.defines);
        self.includes(&mut tokens.includes);
        self.finish()
    }

    /// Interns the identifier at `span` and adds it to the file's name table.
    fn export_name(&mut self, span: Range<usize>) -> u32 {
        let id = self.names.intern(self.source, span, self.recognizer);
        self.names.export(id, self.source, &mut self.output.names)
    }

    /// Adds the head's words, except the one at token `name`, to the file's word list.
    fn export_head_words(&mut self, name: usize) -> WordRange {
        let start = self.output.words.len() as u32;
        for index in 0..self.head.words.len() {
            let (token, span) = self.head.words[index].clone();
            if token != name {
                let word = self.export_name(span);
                self.output.words.push(word);
            }
        }
        WordRange {
            start,
            end: self.output.words.len() as u32,
        }
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

    fn file_scope(
        &mut self,
        token: Token,
        keyword: Option<Keyword>,
        span: Range<usize>,
        next: Option<(Token, Range<usize>)>,
    ) {
        let head = &mut self.head;
        // A K&R identifier list is names separated by commas: `(a, b)`, never `(int a)`.
        let list_token = match token {
            Token::Ident => self.prev.0 != Token::Ident,
            Token::Comma | Token::RParen => true,
            _ => false,
        };
        if head.paren > 0 && !list_token {
            head.plain_group = false;
        }
        match token {
            Token::Ident => {
                if head.paren == 0 && head.bracket == 0 {
                    if let Some(contexts) = self.recognizer.attribute(&self.source[span.clone()]) {
                        head.attributes.extend(contexts);
                    }
                    if keyword.is_none() {
                        if self.prev.1 == Some(Keyword::Aggregate) {
                            head.tag = Some(span.clone());
                        }
                        if let Some((_, name @ None)) = &mut head.anonymous {
                            *name = Some(span.clone());
                        }
                        head.last_words = [Some(span.clone()), head.last_words[0].take()];
                        if head.words.len() < MAX_HEAD_WORDS && self.recognizer.extras.head_words {
                            head.words.push((self.token_index, span.clone()));
                        }
                    }
                }
                if let Some((_, args)) = &mut head.qom
                    && head.paren == 1
                    && keyword.is_none()
                {
                    args.push(span.clone());
                }
                // `(*Name)` or `(Name)`: a typedef'd function pointer or function type (the
                // first group only: `(void)` after it is a parameter list).
                if head.paren == 1
                    && head.pointer_name.is_none()
                    && keyword.is_none()
                    && (self.prev.0 == Token::LParen
                        || (self.prev.0 == Token::Star && self.prev2.0 == Token::LParen))
                    && matches!(next, Some((Token::RParen, _)))
                {
                    head.pointer_name = Some(span.clone());
                }
                match keyword {
                    Some(Keyword::Static) if head.paren == 0 => head.is_static = true,
                    Some(Keyword::Specifier)
                        if head.paren == 0 && self.source[span.clone()] == *b"typedef" =>
                    {
                        head.typedef = true;
                    }
                    Some(Keyword::Aggregate) if head.paren == 0 => {
                        head.aggregate = Some(self.token_index);
                    }
                    _ => {}
                }
                if head.paren == 1
                    && self.recognizer.extras.arguments
                    && keyword.is_none()
                    && matches!(next, Some((Token::Comma | Token::RParen, _)))
                {
                    head.param_names.push((head.param_position, span.clone()));
                }
                if head.paren > 0
                    && self.recognizer.extras.fields
                    && matches!(next, Some((Token::Comma | Token::RParen, _)))
                    && let Some(struct_type) = self.pointer_type().or_else(|| self.value_type())
                {
                    self.head.params.push((span.clone(), struct_type));
                }
                if keyword.is_none() && matches!(next, Some((Token::LParen, _))) {
                    let (line, column) = self.lines.position_at(span.start);
                    let name = self.names.intern(self.source, span, self.recognizer);
                    self.head.candidates.push(Candidate {
                        name,
                        line,
                        column,
                        paren: self.head.paren,
                        token: self.token_index,
                    });
                }
            }
            Token::LParen => {
                head.plain_group = head.paren == 0;
                if head.paren == 0 {
                    head.param_names.clear();
                    head.param_position = 0;
                }
                if head.paren == 0 && self.prev.0 == Token::Ident && self.recognizer.extras.fields {
                    let (token, word) = &self.last_ident;
                    head.qom = (*token + 1 == self.token_index)
                        .then(|| QomDeclaration::of(&self.source[word.clone()]))
                        .flatten()
                        .map(|(declaration, _)| (declaration, Vec::new()));
                }
                // `NAME(` first in a declaration: a macro invocation that may define functions.
                if head.paren == 0
                    && self.recognizer.extras.macros
                    && let Some(candidate) = head.candidates.last()
                    && candidate.token + 1 == self.token_index
                    && (matches!(self.prev2.0, Token::Semi | Token::RBrace | Token::LBrace)
                        || self.next_invocation_at == self.token_index)
                {
                    head.invocation = Some((*candidate, span.end));
                }
                head.paren += 1;
            }
            Token::RParen => {
                head.paren = head.paren.saturating_sub(1);
                if head.paren == 0
                    && let Some((declaration, args)) = head.qom.take()
                {
                    self.qom_declaration(declaration, args);
                }
                if self.head.paren == 0
                    && let Some((name, args_start)) = self.head.invocation.take()
                {
                    self.next_invocation_at = self.token_index + 2;
                    self.file_invocation(name.name, name.line, name.column, args_start..span.start);
                }
                let head = &mut self.head;
                if head.paren == 0 {
                    let next_is_type = next.is_some_and(|(token, span)| {
                        let word = &self.source[span];
                        token == Token::Ident
                            && !matches!(
                                self::keyword(word),
                                Some(Keyword::Static | Keyword::Extern | Keyword::Specifier)
                            )
                            && self.recognizer.attribute(word).is_none()
                    });
                    // A typedef has no K&R parameter declarations:
                    // `typedef QTAILQ_HEAD(, Foo) FooList;` ends at its `;`.
                    head.knr = head.plain_group && next_is_type && !head.typedef;
                }
            }
            Token::Semi if head.paren == 0 && (!head.knr || head.has_assign) => {
                self.end_declaration();
            }
            Token::Assign if head.paren == 0 && !head.has_assign => {
                head.initialized_type = head.last_words[1].clone();
                head.initialized_name = head.last_words[0].clone();
                head.has_assign = true;
                if head.anonymous.is_some() && !head.typedef && self.recognizer.extras.fields {
                    self.anonymous_variable();
                }
            }
            Token::LBracket if head.paren == 0 => {
                head.array = true;
                head.bracket += 1;
            }
            Token::Other if head.bracket > 0 && self.source[span.start] == b']' => {
                head.bracket -= 1;
            }
            Token::Comma if head.paren == 1 => {
                head.param_position = head.param_position.saturating_add(1);
            }
            Token::LBrace => self.open_block(span.start),
            Token::RBrace => {
                if self.extern_c > 0 {
                    self.extern_c -= 1;
                } else {
                    let line = self.lines.line_at(span.start);
                    self.output.stray_closing_braces.push(line);
                }
                self.head.reset();
            }
            _ => {}
        }
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

    /// Ends a file-scope declaration at its `;`, keeping it as a prototype if it declares a
    /// function with attribute contexts or head words other than its name.
    fn end_declaration(&mut self) {
        self.pending_allows.clear();
        if self.head.typedef && self.recognizer.extras.fields {
            self.typedef_declaration();
            self.head.reset();
            return;
        }
        if self.recognizer.extras.fields {
            if self.head.anonymous.is_some() {
                self.anonymous_variable();
            }
            self.global_variable();
        }
        let head = &self.head;
        // Most declarations have neither attributes nor (with head words off) words: they are
        // let go before looking for a function name.
        let may_keep = !head.attributes.is_empty() || !head.words.is_empty();
        if may_keep
            && !head.has_assign
            && let Some(candidate) = head.function_name()
            && (!head.attributes.is_empty()
                || head
                    .words
                    .iter()
                    .any(|(token, _)| *token != candidate.token))
        {
            let words = self.export_head_words(candidate.token);
            let head = &self.head;
            let prototype = Prototype {
                name: self
                    .names
                    .export(candidate.name, self.source, &mut self.output.names),
                line: candidate.line,
                column: candidate.column,
                is_static: head.is_static,
                contexts: head.attributes,
                words,
            };
            self.output.prototypes.push(prototype);
        }
        self.head.reset();
    }

    /// Decides what a `{` at file scope opens.
    fn open_block(&mut self, offset: usize) {
        let extern_c =
            self.prev.0 == Token::Str && self.prev2 == (Token::Ident, Some(Keyword::Extern));
        if extern_c {
            self.extern_c += 1;
            self.head.reset();
            return;
        }
        let head = &self.head;
        let follows_declarator = matches!(self.prev.0, Token::RParen | Token::Ident | Token::Semi);
        self.block = match head.function_name() {
            _ if head.paren > 0 || head.has_assign => Block::Other {
                keeps_head: true,
                shape: if head.paren == 0 {
                    Shape::Initializer {
                        struct_type: head.initialized_type.clone(),
                        array: head.array,
                    }
                } else {
                    Shape::Plain
                },
            },
            Some(candidate) if follows_declarator => {
                let index = self.output.functions.len() as u32;
                for pending in self.pending_allows.drain(..) {
                    if let PragmaKind::Allow { function, .. } =
                        &mut self.output.pragmas[pending].kind
                    {
                        *function = Some(index);
                    }
                }
                let uses_start = self.output.uses.len() as u32;
                self.guards.reset();
                self.variables.clear();
                self.member_calls.clear();
                self.paren = 0;
                self.local_initializer = None;
                self.invocations.clear();
                self.closed_invocation = None;
                self.arguments.clear();
                self.brackets.clear();
                self.closed_bracket = None;
                for (name, struct_type) in &head.params {
                    self.variables
                        .insert(&self.source[name.clone()], struct_type.clone());
                }
                if self.track_params {
                    self.params.start(head.param_names.iter().cloned());
                }
                let words = self.export_head_words(candidate.token);
                let head = &self.head;
                Block::Function(FunctionDef {
                    name: self
                        .names
                        .export(candidate.name, self.source, &mut self.output.names),
                    line: candidate.line,
                    column: candidate.column,
                    is_static: head.is_static,
                    markers: ContextSet::default(),
                    attributes: head.attributes,
                    words,
                    uses_start,
                    uses_end: uses_start,
                })
            }
            _ if head.aggregate.is_some() && head.tag.is_none() => {
                self.anonymous_members.clear();
                self.head.anonymous = Some((self.output.field_decls.len(), None));
                Block::Other {
                    keeps_head: true,
                    shape: Shape::Aggregate { tag: None },
                }
            }
            _ => Block::Other {
                keeps_head: head.aggregate.is_some(),
                shape: match head.aggregate {
                    Some(_) => Shape::Aggregate {
                        tag: head.tag.clone(),
                    },
                    None => Shape::Plain,
                },
            },
        };
        self.member = None;
        self.member_attributes = ContextSet::default();
        self.designators.clear();
        self.brackets.clear();
        self.closed_bracket = None;
        self.depth = 1;
        self.block_line = self.lines.line_at(offset);
    }

    /// Handles a token inside a top-level block; returns the keyword it is, if any.
    #[inline(always)]
    fn in_block(
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
                self.depth += 1;
                self.member_attributes = ContextSet::default();
                if self.recognizer.extras.fields {
                    self.note_designator();
                    self.note_local_initializer();
                }
            }
            Token::RBrace => {
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
                let array = (*token + 1 == self.token_index).then(|| ident.clone());
                let member = match &self.last_access {
                    Some((token, path, member)) if token + 1 == self.token_index => {
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

    /// Records what an identifier in a function body means; returns the keyword it is, if any.
    #[inline(always)]
    fn body_identifier(&mut self, span: Range<usize>, next: Option<Token>) -> Option<Keyword> {
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
            let earlier = &mut uses[entry.use_index as usize];
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

    fn close_block(&mut self) {
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
    fn export_params(&mut self) {
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
