//! Function definitions to a resolved call graph.
//!
//! Nodes are function definitions, numbered in file order (files sorted by path), then source
//! order: node numbers do not depend on how or in which order the files were read. A name used in
//! a body resolves to the `static` definition of that name in the user's own file if there is
//! one, else to every non-static definition of the name; a name with no definition is a leaf (a
//! call of it is counted as unresolved, a reference to it is just a variable or a type).
//!
//! After the definitions come the nodes that no file defines but the build would have:
//!
//! - **generated wrappers**: a prototype carrying a [`Wrapper`] attribute, with no definition,
//!   gets one that calls the wrapped function (edge kind [`UseKind::Generated`]);
//! - **callback fields**, one node per struct type and field name (`BlockDriver.bdrv_open`, or
//!   `.bdrv_open` where no initializer shows the type), with an edge to each function bound to
//!   it. A member call `x->bdrv_open(...)` does not show the struct type either, so it reaches
//!   every node of that field name: two structs whose fields share a name merge.
//!
//! A call of a function-like macro expands into the macro's calls (edge kind
//! [`UseKind::Macro`]), and the markers the macro invokes become the caller's (both only when
//! macro edges are built); attribute aliases
//! (`#define co_wrapper_mixed no_coroutine_fn coroutine_mixed_fn`) give contexts wherever they
//! are written in a declaration head.
//!
//! The graph owns the extracted files and refers to their names, so building it copies no
//! strings; each file's uses resolve on their own, in parallel.

mod arguments;
mod callers;
mod expand;
mod includes;
mod kept;
mod macro_functions;
mod names;
mod prefetch;
mod resolve;
mod synthetic;
mod tables;

use crate::context::{ContextId, ContextSet, Contexts, Wrapper};
use crate::extract::{Pragma, Recognizer, UseList};
use crate::model::{EdgeKinds, Guard, LineMark, NodeId, UseKind, UseMark};
use crate::source::SourceFile;
pub use arguments::{ArgumentFacts, Entries, State};
pub use callers::{CallerUse, Callers};
pub use includes::normalize as normalize_path;
use includes::{Includes, PathIndex, Resolved, Scope};
use kept::KeptFiles;
use names::{DefinitionNames, apply_prototypes};
use rayon::prelude::*;
use resolve::{FileEdges, Resolver};
use std::sync::atomic::AtomicBool;
pub use synthetic::wrapper_of;
use synthetic::{FieldNodes, generate_wrappers};
use tables::Macros;

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A function definition in a file.
    Definition,
    /// A definition the build generates from a prototype; its location is the prototype's.
    Generated,
    /// A callback field; its location is its declaration, or else its first binding.
    Field {
        /// The struct type is known (`BlockDriver.bdrv_open`, not `.bdrv_open`).
        typed: bool,
    },
}

impl NodeKind {
    /// True for a callback field.
    pub fn is_field(self) -> bool {
        matches!(self, NodeKind::Field { .. })
    }
}

/// A function definition (or generated wrapper, or callback field) in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Index of its file, as [`Graph::path`] numbers them.
    pub file: u32,
    /// Index of its name in its file's name table (for a field, in the graph's field names).
    name: u32,
    /// Line of its name.
    pub line: u32,
    /// Byte column of its name.
    pub column: u32,
    /// Declared `static`.
    pub is_static: bool,
    /// The contexts it carries, from any source.
    pub contexts: ContextSet,
    /// Where each of its contexts came from, as an index in the graph's [`OriginsTable`].
    origins: u32,
    /// What the node stands for.
    pub kind: NodeKind,
}

/// A function whose contexts disagree: it carried `overridden`, which context `by`, also
/// carried, overrides (see [`Contexts::overrides`]).
///
/// [`Contexts::overrides`]: crate::context::Contexts::overrides
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overridden {
    /// The function.
    pub node: NodeId,
    /// The context that wins.
    pub by: ContextId,
    /// The contexts taken from it.
    pub overridden: ContextSet,
}

/// Where a function's contexts came from (a context may come from several places).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origins {
    /// A marker invoked in its body.
    pub marker: ContextSet,
    /// A marker invoked in a macro its body invokes.
    pub macro_marker: ContextSet,
    /// An attribute (or an alias of one) on its definition, field declaration or, for a
    /// generated wrapper, in its [`Wrapper`].
    pub definition: ContextSet,
    /// An attribute (or an alias of one) on a prototype of it.
    pub prototype: ContextSet,
}

/// The [`Origins`] of the functions that carry a context, which each [`Function`] points
/// into. Kept apart: most functions of a tree carry no context, and in a graph of hundreds of
/// thousands of functions a pointer in each would cost more than this table.
#[derive(Debug, Default)]
pub(super) struct OriginsTable(Vec<Origins>);

impl OriginsTable {
    /// The index of a function that has no origins.
    const NONE: u32 = u32::MAX;

    /// The index to keep in a [`Function`] whose origins are `origins`.
    fn add(&mut self, origins: Origins) -> u32 {
        if origins == Origins::default() {
            return Self::NONE;
        }
        self.push(origins)
    }

    /// Appends `origins`; returns their index.
    fn push(&mut self, origins: Origins) -> u32 {
        self.0.push(origins);
        (self.0.len() - 1) as u32
    }

    /// Where each of `function`'s contexts came from (none for [`OriginsTable::NONE`], which
    /// is past the end).
    fn get(&self, function: &Function) -> Origins {
        self.0
            .get(function.origins as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Where each of `function`'s contexts came from, to add to.
    fn get_mut(&mut self, function: &mut Function) -> &mut Origins {
        if function.origins == Self::NONE {
            function.origins = self.push(Origins::default());
        }
        &mut self.0[function.origins as usize]
    }
}

/// A use of one function by another. Graphs hold millions of edges, so an edge is 16 bytes:
/// its kind, guard and guessed mark share a word with its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The function used.
    pub to: NodeId,
    /// Index of the file the use is written in (see [`Graph::path`]): the user's, except for a
    /// field's edge (the binding's file) and a generated wrapper's (the prototype's).
    pub file: u32,
    /// The line, with the kind, the guard and the guessed mark (the mark's flag).
    line_and_kind: LineMark,
    /// Byte column of the use.
    pub column: u32,
}

impl Edge {
    /// The use of `to`, of `kind`, at `line` and `column` of file `file`, with no guard.
    pub fn new(to: NodeId, kind: UseKind, file: u32, line: u32, column: u32) -> Edge {
        Edge {
            to,
            file,
            line_and_kind: LineMark::new(line, UseMark::new(kind, Guard::None, false)),
            column,
        }
    }

    /// The same edge with guard `guard`.
    pub fn guarded(mut self, guard: Guard) -> Edge {
        let mark = self.mark().with_guard(guard);
        self.line_and_kind = self.line_and_kind.with_mark(mark);
        self
    }

    /// How the function is used.
    pub fn kind(&self) -> UseKind {
        self.mark().kind()
    }

    /// True if the graph guessed this edge rather than read it: a step through a callback
    /// field (dispatch by field name and type, not by the object at hand), or one of several
    /// definitions a name resolves to (a name merge). Reports mark such steps and `--certain`
    /// avoids them.
    pub fn guessed(&self) -> bool {
        self.mark().flag()
    }

    /// The same edge, marked as guessed if `guessed` (a guessed edge stays guessed).
    pub fn with_guessed(mut self, guessed: bool) -> Edge {
        if guessed {
            let mark = self.mark().with_flag(true);
            self.line_and_kind = self.line_and_kind.with_mark(mark);
        }
        self
    }

    /// Where the use runs relative to the guard's context.
    pub fn guard(&self) -> Guard {
        self.mark().guard()
    }

    /// Line of the use.
    pub fn line(&self) -> u32 {
        self.line_and_kind.line()
    }

    /// Its kind, guard and guessed mark together.
    pub fn mark(&self) -> UseMark {
        self.line_and_kind.mark()
    }
}

/// Counts of what the graph holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GraphStats {
    /// Files read.
    pub files: usize,
    /// Function definitions.
    pub functions: usize,
    /// Generated wrapper definitions.
    pub generated_functions: usize,
    /// Callback field nodes.
    pub fields: usize,
    /// Edges of each kind, in [`UseKind::ALL`] order.
    pub edges: [usize; UseKind::ALL.len()],
    /// Calls of names that no file defines (library functions, macros).
    pub unresolved_calls: usize,
    /// References handed to a `[[deferred]]` call: they run elsewhere, so they make no edge.
    pub deferred_references: usize,
    /// Member calls that reached field nodes by field name alone: the object's struct type is
    /// unknown, or no field node has it.
    pub by_name_member_calls: usize,
    /// The field nodes those calls reach, counted per call: how far the merges fan out.
    pub by_name_field_targets: usize,
    /// `#include`s that name no file read (system and library headers, generated files).
    pub unresolved_includes: usize,
    /// Contexts that functions carry only because a prototype of theirs has the attribute.
    pub contexts_from_prototypes: usize,
    /// Conditions of live `#if`/`#elif` directives that were known, so a branch was skipped or
    /// taken alone.
    pub conditions_decided: usize,
    /// Conditions of live `#if`/`#elif` directives left unknown: every branch was read.
    pub conditions_open: usize,
    /// Edges the graph guessed (see [`Edge::guessed`]).
    pub guessed_edges: usize,
    /// Files whose function bodies were skimmed: their uses make no edges and are not counted.
    pub skimmed_files: usize,
}

impl GraphStats {
    /// The number of edges of `kind`.
    pub fn edges_of(&self, kind: UseKind) -> usize {
        self.edges[kind as usize]
    }
}

/// What building a graph needs besides the files.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions<'a> {
    /// Which uses become edges.
    pub kinds: EdgeKinds,
    /// Recognises attribute words behind aliases; `None` turns aliases off.
    pub aliases: Option<&'a Recognizer>,
    /// Recognises the markers in the bodies of functions that macros define (when macro edges
    /// are built); `None` finds none.
    pub markers: Option<&'a Recognizer>,
    /// Which prototypes get generated definitions.
    pub wrappers: &'a [Wrapper],
    /// The include directories, in search order, as paths of the files read start (see
    /// [`normalize_path`]).
    pub include_dirs: &'a [String],
}

impl<'a> BuildOptions<'a> {
    /// Edges of `kinds`, no aliases and no generated wrappers.
    pub fn new(kinds: EdgeKinds) -> Self {
        BuildOptions {
            kinds,
            aliases: None,
            markers: None,
            wrappers: &[],
            include_dirs: &[],
        }
    }

    /// Edges of `kinds`, aliases if `recognizer` records them, `wrappers` and include
    /// directories `include_dirs`.
    pub fn configured(
        kinds: EdgeKinds,
        recognizer: &'a Recognizer,
        wrappers: &'a [Wrapper],
        include_dirs: &'a [String],
    ) -> Self {
        BuildOptions {
            kinds,
            aliases: recognizer.extras.aliases.then_some(recognizer),
            markers: Some(recognizer),
            wrappers,
            include_dirs,
        }
    }
}

/// Sorts `files` by path, the order a graph numbers them in.
pub fn sort_by_path(files: &mut [SourceFile]) {
    files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
}

/// What building a graph reads from its files' paths and includes alone: the files indexed by
/// path, and which files each one includes. It can be made apart from the build, while
/// something else is still done to the files' function records (see [`Graph::build_with`]).
#[derive(Debug)]
pub struct Layout {
    paths: PathIndex,
    includes: Includes,
}

impl Layout {
    /// The layout of `files`, sorted by path (see [`sort_by_path`]), whose includes are
    /// searched for in `include_dirs` too, made on the thread pool.
    pub fn new(files: &[SourceFile], include_dirs: &[String]) -> Layout {
        PartLayout::default().finish(files, include_dirs)
    }

    /// Begins [`Layout::new`] on the calling thread alone, with no task on the thread pool (for
    /// a thread beside work that keeps the pool busy), and stops soon after `stop` is set:
    /// [`PartLayout::finish`] makes the rest.
    pub fn begin(files: &[SourceFile], include_dirs: &[String], stop: &AtomicBool) -> PartLayout {
        let Some(paths) = PathIndex::new_here(files, stop) else {
            return PartLayout::default();
        };
        let resolved = Includes::resolve_here(files, &paths, include_dirs, stop);
        PartLayout {
            paths: Some(paths),
            resolved,
        }
    }
}

/// A [`Layout`] begun by [`Layout::begin`]: as much of it as was made before it was stopped.
#[derive(Debug, Default)]
pub struct PartLayout {
    paths: Option<PathIndex>,
    /// What the includes of the first files resolve to.
    resolved: Resolved,
}

impl PartLayout {
    /// The whole layout of the `files` and `include_dirs` it was begun with: what is not made
    /// yet is made on the thread pool.
    pub fn finish(self, files: &[SourceFile], include_dirs: &[String]) -> Layout {
        let paths = self.paths.unwrap_or_else(|| PathIndex::new(files));
        let includes = Includes::resolve(files, &paths, include_dirs, self.resolved);
        Layout { paths, includes }
    }
}

/// The call graph of a set of files.
#[derive(Debug, Default)]
pub struct Graph {
    /// What the graph keeps of its files, sorted by path.
    files: KeptFiles,
    /// Function definitions in file then source order, then generated wrappers, then fields.
    functions: Vec<Function>,
    /// The names of the field nodes.
    field_names: Vec<String>,
    /// The node of each file's first definition.
    first_node: Vec<NodeId>,
    /// `edges[offsets[n]..offsets[n + 1]]` are the uses of node `n`, in source order.
    offsets: Vec<u32>,
    edges: Vec<Edge>,
    unresolved_calls: usize,
    deferred_references: usize,
    by_name_member_calls: usize,
    by_name_field_targets: usize,
    unresolved_includes: usize,
    contexts_from_prototypes: usize,
    /// The attribute aliases that gave contexts, and those that are cyclic.
    aliases: Vec<(String, ContextSet)>,
    alias_cycles: Vec<String>,
    /// The uses under parameter tests and the constant arguments of calls.
    arguments: ArgumentFacts,
    /// Where the functions' contexts came from.
    origins: OriginsTable,
}

impl Graph {
    /// Builds the graph of `files`, which it sorts by path.
    pub fn build(mut files: Vec<SourceFile>, options: &BuildOptions) -> Graph {
        sort_by_path(&mut files);
        let layout = Layout::new(&files, options.include_dirs);
        Graph::build_with(files, layout, options)
    }

    /// Builds the graph of `files`, sorted by path (see [`sort_by_path`]), with their
    /// `layout`, made from the same files (or files with the same paths and includes) and
    /// `options.include_dirs`.
    pub fn build_with(mut files: Vec<SourceFile>, layout: Layout, options: &BuildOptions) -> Graph {
        debug_assert!(files.is_sorted_by(|a, b| a.path <= b.path));
        let Layout {
            paths,
            mut includes,
        } = layout;
        if options.kinds.includes(UseKind::Macro) {
            macro_functions::add_macro_functions(&mut files, &includes, options.markers);
        }
        let mut uses: Vec<UseList> = files
            .iter_mut()
            .map(|file| std::mem::take(&mut file.functions.uses))
            .collect();
        let alias_table = options.aliases.map(|r| tables::Aliases::build(&files, r));
        // The contexts the aliases among a head's words stand for.
        let head_contexts = |file: &SourceFile, words| {
            let mut set = ContextSet::default();
            if let Some(aliases) = &alias_table {
                let names = &file.functions.names;
                for &word in file.functions.words(words) {
                    set.extend(aliases.get(names.hash(word), names.get(word)));
                }
            }
            set
        };
        let mut functions = Vec::with_capacity(
            files
                .iter()
                .map(|file| file.functions.functions.len())
                .sum(),
        );
        let mut origins = OriginsTable::default();
        let mut first_node = Vec::with_capacity(files.len());
        for (file_index, file) in files.iter().enumerate() {
            first_node.push(functions.len() as NodeId);
            functions.extend(file.functions.functions.iter().map(|def| {
                let mut definition = def.attributes;
                definition.extend(head_contexts(file, def.words));
                let mut contexts = def.markers;
                contexts.extend(definition);
                Function {
                    file: file_index as u32,
                    name: def.name,
                    line: def.line,
                    column: def.column,
                    is_static: def.is_static,
                    contexts,
                    origins: origins.add(Origins {
                        marker: def.markers,
                        definition,
                        ..Origins::default()
                    }),
                    kind: NodeKind::Definition,
                }
            }));
        }

        // Names are looked up by the uses, the prototypes (for contexts and generated wrappers)
        // and the field bindings. Where there are none (no checked function reaches a body,
        // say), the table of every definition's name is left empty.
        let looked_up = !uses.iter().all(UseList::is_empty)
            || files
                .iter()
                .any(|file| !file.functions.prototypes.is_empty())
            || options.kinds.includes(UseKind::Field);
        let defined = if looked_up { &functions[..] } else { &[] };
        let mut names = DefinitionNames::of_definitions(defined, &files);
        let generated = generate_wrappers(
            &files,
            &mut functions,
            &mut origins,
            &mut names,
            options,
            &paths,
            &head_contexts,
        );
        // Resolving reads the includes it found, not the paths: freed before the uses are
        // resolved, its memory takes the place of the first edges.
        drop(paths);
        for wrapper in &generated {
            for &header in &wrapper.includes {
                includes.mark_included(header);
            }
        }
        let contexts_from_prototypes =
            apply_prototypes(&files, &mut functions, &mut origins, &names, &head_contexts);
        let macros = Macros::build(&files, options.kinds.includes(UseKind::Macro));
        let (field_names, fields) = if options.kinds.includes(UseKind::Field) {
            FieldNodes::build(&files, &mut functions, &mut origins, &names)
        } else {
            FieldNodes::none()
        };

        let resolver = Resolver {
            names: &names,
            files: &files,
            functions: &functions,
            macros: &macros,
            fields: &fields,
            first_node: &first_node,
            kinds: options.kinds,
            includes: &includes,
        };
        // Each file's uses are freed once its edges are made: no stage after this one reads
        // them, and over a tree the size of Linux they would outweigh the graph. Files are
        // resolved in batches, so that the edges of only one batch wait to be appended.
        let mut list = FileEdges::default();
        list.ends.reserve(functions.len());
        // The uses freed since memory was last handed back.
        let mut freed = 0;
        for (batch, uses) in uses.chunks_mut(RESOLVE_BATCH).enumerate() {
            let first = batch * RESOLVE_BATCH;
            freed += uses.iter().map(UseList::len).sum::<usize>();
            // Each job sets up a scope as large as the tree: jobs of a few hundred files keep
            // that cost small.
            let parts: Vec<FileEdges> = uses
                .par_iter_mut()
                .enumerate()
                .with_min_len(RESOLVE_JOB)
                .map_init(
                    || Scope::new(&includes),
                    |scope, (index, uses)| {
                        let file_index = first + index;
                        let uses = std::mem::take(uses);
                        resolver.resolve(file_index as u32, &files[file_index], &uses, scope)
                    },
                )
                .collect();
            // Grown by doubling, the graph's largest list would hold up to twice its edges.
            list.edges
                .reserve_exact(parts.iter().map(|part| part.edges.len()).sum());
            parts.into_iter().for_each(|part| list.append(part));
            // Handing memory back walks the whole heap: worth it only once enough is free
            // (a check that left most bodies out frees few uses, in a heap of many holes).
            if freed >= RELEASE_AFTER_USES {
                release_freed_memory();
                freed = 0;
            }
        }
        let mut tail = FileEdges::default();
        resolver.generated_edges(&generated, &mut tail);
        resolver.field_edges(&fields, &mut tail);
        list.append(tail);
        let FileEdges {
            edges,
            ends,
            unresolved_calls,
            deferred_references,
            by_name_calls: by_name_member_calls,
            by_name_targets: by_name_field_targets,
            macro_contexts,
            mut arguments,
        } = list;
        // `edges[offsets[n]..offsets[n + 1]]` are node n's edges.
        let mut offsets = ends;
        offsets.insert(0, 0);
        for (node, set) in macro_contexts {
            let function = &mut functions[node as usize];
            function.contexts.extend(set);
            origins.get_mut(function).macro_marker.extend(set);
        }
        // A context a marker gives only under a parameter test is conditional only if nothing
        // else gives it.
        for (file_index, file) in files.iter().enumerate() {
            for &(index, context, condition) in &file.functions.marker_conditions {
                let node = first_node[file_index] + index;
                let from = origins.get(&functions[node as usize]);
                let elsewhere = from.definition.contains(context)
                    || from.prototype.contains(context)
                    || from.macro_marker.contains(context);
                if !elsewhere {
                    arguments.add_marker(node, context, condition);
                }
            }
        }
        let (aliases, alias_cycles) = match &alias_table {
            Some(aliases) => (
                aliases
                    .sorted()
                    .into_iter()
                    .map(|(name, set)| (name.to_string(), set))
                    .collect(),
                aliases.cycles().iter().map(|n| n.to_string()).collect(),
            ),
            None => Default::default(),
        };
        let unresolved_includes = includes.unresolved;
        drop((names, macros, fields, alias_table, includes));
        // Each definition's name moves to the kept table, at its node's place among them.
        let mut kept_names = 0;
        let owners: Vec<(u32, u32)> = functions
            .iter_mut()
            .filter(|function| !function.kind.is_field())
            .map(|function| {
                let owner = (function.file, function.name);
                function.name = kept_names;
                kept_names += 1;
                owner
            })
            .collect();
        let files = KeptFiles::keep(files, &owners);
        release_freed_memory();
        arguments.prune();
        Graph {
            files,
            functions,
            field_names,
            first_node,
            offsets,
            edges,
            unresolved_calls,
            deferred_references,
            by_name_member_calls,
            by_name_field_targets,
            unresolved_includes,
            contexts_from_prototypes,
            aliases,
            alias_cycles,
            arguments,
            origins,
        }
    }

    /// Where `node`'s context `context` came from, in words (`attribute on prototype`, ...).
    pub fn origins(&self, node: NodeId, context: ContextId) -> Vec<&'static str> {
        let function = self.function(node);
        let origins = self.origins.get(function);
        let definition = match function.kind {
            NodeKind::Definition => "attribute on definition",
            NodeKind::Generated => "generated wrapper",
            NodeKind::Field { .. } => "attribute on field declaration",
        };
        [
            (origins.marker, "marker in body"),
            (origins.macro_marker, "marker in a macro it invokes"),
            (origins.definition, definition),
            (origins.prototype, "attribute on prototype"),
        ]
        .into_iter()
        .filter(|(set, _)| set.contains(context))
        .map(|(_, words)| words)
        .collect()
    }

    /// Takes from each function the contexts that another context it carries overrides, and
    /// says where that happened, by node. Contexts are taken in table order, so of two that
    /// override each other the first wins. Its origins still say where each came from.
    pub fn apply_overrides(&mut self, contexts: &Contexts) -> Vec<Overridden> {
        let mut found = Vec::new();
        for (node, function) in self.functions.iter_mut().enumerate() {
            for by in function.contexts.iter() {
                if !function.contexts.contains(by) {
                    continue;
                }
                let overridden = contexts.overrides(by).intersection(function.contexts);
                if !overridden.is_empty() {
                    function.contexts = function.contexts.without(overridden);
                    found.push(Overridden {
                        node: node as NodeId,
                        by,
                        overridden,
                    });
                }
            }
        }
        found
    }

    /// The uses under parameter tests and the constant arguments of calls (empty unless
    /// extraction recorded them).
    pub fn arguments(&self) -> &ArgumentFacts {
        &self.arguments
    }

    /// The entries the calls with constant arguments make (see [`ArgumentFacts::entries`]).
    pub fn entries(&self) -> Entries {
        self.arguments
            .entries(|node| self.function(node).contexts, self.len())
    }
    /// The uses of `node` that resolved to functions, in source order.
    pub fn edges_from(&self, node: NodeId) -> &[Edge] {
        let node = node as usize;
        &self.edges[self.offsets[node] as usize..self.offsets[node + 1] as usize]
    }

    /// The function `node`.
    pub fn function(&self, node: NodeId) -> &Function {
        &self.functions[node as usize]
    }

    /// The name of function `node` (`BlockDriver.bdrv_open` or `.bdrv_open` for a field).
    pub fn name(&self, node: NodeId) -> &str {
        let function = self.function(node);
        match function.kind {
            NodeKind::Field { .. } => &self.field_names[function.name as usize],
            NodeKind::Definition | NodeKind::Generated => self.files.names.get(function.name),
        }
    }

    /// How reports write `node`: `name()` for a function, `name() [generated]` for a generated
    /// wrapper, the bare name for a field.
    pub fn display(&self, node: NodeId) -> String {
        match self.function(node).kind {
            NodeKind::Field { .. } => self.name(node).to_string(),
            NodeKind::Definition => format!("{}()", self.name(node)),
            NodeKind::Generated => format!("{}() [generated]", self.name(node)),
        }
    }

    /// The file a use by `user` is written in (a file index, as [`Graph::path`] takes), where it
    /// is not `user`'s own: a field's binding.
    pub fn use_file_elsewhere(&self, user: NodeId, file: u32) -> Option<u32> {
        (file != self.function(user).file).then_some(file)
    }

    /// The path of file `index`: files are numbered in path order.
    pub fn path(&self, index: u32) -> &str {
        self.files.path(index)
    }

    /// The attribute aliases that gave contexts, sorted by name (empty if aliases are off).
    pub fn aliases(&self) -> &[(String, ContextSet)] {
        &self.aliases
    }

    /// The aliases that give contexts and whose expansion leads back to themselves, sorted.
    pub fn alias_cycles(&self) -> &[String] {
        &self.alias_cycles
    }

    /// The path of the file that defines `node`.
    pub fn file_of(&self, node: NodeId) -> &str {
        self.files.path(self.function(node).file)
    }

    /// The node of definition `index` (in [`FileFunctions::functions`]) of file `file`.
    ///
    /// [`FileFunctions::functions`]: crate::extract::FileFunctions::functions
    pub fn node_of(&self, file: usize, index: u32) -> NodeId {
        self.first_node[file] + index
    }

    /// True if the uses of definition `node` (a [`NodeKind::Definition`]) are not known: its
    /// body was skimmed, or its uses dropped (see [`FileFunctions::skimmed`]). It has no edges.
    ///
    /// [`FileFunctions::skimmed`]: crate::extract::FileFunctions::skimmed
    pub fn uses_unknown(&self, node: NodeId) -> bool {
        let file = self.function(node).file;
        let index = node - self.first_node[file as usize];
        self.files.uses_unknown(file, index)
    }

    /// True if the bodies of some file were skimmed, all or some of them.
    pub fn skims(&self) -> bool {
        self.files.skims()
    }

    /// The number of files the graph was built from; [`Graph::path`] names each.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// The `callcheck:` comments of the files, with the index of their file, in file order.
    pub fn pragmas(&self) -> &[(u32, Pragma)] {
        self.files.pragmas()
    }

    /// Every node, in order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + use<> {
        0..self.functions.len() as NodeId
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.functions.len()
    }

    /// True if the graph has no function.
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    /// Keeps only the edges for which `keep(from, edge)` is true (suppressions cut the others).
    /// The kept edges move down in place: a copy would hold a second list of every edge.
    pub fn retain_edges(&mut self, mut keep: impl FnMut(NodeId, &Edge) -> bool) {
        let mut kept = 0;
        let mut start = 0;
        for node in self.nodes() {
            let end = self.offsets[node as usize + 1] as usize;
            for index in start..end {
                let edge = self.edges[index];
                if keep(node, &edge) {
                    self.edges[kept] = edge;
                    kept += 1;
                }
            }
            start = end;
            self.offsets[node as usize + 1] = kept as u32;
        }
        self.edges.truncate(kept);
    }

    /// For each node, the nodes that use it and how.
    pub fn reverse(&self) -> Callers {
        Callers::of_graph(self)
    }

    /// What the graph holds.
    pub fn stats(&self) -> GraphStats {
        let mut edges = [0; UseKind::ALL.len()];
        let mut guessed_edges = 0;
        for edge in &self.edges {
            edges[edge.kind() as usize] += 1;
            guessed_edges += usize::from(edge.guessed());
        }
        let count =
            |wanted: fn(NodeKind) -> bool| self.functions.iter().filter(|f| wanted(f.kind)).count();
        GraphStats {
            files: self.files.len(),
            functions: count(|kind| kind == NodeKind::Definition),
            generated_functions: count(|kind| kind == NodeKind::Generated),
            fields: count(NodeKind::is_field),
            edges,
            unresolved_calls: self.unresolved_calls,
            deferred_references: self.deferred_references,
            by_name_member_calls: self.by_name_member_calls,
            by_name_field_targets: self.by_name_field_targets,
            unresolved_includes: self.unresolved_includes,
            contexts_from_prototypes: self.contexts_from_prototypes,
            conditions_decided: self.files.conditions_decided,
            conditions_open: self.files.conditions_open,
            guessed_edges,
            skimmed_files: self.files.skimmed_count(),
        }
    }
}

#[cfg(test)]
mod tests;

/// Files resolved together: enough to keep every thread busy, few enough that their edges are
/// a small part of the graph's.
const RESOLVE_BATCH: usize = 2048;

/// The fewest files one job of a batch resolves.
const RESOLVE_JOB: usize = 256;

/// How many uses (8 bytes each) resolving frees before the memory is handed back to the
/// system: about a batch's worth where every body was read (Linux: 270,000).
const RELEASE_AFTER_USES: usize = 1 << 17;

/// Hands the pages of memory freed so far back to the system. The uses just freed lie between
/// records that live on, and the C allocator keeps such pages unless asked: on Linux's tree
/// they would hold a hundred megabytes through the rest of the run.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
