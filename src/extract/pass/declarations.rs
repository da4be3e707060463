//! Declarations at file scope: the head of the declaration being read (its words, the
//! function names it may define, its attributes and parameters), and what becomes of it at its
//! `;` (a prototype, a typedef, a table of callbacks) or its `{` (a function body, or another
//! block).

use super::{Block, FilePass, Shape, tokens_before};
use crate::context::ContextSet;
use crate::extract::names::{Keyword, keyword};
use crate::extract::{FunctionDef, PragmaKind, Prototype, WordRange};
use crate::lexer::Token;
use std::ops::Range;

/// How many head words a declaration keeps; more are dropped (real heads have a handful).
const MAX_HEAD_WORDS: usize = 16;

/// A possible function name in a declaration head: an identifier followed by `(`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    /// Where its name starts and ends. It is interned only once kept: most candidates are the
    /// names of prototypes that are let go.
    pub(super) name_start: usize,
    pub(super) name_end: usize,
    pub(super) line: u32,
    pub(super) column: u32,
    /// Parenthesis depth of the identifier within the head (0 for `f(`, 1 for `(*f(`).
    pub(super) paren: u32,
    /// Index of the token, to tell it from `struct` keywords before or after it.
    pub(super) token: usize,
}

/// What the extractor has seen of the current file-scope declaration.
#[derive(Debug, Default)]
pub(super) struct Head {
    pub(super) candidates: Vec<Candidate>,
    pub(super) paren: u32,
    pub(super) is_static: bool,
    pub(super) has_assign: bool,
    /// Token index of the last `struct`/`union`/`enum`, if any.
    pub(super) aggregate: Option<usize>,
    /// The current top-level parenthesis group holds only identifiers and commas (a K&R
    /// identifier list, if declarations follow).
    pub(super) plain_group: bool,
    /// A K&R parameter declaration list may be in progress: `;` does not end the head.
    pub(super) knr: bool,
    /// Contexts given by attribute words outside parentheses.
    pub(super) attributes: ContextSet,
    /// Identifiers outside parentheses that are not keywords, with their token index.
    pub(super) words: Vec<(usize, Range<usize>)>,
    /// The identifier right after `struct`/`union`/`enum`, if any.
    pub(super) tag: Option<Range<usize>>,
    /// The last two identifiers outside parentheses that are not keywords, last first.
    pub(super) last_words: [Option<Range<usize>>; 2],
    /// The word before the declared name when `=` was seen: an initializer's type.
    pub(super) initialized_type: Option<Range<usize>>,
    /// The declared name when `=` was seen.
    pub(super) initialized_name: Option<Range<usize>>,
    /// A `[` outside parentheses: an array is declared.
    pub(super) array: bool,
    /// Brackets open outside parentheses: the size of an array, whose words declare nothing.
    pub(super) bracket: u32,
    /// Parameters declared `Type *name` or `Type name`: (name, type).
    pub(super) params: Vec<(Range<usize>, Range<usize>)>,
    /// The named parameters of the last top-level parenthesis group, by position (only when
    /// argument constants are recorded).
    pub(super) param_names: Vec<(u8, Range<usize>)>,
    /// The position of the parameter being read in that group.
    pub(super) param_position: u8,
    /// The head starts with `typedef`.
    pub(super) typedef: bool,
    /// The name in `(*name)` or `(name)`, directly inside the first parentheses: a typedef'd
    /// function pointer or function type's name.
    pub(super) pointer_name: Option<Range<usize>>,
    /// A tagless struct body closed in this head: its first field declaration, and the name the
    /// declarator after it gives (`typedef struct { ... } Name;`) once seen.
    pub(super) anonymous: Option<(usize, Option<Range<usize>>)>,
    /// A QOM declaration in progress, `OBJECT_DECLARE_TYPE(`: which, and its plain arguments.
    pub(super) qom: Option<(QomDeclaration, Vec<Range<usize>>)>,
    /// The depth inside the outer parentheses of an attribute, `__attribute__((aligned(8)))`,
    /// or of a keyword's operand, `_Static_assert(offsetof(S, f) == 0, "")`, while they are
    /// open: no word in them is a name the head declares.
    pub(super) operand_group: Option<u32>,
    /// A macro invocation starting the declaration, `NAME(`, whose `)` is awaited: its name
    /// and where its arguments start.
    pub(super) invocation: Option<(Candidate, usize)>,
}

/// The QOM macros that declare cast macros: `OBJECT_DECLARE_TYPE(BlockJob, BlockJobClass,
/// BLOCK_JOB)` defines `BLOCK_JOB(obj)`, `BLOCK_JOB_CLASS(klass)` and `BLOCK_JOB_GET_CLASS(obj)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum QomDeclaration {
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
    pub(super) fn of(word: &[u8]) -> Option<(Self, usize)> {
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
    /// Forgets the declaration, keeping the lists' memory.
    pub(super) fn reset(&mut self) {
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
    pub(super) fn function_name(&self) -> Option<Candidate> {
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

impl Candidate {
    /// Where its name is in the source.
    pub(super) fn name_span(&self) -> Range<usize> {
        self.name_start..self.name_end
    }
}

impl FilePass<'_, '_> {
    /// Adds what a prototype and a definition both keep of their head to the file's tables:
    /// the head's words other than the declared name (as a run of the word list), then the
    /// declared name itself.
    fn export_declared(&mut self, declared: Candidate) -> (u32, WordRange) {
        let start = self.output.words.len() as u32;
        for index in 0..self.head.words.len() {
            let (token, span) = self.head.words[index].clone();
            if token != declared.token {
                let word = self.export_name(span);
                self.output.words.push(word);
            }
        }
        let words = WordRange {
            start,
            end: self.output.words.len() as u32,
        };
        let name = self.export_name(declared.name_span());
        (name, words)
    }

    /// Handles a token at file scope, `keyword` being what it is if an identifier, `next` the
    /// token after it.
    pub(super) fn file_scope(
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
                if keyword.is_none()
                    && matches!(next, Some((Token::LParen, _)))
                    && self.head.operand_group.is_none()
                {
                    let (line, column) = self.lines.position_at(span.start);
                    self.head.candidates.push(Candidate {
                        name_start: span.start,
                        name_end: span.end,
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
                    head.qom = tokens_before(*token, 1, self.token_index)
                        .then(|| QomDeclaration::of(&self.source[word.clone()]))
                        .flatten()
                        .map(|(declaration, _)| (declaration, Vec::new()));
                }
                // `NAME(` first in a declaration: a macro invocation that may define functions.
                if head.paren == 0
                    && self.recognizer.extras.macros
                    && let Some(candidate) = head.candidates.last()
                    && tokens_before(candidate.token, 1, self.token_index)
                    && (matches!(self.prev2.0, Token::Semi | Token::RBrace | Token::LBrace)
                        || self.next_invocation_at == self.token_index)
                {
                    head.invocation = Some((*candidate, span.end));
                }
                head.paren += 1;
                if self.prev == (Token::Ident, Some(Keyword::Operand))
                    && head.operand_group.is_none()
                {
                    head.operand_group = Some(head.paren);
                }
            }
            Token::RParen => {
                head.paren = head.paren.saturating_sub(1);
                if head.operand_group.is_some_and(|inside| head.paren < inside) {
                    head.operand_group = None;
                }
                if head.paren == 0
                    && let Some((declaration, args)) = head.qom.take()
                {
                    self.qom_declaration(declaration, args);
                }
                if self.head.paren == 0
                    && let Some((name, args_start)) = self.head.invocation.take()
                {
                    self.next_invocation_at = self.token_index + 2;
                    let id = self
                        .names
                        .intern(self.source, name.name_span(), self.recognizer);
                    self.file_invocation(id, name.line, name.column, args_start..span.start);
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

    /// Ends a file-scope declaration at its `;`, keeping it as a prototype if it declares a
    /// function with attribute contexts or head words other than its name.
    pub(super) fn end_declaration(&mut self) {
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
            let (name, words) = self.export_declared(candidate);
            let head = &self.head;
            let prototype = Prototype {
                name,
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
    pub(super) fn open_block(&mut self, offset: usize) {
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
                let (name, words) = self.export_declared(candidate);
                let head = &self.head;
                Block::Function(FunctionDef {
                    name,
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
}
