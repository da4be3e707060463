//! Tokens to function definitions.
//!
//! A single pass over one file's tokens, with no preprocessor and no parser: at file scope it
//! watches declaration heads for an identifier followed by a parameter list and then `{`; inside
//! a function body it records the marker macros invoked (the function's contexts) and every name
//! the body uses, as a call (`name(`) or as a reference (any other mention).
//!
//! Preprocessor conditionals are evaluated where the answer is known (`#if 0`, a switch the
//! configuration decides, a macro the file defines): a branch known not to be taken is dead.
//! Where it is unknown every branch is read, and brace depth is reset at `#elif`/`#else` to its
//! value at the `#if`, so a brace opened in both branches counts once.

mod condition;
mod define;
mod include;
mod le_words;
mod names;
mod pass;
mod pragma;
mod template;
mod uses;

pub use condition::Switches;
pub use include::Include;
pub use names::{NameTable, is_keyword, name_hash};
pub use pragma::{Pragma, PragmaKind};
pub use template::{MacroToken, Punct, TokenKind};
pub use uses::{Use, UseList};

use crate::context::{ContextId, ContextSet, Contexts, Recognition};
use crate::lexer::LineCounter;
use crate::model::{Constant, ParamCondition};
use names::Names;
use pass::FilePass;
use rustc_hash::FxHashMap;
use thin_vec::ThinVec;

/// A run of name indices in [`FileFunctions::words`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WordRange {
    /// First index.
    pub start: u32,
    /// One past the last index.
    pub end: u32,
}

/// A function definition found at file scope.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The other identifiers of its declaration head outside parentheses (types, macros and
    /// words that may be attribute aliases), without keywords and its own name.
    pub words: WordRange,
    /// Where the body's uses are in [`FileFunctions::uses`]: `uses_start..uses_end`, in order
    /// of first use.
    pub uses_start: u32,
    /// End of the range started by `uses_start`.
    pub uses_end: u32,
}

/// Braces still open at the end of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnclosedBraces {
    /// How many were open.
    pub count: u32,
    /// Line of the outermost unclosed `{`.
    pub line: u32,
}

/// A prototype (a declaration without body) that carries attribute contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prototype {
    /// Index into [`FileFunctions::names`].
    pub name: u32,
    /// 1-based line of the declared name.
    pub line: u32,
    /// 1-based byte column of the declared name.
    pub column: u32,
    /// Declared `static`: it speaks only for a definition in its own file.
    pub is_static: bool,
    /// The attribute contexts it carries.
    pub contexts: ContextSet,
    /// The other identifiers of its head, as for [`FunctionDef::words`] (never empty if
    /// `contexts` is).
    pub words: WordRange,
}

/// A function-like macro whose body invokes markers or calls functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MacroDef {
    /// Index into [`FileFunctions::names`].
    pub name: u32,
    /// Line of its `#define`.
    pub line: u32,
    /// The contexts whose markers its body invokes.
    pub markers: ContextSet,
    /// The names its body calls (not its parameters), once each, in [`FileFunctions::words`].
    pub calls: WordRange,
}

/// A run of tokens in [`FileFunctions::macro_tokens`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenRange {
    /// First index.
    pub start: u32,
    /// One past the last index.
    pub end: u32,
}

/// A function-like macro's parameters and body, kept when the body invokes something, pastes
/// tokens or opens a brace: what expanding an invocation of it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MacroTemplate {
    /// Index into [`FileFunctions::names`].
    pub name: u32,
    /// How many parameters it takes (`...` counts as one, the last).
    pub params: u32,
    /// The last parameter takes the rest of the arguments (`...`, or GNU `args...`).
    pub variadic: bool,
    /// Its body's tokens.
    pub body: TokenRange,
}

/// An invocation of a function-like macro at file scope, `NAME(args)` starting a declaration:
/// it may define functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileInvocation {
    /// Index into [`FileFunctions::names`] of the invoked name.
    pub name: u32,
    /// 1-based line of the name.
    pub line: u32,
    /// 1-based byte column of the name.
    pub column: u32,
    /// The tokens between its parentheses.
    pub args: TokenRange,
}

/// An object-like macro whose body is only identifiers: a possible attribute alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Alias {
    /// Index into [`FileFunctions::names`].
    pub name: u32,
    /// Line of its `#define`.
    pub line: u32,
    /// The words it stands for, in [`FileFunctions::words`].
    pub words: WordRange,
}

/// A function-pointer member declared in a struct body at file scope: `int (*name)(...);`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldDecl {
    /// The struct's tag, if it has one (index into [`FileFunctions::names`]).
    pub struct_type: Option<u32>,
    /// The member's name.
    pub field: u32,
    /// 1-based line of the member's name.
    pub line: u32,
    /// 1-based byte column of the member's name.
    pub column: u32,
    /// The attribute contexts written on the member's declaration.
    pub attributes: ContextSet,
}

/// The access path of a member call, `bs->drv->open(...)`, from a variable whose declaration
/// shows its type (`BlockDriverState *bs`) or from a cast macro (`BLOCK_JOB(obj)->driver`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemberPath {
    /// Index of the member call in [`FileFunctions::uses`].
    pub use_index: u32,
    /// Where the path starts.
    pub base: PathBase,
    /// The members between it and the field (`drv`), in [`FileFunctions::words`].
    pub through: WordRange,
}

/// Where an access path starts (names are indices into [`FileFunctions::names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PathBase {
    /// A variable whose declaration shows its struct type.
    Type(u32),
    /// A name the function does not declare: a variable declared at file scope, whose type the
    /// graph looks up among the [`GlobalVariable`]s of every file.
    Global(u32),
    /// The result of a function-like macro, `NAME(arg, ...)`, which the graph looks up among the
    /// cast macros; the first argument if it is a plain identifier (`OBJECT_CHECK(Type, ...)`).
    Cast {
        /// The macro's name.
        name: u32,
        /// The first argument, if it is one identifier.
        first_arg: Option<u32>,
    },
}

/// A typed member of a struct body: `struct BlockDriverState { BlockDriver *drv; }`, or a
/// member held by value, `struct BlockJob { Job job; }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PointerMember {
    /// The struct's tag, or the name a `typedef struct { ... } Name;` gives it.
    pub struct_type: u32,
    /// The member's name.
    pub member: u32,
    /// The type it points to (or is).
    pub pointee: u32,
    /// 1-based line of the member's name.
    pub line: u32,
    /// 1-based byte column of the member's name.
    pub column: u32,
}

/// A variable declared at file scope with a named type: `extern struct xenstore_backend_ops
/// *xen_xenstore_ops;`, `static const VMStateInfo info = { ... };`, an array `static T table[]`
/// (the type of its elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GlobalVariable {
    /// The variable's name.
    pub name: u32,
    /// The type it is declared with (a struct tag or a typedef name), or points to.
    pub type_name: u32,
}

/// A typedef of a function type, `typedef void coroutine_fn CoroutineEntry(void *);`, or of a
/// pointer to one, `typedef int (*Fn)(void);`: a struct member of that type is a callback field
/// that carries the typedef's attribute contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FunctionType {
    /// The typedef's name.
    pub name: u32,
    /// The attribute contexts written on it.
    pub attributes: ContextSet,
}

/// A typedef that names another type: `typedef struct IRQState *qemu_irq;`,
/// `typedef struct BlockDriverState BDS;`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TypeAlias {
    /// The name the typedef declares.
    pub name: u32,
    /// The type it names (a struct tag or another typedef).
    pub target: u32,
}

/// What a function-like macro casts its result to, as far as its body shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CastTarget {
    /// A named type: `((BlockJob *)(obj))`.
    Type(u32),
    /// The type its first parameter names: `((type *)object_dynamic_cast_assert(...))`.
    FirstParam,
    /// What another macro casts to, given a first argument: `OBJECT_CHECK(FooState, obj, ...)`
    /// (`arg` is the named type, or `None` for the macro's own first parameter).
    Via {
        /// The macro its body invokes.
        name: u32,
        /// The first argument it passes, a type name; `None` if it is the first parameter.
        arg: Option<u32>,
    },
}

/// A function-like macro whose result has a struct type: a cast macro defined by `#define`, or
/// one that a QOM declaration (`OBJECT_DECLARE_TYPE(BlockJob, BlockJobClass, BLOCK_JOB)`)
/// defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CastMacro {
    /// The macro's name, without the suffix below.
    pub name: u32,
    /// What a QOM declaration appends to the name (`_CLASS`, `_GET_CLASS`), if anything.
    pub suffix: CastSuffix,
    /// What it casts to.
    pub target: CastTarget,
}

/// The suffix QOM declarations append to the name of the macros they define.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CastSuffix {
    /// `BLOCK_JOB(obj)`.
    None,
    /// `BLOCK_JOB_CLASS(klass)`.
    Class,
    /// `BLOCK_JOB_GET_CLASS(obj)`.
    GetClass,
}

impl CastSuffix {
    /// The text appended to the macro's name.
    pub fn text(self) -> &'static str {
        match self {
            CastSuffix::None => "",
            CastSuffix::Class => "_CLASS",
            CastSuffix::GetClass => "_GET_CLASS",
        }
    }
}

/// A function bound to a callback field: `.name = fn` in an initializer, or `x->name = fn;`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldBinding {
    /// The struct type, where the initializer shows it (`static BlockDriver drv = { ... }`), or
    /// the type the assigned object's access path starts from (`BlockDriver *drv` ...
    /// `drv->open = fn`; `BlockDriverState *bs` ... `bs->drv->open = fn`).
    pub struct_type: Option<u32>,
    /// The pointer members between `struct_type` and the field (`drv` in `bs->drv->open`),
    /// whose types the graph looks up; empty when `struct_type` is the field's own struct.
    pub through: WordRange,
    /// The field's name.
    pub field: u32,
    /// The name bound to it.
    pub target: u32,
    /// 1-based line of the bound name.
    pub line: u32,
    /// 1-based byte column of the bound name.
    pub column: u32,
}

/// A comment or literal that runs to the end of its file: everything after its start was
/// skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Unterminated {
    /// `true` for a block comment, `false` for a string or character literal.
    pub comment: bool,
    /// Line where it starts.
    pub line: u32,
}

/// Everything extracted from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileFunctions {
    /// The names of the definitions and of what they use.
    pub names: NameTable,
    /// The definitions, in source order.
    pub functions: ThinVec<FunctionDef>,
    /// The uses of all definitions, each definition's in one run. [`Graph::build`] takes them
    /// out and frees them once they are resolved, so a graph's files hold none.
    ///
    /// [`Graph::build`]: crate::graph::Graph::build
    pub uses: UseList,
    /// The prototypes with attribute contexts or head words, in source order.
    pub prototypes: ThinVec<Prototype>,
    /// Name indices that [`WordRange`]s point into.
    pub words: ThinVec<u32>,
    /// Function-like macros that invoke markers or call something, in source order.
    pub macros: ThinVec<MacroDef>,
    /// Object-like macros whose body is only identifiers, in source order.
    pub aliases: ThinVec<Alias>,
    /// Function-like macros that may define functions or make names, in source order.
    pub templates: ThinVec<MacroTemplate>,
    /// Invocations of function-like macros at file scope, in source order.
    pub invocations: ThinVec<FileInvocation>,
    /// The tokens [`MacroTemplate`]s and [`FileInvocation`]s refer to.
    pub macro_tokens: ThinVec<MacroToken>,
    /// Function-pointer members of struct bodies, in source order.
    pub field_decls: ThinVec<FieldDecl>,
    /// Functions bound to callback fields, in source order.
    pub field_bindings: ThinVec<FieldBinding>,
    /// The access paths of member calls whose object's declaration shows its type, by use index.
    pub member_paths: ThinVec<MemberPath>,
    /// Typed members of struct bodies, `Type *name;` or `Type name;`, which give access paths
    /// their types.
    pub pointer_members: ThinVec<PointerMember>,
    /// Typedefs of function types, in source order.
    pub function_types: ThinVec<FunctionType>,
    /// Cast macros and the macros of QOM declarations, in source order.
    pub cast_macros: ThinVec<CastMacro>,
    /// Typedefs that name another type, in source order.
    pub type_aliases: ThinVec<TypeAlias>,
    /// Variables declared at file scope with a named type, in source order.
    pub globals: ThinVec<GlobalVariable>,
    /// The uses that run only under a test of one of their function's parameters: (index in
    /// [`FileFunctions::uses`], condition), by use. Empty unless [`Extras::arguments`].
    pub use_conditions: ThinVec<(u32, ParamCondition)>,
    /// The constant arguments that every call of a use passes: (use index, position from 0,
    /// value), by use then position.
    pub call_constants: ThinVec<(u32, u8, Constant)>,
    /// The contexts whose markers a definition invokes only under a test of one of its
    /// parameters: (index in [`FileFunctions::functions`], context, condition).
    pub marker_conditions: ThinVec<(u32, ContextId, ParamCondition)>,
    /// The `callcheck:` comments outside `#if 0` code, in source order.
    pub pragmas: ThinVec<Pragma>,
    /// The `#include` directives outside `#if 0` code, in source order.
    pub includes: ThinVec<Include>,
    /// Braces left open at the end of the file, if any: extraction may be incomplete.
    pub unclosed: Option<UnclosedBraces>,
    /// Lines of `}` at file scope that close nothing.
    pub stray_closing_braces: ThinVec<u32>,
    /// A comment or literal that runs to the end of the file, if any.
    pub unterminated: Option<Unterminated>,
    /// Conditions of live `#if`/`#elif` directives whose truth was known.
    pub conditions_decided: u32,
    /// Conditions of live `#if`/`#elif` directives left unknown (every branch read).
    pub conditions_open: u32,
    /// Its definitions' uses are not known: their bodies were skimmed, not read
    /// ([`Recognizer::skim_bodies`]), or their uses were dropped ([`FileFunctions::drop_uses`],
    /// [`FileFunctions::keep_uses_of`]), all but those of [`FileFunctions::known_definitions`].
    pub skimmed: bool,
    /// In a skimmed file, the definitions whose uses are known all the same (a check kept
    /// them: [`FileFunctions::keep_uses_of`]), by index in [`FileFunctions::functions`],
    /// ascending.
    pub known_definitions: ThinVec<u32>,
}

impl FileFunctions {
    /// The text of name `index`.
    pub fn name(&self, index: u32) -> &str {
        self.names.get(index)
    }

    /// The names `function`'s body uses.
    pub fn uses_of(&self, function: &FunctionDef) -> impl ExactSizeIterator<Item = Use> + '_ {
        self.uses.range(function.uses_start, function.uses_end)
    }

    /// The name indices of `range`.
    pub fn words(&self, range: WordRange) -> &[u32] {
        &self.words[range.start as usize..range.end as usize]
    }

    /// The tokens of `range`.
    pub fn macro_tokens(&self, range: TokenRange) -> &[MacroToken] {
        &self.macro_tokens[range.start as usize..range.end as usize]
    }

    /// Forgets what its bodies use, as if they had been skimmed: for a check that knows no
    /// function it checks reaches this file's (see [`crate::demand`]).
    pub fn drop_uses(&mut self) {
        self.uses = UseList::default();
        self.use_conditions = ThinVec::new();
        self.call_constants = ThinVec::new();
        self.member_paths = ThinVec::new();
        for function in &mut self.functions {
            function.uses_start = 0;
            function.uses_end = 0;
        }
        self.skimmed = true;
        self.known_definitions = ThinVec::new();
    }

    /// Forgets what the bodies of its definitions but those `kept` lists (by index, ascending)
    /// use, as if they had been skimmed: for a check that knows only those are reached (see
    /// [`crate::demand`]). The uses stay in place, so that what points at them by index still
    /// does; the forgotten definitions just no longer own any.
    pub fn keep_uses_of(&mut self, kept: &[u32]) {
        let mut kept_iter = kept.iter().peekable();
        for (at, function) in self.functions.iter_mut().enumerate() {
            if kept_iter.next_if_eq(&&(at as u32)).is_none() {
                function.uses_end = function.uses_start;
            }
        }
        self.known_definitions = kept.iter().copied().collect();
        self.skimmed = true;
    }

    /// The uses that are known (see [`FileFunctions::uses_known`]): all of them in a file read
    /// in full, none in one skimmed, those of [`FileFunctions::known_definitions`] in one whose
    /// uses were kept in part.
    pub fn known_uses(&self) -> impl Iterator<Item = Use> + '_ {
        let all = (!self.skimmed).then(|| self.uses.iter());
        let kept = (self.known_definitions.iter())
            .flat_map(|&at| self.uses_of(&self.functions[at as usize]));
        all.into_iter().flatten().chain(kept)
    }

    /// True if the uses of definition `index` (in [`FileFunctions::functions`]) are known.
    pub fn uses_known(&self, index: u32) -> bool {
        !self.skimmed || self.known_definitions.binary_search(&index).is_ok()
    }

    /// Forgets its definitions, and their uses: for a check that knows no function it checks
    /// can reach or mean them, and that none carries a context (see [`crate::demand`]).
    pub fn drop_definitions(&mut self) {
        self.drop_uses();
        self.functions = ThinVec::new();
    }

    /// Empties every list but keeps its memory, so the next file's extraction reuses it.
    fn clear(&mut self) {
        let FileFunctions {
            names,
            functions,
            uses,
            prototypes,
            words,
            macros,
            aliases,
            templates,
            invocations,
            macro_tokens,
            field_decls,
            field_bindings,
            member_paths,
            pointer_members,
            function_types,
            cast_macros,
            type_aliases,
            globals,
            use_conditions,
            call_constants,
            marker_conditions,
            pragmas,
            includes,
            unclosed,
            stray_closing_braces,
            unterminated,
            conditions_decided,
            conditions_open,
            skimmed,
            known_definitions,
        } = self;
        names.clear();
        functions.clear();
        uses.clear();
        prototypes.clear();
        words.clear();
        macros.clear();
        aliases.clear();
        templates.clear();
        invocations.clear();
        macro_tokens.clear();
        field_decls.clear();
        field_bindings.clear();
        member_paths.clear();
        pointer_members.clear();
        function_types.clear();
        cast_macros.clear();
        type_aliases.clear();
        globals.clear();
        use_conditions.clear();
        call_constants.clear();
        marker_conditions.clear();
        pragmas.clear();
        includes.clear();
        *unclosed = None;
        stray_closing_braces.clear();
        *unterminated = None;
        *conditions_decided = 0;
        *conditions_open = 0;
        *skimmed = false;
        known_definitions.clear();
    }
}

/// What extraction records besides definitions, their uses and the prototypes that carry
/// attributes; each costs time, so only what the graph will use is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extras {
    /// Member calls, functions bound to fields, and function-pointer members of structs.
    pub fields: bool,
    /// Function-like macros that invoke markers or call functions, their templates, and the
    /// invocations of macros at file scope.
    pub macros: bool,
    /// Object-like macros whose body is only identifiers.
    pub aliases: bool,
    /// The words of declaration heads, and every prototype that has some (for aliases and
    /// generated wrappers).
    pub head_words: bool,
    /// The uses that run only under a test of a parameter, and the calls' constant arguments
    /// ([`FileFunctions::use_conditions`] and the lists after it).
    pub arguments: bool,
}

impl Extras {
    /// Everything.
    pub const ALL: Extras = Extras {
        fields: true,
        macros: true,
        aliases: true,
        head_words: true,
        arguments: true,
    };
}

/// What a `[[deferred]]` call is, as far as extraction must know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeferredCall<'c> {
    /// The call.
    pub callee: Callee<'c>,
    /// The argument positions it defers, as a bit set (bit `n - 1` for position `n`).
    pub arguments: u64,
}

/// The called name of a call: a function (or function-like macro), or a member call's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee<'c> {
    /// `name(...)`.
    Function(&'c str),
    /// `x->name(...)` or `x.name(...)`.
    Field(&'c str),
}

/// Which identifiers give contexts (marker macros invoked in a body, and attribute words in a
/// declaration), and what else to record.
#[derive(Debug, Clone)]
pub struct Recognizer {
    markers: FxHashMap<Box<[u8]>, ContextId>,
    attributes: FxHashMap<Box<[u8]>, ContextSet>,
    /// The `[[guard]]` conditions, whose `if` branches are told apart.
    guards: Vec<Box<[u8]>>,
    /// The `[[deferred]]` calls by function name, and by field name: their entry's index plus 1.
    deferring_functions: FxHashMap<Box<[u8]>, u16>,
    deferring_fields: FxHashMap<Box<[u8]>, u16>,
    /// The argument positions each `[[deferred]]` entry defers, as bit sets.
    deferred_arguments: Vec<u64>,
    /// What else extraction records.
    pub extras: Extras,
    /// Where callback fields are not recorded, nothing in an initializer or a struct body is
    /// but its braces, directives and `callcheck:` comments: the rest is skipped without being
    /// cut into tokens (see [`crate::scanner::Scanner::skip_braced`]). On unless turned off to
    /// check that skipping changes nothing, as the tests do.
    pub skip_braced: bool,
    /// Skim the function bodies of a file that mentions no marker and no `callcheck:`
    /// comment: go over them by their braces, directives and comments without recording what
    /// they use (see [`FileFunctions::skimmed`]). For a check whose rules only need the bodies
    /// reachable from the functions they check, which [`crate::demand`] then reads in full.
    /// Off by default.
    pub skim_bodies: bool,
    /// `callcheck`, whose comments keep a file from being skimmed.
    callcheck_word: memchr::memmem::Finder<'static>,
    /// The markers, which keep a file from being skimmed too.
    marker_words: Vec<memchr::memmem::Finder<'static>>,
    /// A piece every marker holds (`_CODE` in `IO_CODE` and `GLOBAL_STATE_CODE`), if one of
    /// four bytes or more: a file without it mentions no marker, found in one pass.
    marker_core: Option<memchr::memmem::Finder<'static>>,
    /// The macros the configuration decides, for `#if` conditions.
    pub switches: Switches,
}

/// The longest piece of bytes that every one of `words` holds, if there are words.
fn common_piece<'w>(words: &[&'w [u8]]) -> Option<&'w [u8]> {
    let shortest = *words.iter().min_by_key(|word| word.len())?;
    (1..=shortest.len()).rev().find_map(|len| {
        shortest.windows(len).find(|piece| {
            words
                .iter()
                .all(|word| word.windows(len).any(|window| window == *piece))
        })
    })
}

impl Recognizer {
    /// Recognises each context of `contexts` the way it says, and records every [`Extras`].
    pub fn new(contexts: &Contexts) -> Self {
        let mut recognizer = Recognizer {
            markers: FxHashMap::default(),
            attributes: FxHashMap::default(),
            guards: Vec::new(),
            deferring_functions: FxHashMap::default(),
            deferring_fields: FxHashMap::default(),
            deferred_arguments: Vec::new(),
            extras: Extras::ALL,
            skip_braced: true,
            skim_bodies: false,
            callcheck_word: memchr::memmem::Finder::new(b"callcheck").into_owned(),
            marker_words: Vec::new(),
            marker_core: None,
            switches: Switches::default(),
        };
        for (id, context) in contexts.iter() {
            match &context.recognition {
                Recognition::Marker(marker) => {
                    recognizer.markers.insert(marker.as_bytes().into(), id);
                    let finder = memchr::memmem::Finder::new(marker.as_bytes()).into_owned();
                    recognizer.marker_words.push(finder);
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
        let markers: Vec<&[u8]> = recognizer.markers.keys().map(|m| &m[..]).collect();
        recognizer.marker_core = common_piece(&markers)
            .filter(|piece| piece.len() >= 4)
            .map(|piece| memchr::memmem::Finder::new(piece).into_owned());
        recognizer
    }

    /// True if the function bodies of `source` are to be skimmed: skimming is on and the
    /// file mentions no marker and no `callcheck:` comment, anywhere, so none of its bodies can
    /// give its function a context or hold a comment that speaks of it.
    fn skims(&self, source: &[u8]) -> bool {
        if !self.skim_bodies || self.callcheck_word.find(source).is_some() {
            return false;
        }
        let may_mention_marker = self
            .marker_core
            .as_ref()
            .is_none_or(|core| core.find(source).is_some());
        !(may_mention_marker && self.marker_words.iter().any(|m| m.find(source).is_some()))
    }

    pub(crate) fn marker(&self, name: &[u8]) -> Option<ContextId> {
        self.markers.get(name).copied()
    }

    /// Also tells apart the uses under `if (condition())` and `if (!condition())` for each of
    /// `conditions` (the `[[guard]]` entries, which all decide one context).
    pub fn with_guards<'c>(mut self, conditions: impl IntoIterator<Item = &'c str>) -> Self {
        self.guards = conditions
            .into_iter()
            .map(|c| c.as_bytes().into())
            .collect();
        self
    }

    /// Also records which references are handed to the `[[deferred]]` calls `deferred` (in
    /// the configuration's order), at the argument positions each names.
    pub fn with_deferred<'c>(
        mut self,
        deferred: impl IntoIterator<Item = DeferredCall<'c>>,
    ) -> Self {
        // Entries beyond u16 are not told apart (no configuration has that many).
        for (index, entry) in deferred.into_iter().enumerate().take(u16::MAX as usize - 1) {
            let id = index as u16 + 1;
            let (table, name) = match entry.callee {
                Callee::Function(name) => (&mut self.deferring_functions, name),
                Callee::Field(name) => (&mut self.deferring_fields, name),
            };
            table.entry(name.as_bytes().into()).or_insert(id);
            self.deferred_arguments.push(entry.arguments);
        }
        self
    }

    /// The `[[deferred]]` entry (plus 1) of a call of `name`, or 0.
    pub(crate) fn deferring_function(&self, name: &[u8]) -> u16 {
        if self.deferring_functions.is_empty() {
            return 0;
        }
        self.deferring_functions.get(name).copied().unwrap_or(0)
    }

    /// The `[[deferred]]` entry (plus 1) of a member call of field `name`, or 0.
    pub(crate) fn deferring_field(&self, name: &[u8]) -> u16 {
        if self.deferring_fields.is_empty() {
            return 0;
        }
        self.deferring_fields.get(name).copied().unwrap_or(0)
    }

    /// True if some call is `[[deferred]]`: argument lists are followed.
    pub(crate) fn defers(&self) -> bool {
        !self.deferred_arguments.is_empty()
    }

    /// The argument positions of each `[[deferred]]` entry, as bit sets, by index.
    pub(crate) fn deferred_arguments(&self) -> &[u64] {
        &self.deferred_arguments
    }

    /// True if `source` mentions a guard condition.
    pub(crate) fn mentions_guard(&self, source: &[u8]) -> bool {
        self.guards
            .iter()
            .any(|guard| memchr::memmem::find(source, guard).is_some())
    }

    /// True if `name` is a guard condition.
    pub(crate) fn is_guard(&self, name: &[u8]) -> bool {
        self.guards.iter().any(|g| **g == *name)
    }

    /// True if some context is recognised by attribute words.
    pub fn has_attributes(&self) -> bool {
        !self.attributes.is_empty()
    }

    /// The contexts the attribute word `word` gives, if any.
    pub(crate) fn attribute(&self, word: &[u8]) -> Option<ContextSet> {
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
    local_switches: pass::LocalSwitches,
    /// The lists the last file was extracted into, emptied, for the next file to fill.
    scratch: FileFunctions,
}

impl<'m> Extractor<'m> {
    /// An extractor recognising the context recognizer `recognizer`.
    pub fn new(recognizer: &'m Recognizer) -> Self {
        Extractor {
            recognizer,
            names: Names::default(),
            local_switches: pass::LocalSwitches::default(),
            scratch: FileFunctions::default(),
        }
    }

    /// Extracts the function definitions of one file's bytes.
    pub fn extract(&mut self, source: &[u8]) -> FileFunctions {
        self.names.clear();
        let mut lines = LineCounter::new(source);
        self.local_switches.clear();
        self.scratch.skimmed = self.recognizer.skims(source);
        let mut file = FilePass::new(
            source,
            self.recognizer,
            &mut self.names,
            &mut lines,
            &mut self.local_switches,
            std::mem::take(&mut self.scratch),
        )
        .run();
        // A clone's lists are exactly as long as their contents, and are allocated one after
        // another with nothing freed between them: a file's records are kept until the graph
        // is built, so slack and holes left by growing lists would add up over a whole tree.
        let kept = file.clone();
        file.clear();
        self.scratch = file;
        kept
    }
}

#[cfg(test)]
mod tests;
