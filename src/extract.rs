//! Tokens to function definitions.
//!
//! A single pass over one file's tokens, with no preprocessor and no parser: at file scope it
//! watches declaration heads for an identifier followed by a parameter list and then `{`; inside
//! a function body it records the marker macros invoked (the function's contexts) and every name
//! the body uses, as a call (`name(`) or as a reference (any other mention).
//!
//! Preprocessor conditionals are handled the way a reader skims them: `#if 0` code is dead, every
//! other branch is read, and brace depth is reset at `#elif`/`#else` to its value at the `#if`, so
//! a brace opened in both branches counts once.

use crate::context::{ContextId, ContextSet, Contexts, Recognition};
use crate::lexer::{Directive, LineCounter, Token, Tokens};
use hashbrown::HashTable;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;
use std::ops::Range;

/// How a function body uses a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UseKind {
    /// `name(...)`: a direct call (or a function-like macro invocation).
    Call,
    /// Any other mention: a callback passed or assigned, `&name`, a variable, a type.
    Reference,
}

/// One name used by a function body; each name is recorded once per function, as a call if it
/// is called anywhere in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    /// Index into [`FileFunctions::names`].
    pub name: u32,
    /// Call or reference.
    pub kind: UseKind,
    /// 1-based line of the first call (or, for a reference, the first mention).
    pub line: u32,
    /// 1-based byte column of that use.
    pub column: u32,
}

/// A function definition found at file scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionDef {
    /// Index into [`FileFunctions::names`].
    pub name: u32,
    /// 1-based line of the function's name.
    pub line: u32,
    /// 1-based byte column of the function's name.
    pub column: u32,
    /// Declared `static`: visible only in its own file.
    pub is_static: bool,
    /// The contexts whose markers the body invokes.
    pub markers: ContextSet,
    /// The contexts whose attributes the definition carries.
    pub attributes: ContextSet,
    /// Where the body's uses are in [`FileFunctions::uses`]: `uses_start..uses_end`, in order
    /// of first use.
    pub uses_start: u32,
    /// End of the range started by `uses_start`.
    pub uses_end: u32,
}

/// Braces still open at the end of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnclosedBraces {
    /// How many were open.
    pub count: u32,
    /// Line of the outermost unclosed `{`.
    pub line: u32,
}

/// A prototype (a declaration without body) that carries attribute contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prototype {
    /// Index into [`FileFunctions::names`].
    pub name: u32,
    /// 1-based line of the declared name.
    pub line: u32,
    /// Declared `static`: it speaks only for a definition in its own file.
    pub is_static: bool,
    /// The attribute contexts it carries (never empty).
    pub contexts: ContextSet,
}

/// What a `callcheck:` comment asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PragmaKind {
    /// `callcheck: allow(A, B) reason`: accept the function's violations against these contexts.
    Allow {
        /// The context names, as written.
        contexts: Vec<String>,
        /// Index in [`FileFunctions::functions`] of the function it speaks for: the one whose
        /// body holds it, or the next definition after it at file scope. `None` if neither.
        function: Option<u32>,
    },
    /// `callcheck: ignore reason`: cut the edges made on this line.
    Ignore,
    /// A `callcheck:` comment that says neither.
    Unrecognised,
}

/// A `callcheck:` comment: a suppression written in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragma {
    /// What it asks for.
    pub kind: PragmaKind,
    /// Line where the comment starts.
    pub line: u32,
    /// The words after the request, the reason a reader is given (may be empty).
    pub reason: String,
}

impl Pragma {
    /// Reads a comment that contains `callcheck:`.
    fn parse(comment: &[u8], line: u32) -> Pragma {
        let text = String::from_utf8_lossy(comment);
        let text = text.trim_end();
        let text = text.strip_suffix("*/").unwrap_or(text);
        let after = text
            .find("callcheck:")
            .map_or("", |at| &text[at + "callcheck:".len()..])
            .trim();
        let (kind, reason) = if let Some(rest) = after.strip_prefix("allow(") {
            match rest.split_once(')') {
                Some((names, reason)) => {
                    let contexts = names
                        .split(',')
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty())
                        .collect();
                    let kind = PragmaKind::Allow {
                        contexts,
                        function: None,
                    };
                    (kind, reason)
                }
                None => (PragmaKind::Unrecognised, after),
            }
        } else if let Some(reason) = after.strip_prefix("ignore") {
            (PragmaKind::Ignore, reason)
        } else {
            (PragmaKind::Unrecognised, after)
        };
        Pragma {
            kind,
            line,
            reason: reason.trim().to_string(),
        }
    }
}

/// A comment or literal that runs to the end of its file: everything after its start was
/// skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unterminated {
    /// `true` for a block comment, `false` for a string or character literal.
    pub comment: bool,
    /// Line where it starts.
    pub line: u32,
}

/// The names one file's definitions and uses refer to, stored end to end in one string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameTable {
    text: String,
    ends: Vec<u32>,
    hashes: Vec<u64>,
}

impl NameTable {
    /// The text of name `index`.
    pub fn get(&self, index: u32) -> &str {
        let index = index as usize;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.text[start as usize..self.ends[index] as usize]
    }

    /// The hash of name `index` (by [`name_hash`]), computed once, when the file was read.
    pub fn hash(&self, index: u32) -> u64 {
        self.hashes[index as usize]
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True if there is no name.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every name, in index order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|i| self.get(i))
    }

    fn push(&mut self, name: &[u8], hash: u64) -> u32 {
        self.hashes.push(hash);
        // Identifiers are ASCII by the lexer's pattern, so the lossy path is never taken.
        match std::str::from_utf8(name) {
            Ok(name) => self.text.push_str(name),
            Err(_) => self.text.push_str(&String::from_utf8_lossy(name)),
        }
        self.ends.push(self.text.len() as u32);
        self.ends.len() as u32 - 1
    }
}

/// Everything extracted from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileFunctions {
    /// The names of the definitions and of what they use.
    pub names: NameTable,
    /// The definitions, in source order.
    pub functions: Vec<FunctionDef>,
    /// The uses of all definitions, each definition's in one run.
    pub uses: Vec<Use>,
    /// The prototypes that carry attribute contexts, in source order.
    pub prototypes: Vec<Prototype>,
    /// The `callcheck:` comments outside `#if 0` code, in source order.
    pub pragmas: Vec<Pragma>,
    /// Braces left open at the end of the file, if any: extraction may be incomplete.
    pub unclosed: Option<UnclosedBraces>,
    /// Lines of `}` at file scope that close nothing.
    pub stray_closing_braces: Vec<u32>,
    /// A comment or literal that runs to the end of the file, if any.
    pub unterminated: Option<Unterminated>,
}

impl FileFunctions {
    /// The text of name `index`.
    pub fn name(&self, index: u32) -> &str {
        self.names.get(index)
    }

    /// The names `function`'s body uses.
    pub fn uses_of(&self, function: &FunctionDef) -> &[Use] {
        &self.uses[function.uses_start as usize..function.uses_end as usize]
    }
}

/// Which identifiers give contexts: marker macros invoked in a body, and attribute words in a
/// declaration.
#[derive(Debug, Clone, Default)]
pub struct Recognizer {
    markers: FxHashMap<Box<[u8]>, ContextId>,
    attributes: FxHashMap<Box<[u8]>, ContextSet>,
}

impl Recognizer {
    /// Recognises each context of `contexts` the way it says.
    pub fn new(contexts: &Contexts) -> Self {
        let mut recognizer = Recognizer::default();
        for (id, context) in contexts.iter() {
            match &context.recognition {
                Recognition::Marker(marker) => {
                    recognizer.markers.insert(marker.as_bytes().into(), id);
                }
                Recognition::Attribute(words) => {
                    for word in words {
                        let set = recognizer
                            .attributes
                            .entry(word.as_bytes().into())
                            .or_default();
                        set.insert(id);
                    }
                }
            }
        }
        recognizer
    }

    fn marker(&self, name: &[u8]) -> Option<ContextId> {
        self.markers.get(name).copied()
    }

    /// The contexts the attribute word `word` gives, if any.
    fn attribute(&self, word: &[u8]) -> Option<ContextSet> {
        if self.attributes.is_empty() {
            return None;
        }
        self.attributes.get(word).copied()
    }
}

/// Extracts the function definitions of one file's bytes. To extract many files, an
/// [`Extractor`] per thread saves the allocations this makes each time.
pub fn extract(source: &[u8], recognizer: &Recognizer) -> FileFunctions {
    Extractor::new(recognizer).extract(source)
}

/// Extracts function definitions from one file after another, reusing its tables.
pub struct Extractor<'m> {
    recognizer: &'m Recognizer,
    names: Names,
    lines: LineCounter,
}

impl<'m> Extractor<'m> {
    /// An extractor recognising the context recognizer `recognizer`.
    pub fn new(recognizer: &'m Recognizer) -> Self {
        Extractor {
            recognizer,
            names: Names::default(),
            lines: LineCounter::default(),
        }
    }

    /// Extracts the function definitions of one file's bytes.
    pub fn extract(&mut self, source: &[u8]) -> FileFunctions {
        self.names.clear();
        self.lines.reset(source);
        FilePass::new(source, self.recognizer, &mut self.names, &mut self.lines).run()
    }
}

/// C keywords that matter to the extractor; every other keyword is [`Keyword::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Static,
    Extern,
    Goto,
    /// `struct`, `union`, `enum`: a `{` after them opens a member list.
    Aggregate,
    /// A storage class or function specifier, which a K&R parameter declaration never starts
    /// with.
    Specifier,
    Other,
}

/// What an identifier is to the extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameClass {
    Plain,
    Marker(ContextId),
    Keyword(Keyword),
}

fn keyword(name: &[u8]) -> Option<Keyword> {
    Some(match name {
        b"static" => Keyword::Static,
        b"extern" => Keyword::Extern,
        b"goto" => Keyword::Goto,
        b"struct" | b"union" | b"enum" => Keyword::Aggregate,
        b"inline" | b"__inline" | b"__inline__" | b"typedef" | b"_Noreturn" | b"_Thread_local"
        | b"__thread" | b"thread_local" => Keyword::Specifier,
        b"if"
        | b"else"
        | b"while"
        | b"for"
        | b"do"
        | b"switch"
        | b"case"
        | b"default"
        | b"return"
        | b"break"
        | b"continue"
        | b"sizeof"
        | b"typeof"
        | b"__typeof__"
        | b"__typeof"
        | b"typeof_unqual"
        | b"_Alignof"
        | b"alignof"
        | b"__alignof__"
        | b"__alignof"
        | b"_Alignas"
        | b"alignas"
        | b"__attribute__"
        | b"__attribute"
        | b"__declspec"
        | b"_Generic"
        | b"_Static_assert"
        | b"static_assert"
        | b"asm"
        | b"__asm__"
        | b"__asm"
        | b"volatile"
        | b"__volatile__"
        | b"const"
        | b"__const"
        | b"restrict"
        | b"__restrict"
        | b"__restrict__"
        | b"auto"
        | b"register"
        | b"void"
        | b"char"
        | b"short"
        | b"int"
        | b"long"
        | b"float"
        | b"double"
        | b"signed"
        | b"__signed__"
        | b"unsigned"
        | b"_Bool"
        | b"bool"
        | b"_Complex"
        | b"_Atomic"
        | b"__extension__"
        | b"__builtin_va_arg"
        | b"__builtin_offsetof"
        | b"__builtin_types_compatible_p"
        | b"_Pragma"
        | b"__label__"
        | b"defined" => Keyword::Other,
        _ => return None,
    })
}

/// The hash of a name, the same in every file, so that names can be matched across files
/// without hashing them again.
pub fn name_hash(name: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(name);
    hasher.finish()
}

/// One file's identifiers, interned so that each distinct name is hashed and classified once.
/// Entries point into the source by offset, so the tables can be cleared and reused, with their
/// capacity, for the next file.
#[derive(Default)]
struct Names {
    table: HashTable<u32>,
    entries: Vec<NameEntry>,
}

struct NameEntry {
    start: usize,
    len: usize,
    hash: u64,
    class: NameClass,
    /// Number (1-based) of the last function whose body used this name, 0 if none.
    used_by: u32,
    /// Index of that use in [`FileFunctions::uses`].
    use_index: u32,
    /// Index in the file's [`NameTable`], `u32::MAX` until the name is exported.
    exported: u32,
}

impl Names {
    fn clear(&mut self) {
        self.table.clear();
        self.entries.clear();
    }

    fn intern(&mut self, source: &[u8], span: Range<usize>, recognizer: &Recognizer) -> u32 {
        let text = &source[span.clone()];
        let hash = name_hash(text);
        let entries = &self.entries;
        let same = |&id: &u32| {
            let entry = &entries[id as usize];
            entry.hash == hash && &source[entry.start..entry.start + entry.len] == text
        };
        if let Some(&id) = self.table.find(hash, same) {
            return id;
        }
        let class = match (keyword(text), recognizer.marker(text)) {
            (_, Some(context)) => NameClass::Marker(context),
            (Some(keyword), None) => NameClass::Keyword(keyword),
            (None, None) => NameClass::Plain,
        };
        let id = self.entries.len() as u32;
        self.entries.push(NameEntry {
            start: span.start,
            len: text.len(),
            hash,
            class,
            used_by: 0,
            use_index: 0,
            exported: u32::MAX,
        });
        let entries = &self.entries;
        self.table
            .insert_unique(hash, id, |&id| entries[id as usize].hash);
        id
    }

    fn class(&self, id: u32) -> NameClass {
        self.entries[id as usize].class
    }

    /// The index of name `id` in `table`, adding it on first use.
    fn export(&mut self, id: u32, source: &[u8], table: &mut NameTable) -> u32 {
        let entry = &mut self.entries[id as usize];
        if entry.exported == u32::MAX {
            entry.exported = table.push(&source[entry.start..entry.start + entry.len], entry.hash);
        }
        entry.exported
    }
}

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
}

impl Head {
    fn reset(&mut self) {
        self.candidates.clear();
        *self = Head {
            candidates: std::mem::take(&mut self.candidates),
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
    },
}

/// The state of one pass over one file.
struct FilePass<'src, 'x> {
    source: &'src [u8],
    recognizer: &'x Recognizer,
    lines: &'x mut LineCounter,
    names: &'x mut Names,
    /// What has been extracted so far.
    output: FileFunctions,
    head: Head,
    block: Block,
    /// Brace depth inside the current top-level block.
    depth: u32,
    block_line: u32,
    extern_c: u32,
    /// Brace depth at each open `#if`.
    conditionals: Vec<u32>,
    /// Nesting of the `#if 0` being skipped, 0 when live.
    dead: u32,
    /// Index of the current token.
    token_index: usize,
    /// `allow` pragmas at file scope waiting for the next definition.
    pending_allows: Vec<usize>,
    /// The previous two live tokens, with the keyword an identifier is, if any.
    prev: (Token, Option<Keyword>),
    prev2: (Token, Option<Keyword>),
}

impl<'src, 'x> FilePass<'src, 'x> {
    fn new(
        source: &'src [u8],
        recognizer: &'x Recognizer,
        names: &'x mut Names,
        lines: &'x mut LineCounter,
    ) -> Self {
        FilePass {
            source,
            recognizer,
            lines,
            names,
            output: FileFunctions::default(),
            head: Head::default(),
            block: Block::None,
            depth: 0,
            block_line: 0,
            extern_c: 0,
            conditionals: Vec::new(),
            dead: 0,
            token_index: 0,
            pending_allows: Vec::new(),
            prev: (Token::Semi, None),
            prev2: (Token::Semi, None),
        }
    }

    fn run(mut self) -> FileFunctions {
        // Directives other than conditionals change nothing here, so they are dropped before
        // the one-token lookahead: `f\n#define X 1\n(` is still a call of f.
        let mut tokens =
            Tokens::new(self.source).filter(|(t, _)| *t != Token::Directive(Directive::Other));
        let mut next = tokens.next();
        while let Some((token, span)) = next {
            next = tokens.next();
            if let Token::Directive(directive) = token {
                self.directive(directive);
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
            self.prev2 = self.prev;
            self.prev = (token, keyword);
        }
        self.finish()
    }

    fn directive(&mut self, directive: Directive) {
        if self.dead > 0 {
            match directive {
                Directive::If | Directive::IfZero => self.dead += 1,
                Directive::Endif => {
                    self.dead -= 1;
                    if self.dead == 0 {
                        self.conditionals.pop();
                    }
                }
                Directive::Elif | Directive::Else if self.dead == 1 => self.dead = 0,
                _ => {}
            }
            return;
        }
        match directive {
            Directive::IfZero => {
                self.conditionals.push(self.depth);
                self.dead = 1;
            }
            Directive::If => self.conditionals.push(self.depth),
            Directive::Elif | Directive::Else => {
                if let Some(&depth) = self.conditionals.last() {
                    self.restore_depth(depth);
                }
            }
            Directive::Endif => {
                self.conditionals.pop();
            }
            Directive::Other => {}
        }
    }

    /// Sets the brace depth back to its value at the `#if` of the branch that just ended.
    fn restore_depth(&mut self, depth: u32) {
        if depth == self.depth {
            return;
        }
        if depth == 0 {
            self.close_block();
        } else if self.depth == 0 {
            // The branch closed a block opened before the `#if`; the next branch closes it
            // again, and what it holds is not a function we can still record.
            self.block = Block::Other { keeps_head: false };
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
                if head.paren == 0
                    && let Some(contexts) = self.recognizer.attribute(&self.source[span.clone()])
                {
                    head.attributes.extend(contexts);
                }
                match keyword {
                    Some(Keyword::Static) if head.paren == 0 => head.is_static = true,
                    Some(Keyword::Aggregate) if head.paren == 0 => {
                        head.aggregate = Some(self.token_index);
                    }
                    _ => {}
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
                head.paren += 1;
            }
            Token::RParen => {
                head.paren = head.paren.saturating_sub(1);
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
                    head.knr = head.plain_group && next_is_type;
                }
            }
            Token::Semi if head.paren == 0 && (!head.knr || head.has_assign) => {
                self.end_declaration();
            }
            Token::Assign if head.paren == 0 => head.has_assign = true,
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
    /// function with attribute contexts.
    fn end_declaration(&mut self) {
        self.pending_allows.clear();
        let head = &self.head;
        if !head.attributes.is_empty()
            && !head.has_assign
            && let Some(candidate) = head.function_name()
        {
            let prototype = Prototype {
                name: self
                    .names
                    .export(candidate.name, self.source, &mut self.output.names),
                line: candidate.line,
                is_static: head.is_static,
                contexts: head.attributes,
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
            _ if head.paren > 0 || head.has_assign => Block::Other { keeps_head: true },
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
                Block::Function(FunctionDef {
                    name: self
                        .names
                        .export(candidate.name, self.source, &mut self.output.names),
                    line: candidate.line,
                    column: candidate.column,
                    is_static: head.is_static,
                    markers: ContextSet::default(),
                    attributes: head.attributes,
                    uses_start,
                    uses_end: uses_start,
                })
            }
            _ => Block::Other {
                keeps_head: head.aggregate.is_some(),
            },
        };
        self.depth = 1;
        self.block_line = self.lines.line_at(offset);
    }

    /// Handles a token inside a top-level block; returns the keyword it is, if any.
    fn in_block(
        &mut self,
        token: Token,
        span: Range<usize>,
        next: Option<Token>,
    ) -> Option<Keyword> {
        match token {
            Token::LBrace => self.depth += 1,
            Token::RBrace => {
                self.depth -= 1;
                if self.depth == 0 {
                    self.close_block();
                }
            }
            Token::Ident if matches!(self.block, Block::Function(_)) => {
                return self.body_identifier(span, next);
            }
            _ => {}
        }
        None
    }

    /// Records what an identifier in a function body means; returns the keyword it is, if any.
    fn body_identifier(&mut self, span: Range<usize>, next: Option<Token>) -> Option<Keyword> {
        let member = matches!(self.prev.0, Token::Dot | Token::Arrow);
        let goto_label = self.prev == (Token::Ident, Some(Keyword::Goto));
        let label = next == Some(Token::Colon)
            && matches!(self.prev.0, Token::Semi | Token::LBrace | Token::RBrace);
        // What a member is accessed on, what is assigned to and what a declaration starts with
        // is never a function: such names need not be interned.
        let not_a_function = matches!(
            next,
            Some(Token::Dot | Token::Arrow | Token::Assign | Token::Ident)
        );
        if member || goto_label || label {
            return None;
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
        match self.names.class(name) {
            NameClass::Keyword(keyword) => return Some(keyword),
            NameClass::Marker(context) if called => function.markers.insert(context),
            NameClass::Marker(_) | NameClass::Plain => {
                let kind = if called {
                    UseKind::Call
                } else {
                    UseKind::Reference
                };
                let stamp = self.output.functions.len() as u32 + 1;
                let uses = &mut self.output.uses;
                let entry = &self.names.entries[name as usize];
                if entry.used_by == stamp {
                    let earlier = &mut uses[entry.use_index as usize];
                    if kind == UseKind::Call && earlier.kind == UseKind::Reference {
                        earlier.kind = UseKind::Call;
                        (earlier.line, earlier.column) = self.lines.position_at(offset);
                    }
                } else {
                    let exported = self.names.export(name, self.source, &mut self.output.names);
                    let entry = &mut self.names.entries[name as usize];
                    entry.used_by = stamp;
                    entry.use_index = uses.len() as u32;
                    let (line, column) = self.lines.position_at(offset);
                    uses.push(Use {
                        name: exported,
                        kind,
                        line,
                        column,
                    });
                    function.uses_end = uses.len() as u32;
                }
            }
        }
        None
    }

    fn close_block(&mut self) {
        let block = std::mem::replace(&mut self.block, Block::None);
        self.depth = 0;
        match block {
            Block::Function(function) => {
                self.output.functions.push(function);
                self.head.reset();
            }
            Block::Other { keeps_head: true } => {}
            Block::Other { keeps_head: false } | Block::None => self.head.reset(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::qemu_block;

    /// (name, line, static, contexts, calls, references) of each definition.
    type Summary = (String, u32, bool, Vec<String>, Vec<String>, Vec<String>);

    fn summarize(source: &str) -> Vec<Summary> {
        let (contexts, _) = qemu_block();
        let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
        file.functions
            .iter()
            .map(|f| {
                let uses = |kind| {
                    file.uses_of(f)
                        .iter()
                        .filter(|u| u.kind == kind)
                        .map(|u| file.name(u.name).to_string())
                        .collect()
                };
                (
                    file.name(f.name).to_string(),
                    f.line,
                    f.is_static,
                    f.markers
                        .iter()
                        .map(|c| contexts.name(c).to_string())
                        .collect(),
                    uses(UseKind::Call),
                    uses(UseKind::Reference),
                )
            })
            .collect()
    }

    fn names(source: &str) -> Vec<String> {
        summarize(source).into_iter().map(|s| s.0).collect()
    }

    fn calls_of(source: &str, function: &str) -> Vec<String> {
        summarize(source)
            .into_iter()
            .find(|s| s.0 == function)
            .map(|s| s.4)
            .unwrap_or_else(|| panic!("{function} not found"))
    }

    #[test]
    fn simple_definition() {
        let got = summarize("static int\nf(int a)\n{\n    IO_CODE();\n    return g(a, h);\n}\n");
        let expected: Summary = (
            "f".into(),
            2,
            true,
            vec!["IO_CODE".into()],
            vec!["g".into()],
            vec!["a".into(), "h".into()],
        );
        assert_eq!(got, vec![expected]);
    }

    #[test]
    fn prototypes_and_declarations_are_not_definitions() {
        let source = "int f(int);\nextern int x;\nint (*fp)(void);\nint g(void) { return 0; }";
        assert_eq!(names(source), ["g"]);
    }

    #[test]
    fn initializers_and_aggregates_are_not_definitions() {
        let source = "static const S s = { f(1), { g(2) } };\n\
            struct S { int (*cb)(int); int x; };\n\
            typedef union U { struct { int a; } b; } U;\n\
            enum E { A = sizeof(int), B };\n\
            S t[] = { [0] = { h() } };\n\
            struct S *make(struct S *s, union U u) { return 0; }\n\
            struct T { int a; } *other(void) { return 0; }\n";
        assert_eq!(names(source), ["make", "other"]);
    }

    #[test]
    fn words_before_the_name_and_attributes() {
        let source = "static inline coroutine_fn GRAPH_RDLOCK int QEMU_WARN_UNUSED_RESULT\n\
            bdrv_co_f(BlockDriverState *bs,\n          int flags)\n{ }\n\
            void G_GNUC_PRINTF(2, 3) report(int level, const char *fmt, ...) { }\n\
            int __attribute__((noinline)) attributed(void) __attribute__((cold)) { }\n";
        let got = summarize(source);
        assert_eq!(got[0].0, "bdrv_co_f");
        assert_eq!(got[0].1, 2);
        assert!(got[0].2);
        assert_eq!(names(source), ["bdrv_co_f", "report", "attributed"]);
    }

    #[test]
    fn function_returning_function_pointer() {
        assert_eq!(
            names("void (*get_cb(int n))(void) { return 0; }"),
            ["get_cb"]
        );
        assert_eq!(
            names("static int (*pick(int (*a)(void), int b))(int) { }"),
            ["pick"]
        );
    }

    #[test]
    fn knr_definitions() {
        let source = "int old(a, b)\n  int a;\n  char *b;\n{\n  return f(a);\n}\n\
            MACRO(x, y)\nstatic int v;\nint next(void) { }\n";
        let got = summarize(source);
        assert_eq!(names(source), ["old", "next"]);
        assert_eq!(got[0].4, ["f"]);
        assert!(!got[1].2, "`static int v;` belongs to its own declaration");
    }

    #[test]
    fn attributes_after_parameters_end_a_prototype() {
        let (contexts, _) = crate::config::qemu_block();
        let mut all = contexts.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>();
        all.push(crate::context::Context {
            name: "coroutine_fn".into(),
            recognition: Recognition::Attribute(vec!["coroutine_fn".into()]),
        });
        let contexts = Contexts::new(all).unwrap();
        let source = "int a(int x) coroutine_fn;\nint b(x, y) coroutine_fn;\nvoid c(void);\n";
        let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
        let names: Vec<_> = file.prototypes.iter().map(|p| file.name(p.name)).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn macro_invocation_without_semicolon_before_definition() {
        let source = "type_init(register_types)\nstatic void later(void) { g(); }\n";
        assert_eq!(names(source), ["later"]);
        assert!(summarize(source)[0].2);
    }

    #[test]
    fn extern_c_is_transparent() {
        let source = "extern \"C\" {\nint f(void) { return g(); }\n}\nint h(void) { }\n";
        assert_eq!(names(source), ["f", "h"]);
    }

    #[test]
    fn calls_and_references_in_the_body() {
        let source = "void f(void) {\n\
            WITH_QEMU_LOCK_GUARD(&m) { locked(); }\n\
            aio_bh_schedule_oneshot(ctx, my_bh_cb, &data);\n\
            x = ASSERT(inner(1));\n\
            cb = &other_cb;\n\
            s->member(1); s.field = 2; p->next->fn(3);\n\
            if (a) while (b) for (;;) switch (c) { }\n\
            return sizeof(int) + typeof(y) + __typeof__(z);\n\
            goto out;\n\
            out: done(); t = u ? v : w;\n}\n";
        let got = summarize(source);
        assert_eq!(
            got[0].4,
            [
                "WITH_QEMU_LOCK_GUARD",
                "locked",
                "aio_bh_schedule_oneshot",
                "ASSERT",
                "inner",
                "done"
            ]
        );
        assert_eq!(
            got[0].5,
            [
                "m", "ctx", "my_bh_cb", "data", "other_cb", "a", "b", "c", "y", "z", "u", "v", "w"
            ],
            "assigned names and names accessed through are never functions"
        );
    }

    #[test]
    fn each_name_is_recorded_once_and_calls_win() {
        let source = "void f(void) {\n run(g);\n g();\n g();\n}\n";
        let (contexts, _) = qemu_block();
        let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
        let uses = file.uses_of(&file.functions[0]);
        assert_eq!(uses.len(), 2, "run and g");
        assert_eq!(file.name(uses[1].name), "g");
        assert_eq!((uses[1].kind, uses[1].line), (UseKind::Call, 3));
    }

    #[test]
    fn markers_give_contexts_only_when_invoked() {
        let source = "void f(void) { GLOBAL_STATE_CODE(); IO_OR_GS_CODE(); }\n\
            void g(void) { int IO_CODE; }\n";
        let got = summarize(source);
        assert_eq!(got[0].3, ["GLOBAL_STATE_CODE", "IO_OR_GS_CODE"]);
        assert!(got[0].4.is_empty(), "recognizer are not calls");
        assert!(got[1].3.is_empty());
    }

    #[test]
    fn define_bodies_are_not_code() {
        let source = "#define F(x) \\\n  void fake(void) { g(); }\n\
            #define BODY { real_in_macro(); }\nvoid f(void) { h(); }\n";
        assert_eq!(names(source), ["f"]);
        assert_eq!(calls_of(source, "f"), ["h"]);
    }

    #[test]
    fn directive_between_name_and_parenthesis() {
        let source = "void f(void) {\n  g\n#define X 1\n  (1);\n}\n";
        assert_eq!(calls_of(source, "f"), ["g"]);
    }

    #[test]
    fn if_zero_is_dead_code() {
        let source = "#if 0\nvoid dead(void) { }\n#if 1\nvoid dead2(void) { }\n#endif\n\
            #else\nvoid alive(void) { }\n#endif\n\
            void f(void) {\n#if 0\n  g();\n#elif X\n  h();\n#endif\n}\n";
        assert_eq!(names(source), ["alive", "f"]);
        assert_eq!(calls_of(source, "f"), ["h"]);
    }

    #[test]
    fn branches_restore_brace_depth() {
        let source = "#ifdef A\nvoid f(int a) {\n#else\nvoid f(void) {\n#endif\n  g();\n}\n\
            void after(void) { h(); }\n";
        assert_eq!(names(source), ["f", "f", "after"]);
        assert_eq!(calls_of(source, "after"), ["h"]);
        let source = "void f(void) {\n  if (x) {\n#ifdef A\n  }\n#else\n  }\n#endif\n  g();\n}\n\
            void after(void) { }\n";
        assert_eq!(names(source), ["f", "after"]);
        assert_eq!(calls_of(source, "f"), ["g"]);
    }

    #[test]
    fn unbalanced_braces_are_reported() {
        let (contexts, _) = qemu_block();
        let recognizer = Recognizer::new(&contexts);
        let open = extract(b"void f(void) {\n  if (x) {\n", &recognizer);
        assert_eq!(open.unclosed, Some(UnclosedBraces { count: 2, line: 1 }));
        assert_eq!(
            open.functions.len(),
            1,
            "the open function is still recorded"
        );
        let stray = extract(b"}\nvoid f(void) { }\n}\n", &recognizer);
        assert_eq!(stray.stray_closing_braces, [1, 3]);
        assert_eq!(stray.functions.len(), 1);
    }

    #[test]
    fn unterminated_comment_or_literal_is_reported() {
        let (contexts, _) = qemu_block();
        let recognizer = Recognizer::new(&contexts);
        let comment = extract(
            b"void f(void) { }\n/* open\nvoid g(void) { }\n",
            &recognizer,
        );
        assert_eq!(
            comment.unterminated,
            Some(Unterminated {
                comment: true,
                line: 2
            })
        );
        assert_eq!(comment.functions.len(), 1);
        let literal = extract(b"void f(void) {\n  s = \"abc", &recognizer);
        let expected = Unterminated {
            comment: false,
            line: 2,
        };
        assert_eq!(literal.unterminated, Some(expected));
        assert_eq!(extract(b"int x;", &recognizer).unterminated, None);
    }

    #[test]
    fn pragmas_speak_for_their_function() {
        let (contexts, _) = qemu_block();
        let source = "/* callcheck: allow(GLOBAL_STATE_CODE, IO_CODE) runs in a BH */\n\
            static void\nf(void)\n{\n    g(); // callcheck: ignore only at startup\n}\n\
            void h(void) {\n    // callcheck: allow(IO_OR_GS_CODE)\n}\n\
            // callcheck: allow(X) too far\nint x;\nvoid k(void) { }\n\
            #if 0\n// callcheck: ignore dead\n#endif\n/* callcheck: bogus */\n";
        let file = extract(source.as_bytes(), &Recognizer::new(&contexts));
        let allow = |names: &[&str], function| PragmaKind::Allow {
            contexts: names.iter().map(|n| n.to_string()).collect(),
            function,
        };
        let got: Vec<_> = file
            .pragmas
            .iter()
            .map(|p| (p.kind.clone(), p.line, p.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    allow(&["GLOBAL_STATE_CODE", "IO_CODE"], Some(0)),
                    1,
                    "runs in a BH"
                ),
                (PragmaKind::Ignore, 5, "only at startup"),
                (allow(&["IO_OR_GS_CODE"], Some(1)), 8, ""),
                (allow(&["X"], None), 10, "too far"),
                (PragmaKind::Unrecognised, 16, "bogus"),
            ]
        );
    }

    #[test]
    fn lexing_traps_do_not_derail() {
        let source = "void f(void) {\n  char c = '{';\n  char d = '\"';\n  s = \"}\\\"{\";\n\
            /* } */ // }\n  g();\n}\nvoid h(void) { }\n";
        assert_eq!(names(source), ["f", "h"]);
        assert_eq!(calls_of(source, "f"), ["g"]);
    }

    #[test]
    fn lines_survive_crlf_and_cr() {
        let source = "int a;\r\n\r\nvoid f(void)\r\n{\r\n}\rvoid g(void) {}\r";
        let got = summarize(source);
        assert_eq!((got[0].1, got[1].1), (3, 6));
    }
}
