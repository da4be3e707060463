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

mod names;
mod resolve;
mod synthetic;
mod tables;

use crate::context::{ContextSet, Wrapper};
use crate::extract::Recognizer;
use crate::model::{EdgeKinds, NodeId, UseKind};
use crate::source::SourceFile;
use names::{DefinitionNames, apply_prototypes};
use rayon::prelude::*;
use resolve::{FileEdges, Resolver};
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
    /// Index of its file in [`Graph::files`].
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
    /// Where each of its contexts came from.
    pub origins: Origins,
    /// What the node stands for.
    pub kind: NodeKind,
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

/// A use of one function by another. Graphs hold millions of edges, so an edge is 16 bytes:
/// its kind shares a word with its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The function used.
    pub to: NodeId,
    /// Index in [`Graph::files`] of the file the use is written in: the user's, except for a
    /// field's edge (the binding's file) and a generated wrapper's (the prototype's).
    pub file: u32,
    /// The line in the low [`LINE_BITS`] bits, the kind above them.
    line_and_kind: u32,
    /// Byte column of the use.
    pub column: u32,
}

/// Bits of [`Edge::line`]: lines up to 536,870,911 (a larger line number is stored as that).
const LINE_BITS: u32 = 29;

impl Edge {
    /// The use of `to`, of `kind`, at `line` and `column` of file `file`.
    pub fn new(to: NodeId, kind: UseKind, file: u32, line: u32, column: u32) -> Edge {
        let line = line.min((1 << LINE_BITS) - 1);
        Edge {
            to,
            file,
            line_and_kind: line | (kind as u32) << LINE_BITS,
            column,
        }
    }

    /// How the function is used.
    pub fn kind(&self) -> UseKind {
        UseKind::ALL[(self.line_and_kind >> LINE_BITS) as usize]
    }

    /// Line of the use.
    pub fn line(&self) -> u32 {
        self.line_and_kind & ((1 << LINE_BITS) - 1)
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
    /// Contexts that functions carry only because a prototype of theirs has the attribute.
    pub contexts_from_prototypes: usize,
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
    /// Which prototypes get generated definitions.
    pub wrappers: &'a [Wrapper],
}

impl<'a> BuildOptions<'a> {
    /// Edges of `kinds`, no aliases and no generated wrappers.
    pub fn new(kinds: EdgeKinds) -> Self {
        BuildOptions {
            kinds,
            aliases: None,
            wrappers: &[],
        }
    }

    /// Edges of `kinds`, aliases if `recognizer` records them, and `wrappers`.
    pub fn configured(
        kinds: EdgeKinds,
        recognizer: &'a Recognizer,
        wrappers: &'a [Wrapper],
    ) -> Self {
        BuildOptions {
            kinds,
            aliases: recognizer.extras.aliases.then_some(recognizer),
            wrappers,
        }
    }
}

/// The call graph of a set of files.
#[derive(Debug, Default)]
pub struct Graph {
    /// The files, sorted by path, with what was extracted from them.
    files: Vec<SourceFile>,
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
    contexts_from_prototypes: usize,
    /// The attribute aliases that gave contexts, and those that are cyclic.
    aliases: Vec<(String, ContextSet)>,
    alias_cycles: Vec<String>,
}

impl Graph {
    /// Builds the graph of `files`, which it sorts by path.
    pub fn build(mut files: Vec<SourceFile>, options: &BuildOptions) -> Graph {
        files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
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
        let mut functions = Vec::new();
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
                    origins: Origins {
                        marker: def.markers,
                        definition,
                        ..Origins::default()
                    },
                    kind: NodeKind::Definition,
                }
            }));
        }

        let mut names = DefinitionNames::default();
        for node in 0..functions.len() as NodeId {
            names.add(node, &functions, &files);
        }
        let generated =
            generate_wrappers(&files, &mut functions, &mut names, options, &head_contexts);
        let contexts_from_prototypes =
            apply_prototypes(&files, &mut functions, &names, &head_contexts);
        let macros = Macros::build(&files, options.kinds.includes(UseKind::Macro));
        let (field_names, fields) = if options.kinds.includes(UseKind::Field) {
            FieldNodes::build(&files, &mut functions, &names)
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
        };
        let resolved: Vec<FileEdges> = files
            .par_iter()
            .enumerate()
            .map(|(file_index, file)| resolver.resolve(file_index as u32, file))
            .collect();
        let mut tail = FileEdges::default();
        resolver.generated_edges(&generated, &mut tail);
        resolver.field_edges(&fields, &mut tail);

        // Files and their functions are in node order, so their edges are too: concatenate.
        let mut offsets = Vec::with_capacity(functions.len() + 1);
        let mut edges = Vec::with_capacity(resolved.iter().map(|r| r.edges.len()).sum());
        let mut unresolved_calls = 0;
        offsets.push(0);
        let mut macro_contexts = Vec::new();
        for part in resolved.into_iter().chain([tail]) {
            let base = edges.len() as u32;
            offsets.extend(part.ends.iter().map(|end| base + end));
            edges.extend(part.edges);
            unresolved_calls += part.unresolved_calls;
            macro_contexts.extend(part.macro_contexts);
        }
        for (node, set) in macro_contexts {
            let function = &mut functions[node as usize];
            function.contexts.extend(set);
            function.origins.macro_marker.extend(set);
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
        drop((names, macros, fields, alias_table));
        Graph {
            files,
            functions,
            field_names,
            first_node,
            offsets,
            edges,
            unresolved_calls,
            contexts_from_prototypes,
            aliases,
            alias_cycles,
        }
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
            NodeKind::Definition | NodeKind::Generated => self.files[function.file as usize]
                .functions
                .name(function.name),
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

    /// The file a use by `user` is written in (an index in [`Graph::files`]), where it is not
    /// `user`'s own: a field's binding.
    pub fn use_file_elsewhere(&self, user: NodeId, file: u32) -> Option<u32> {
        (file != self.function(user).file).then_some(file)
    }

    /// The path of file `index` of [`Graph::files`].
    pub fn path(&self, index: u32) -> &str {
        &self.files[index as usize].path
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
        &self.files[self.function(node).file as usize].path
    }

    /// The node of definition `index` (in [`FileFunctions::functions`]) of file `file`.
    ///
    /// [`FileFunctions::functions`]: crate::extract::FileFunctions::functions
    pub fn node_of(&self, file: usize, index: u32) -> NodeId {
        self.first_node[file] + index
    }

    /// The files of the graph, sorted by path.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
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
    pub fn retain_edges(&mut self, mut keep: impl FnMut(NodeId, &Edge) -> bool) {
        let mut kept = Vec::with_capacity(self.edges.len());
        let mut offsets = Vec::with_capacity(self.offsets.len());
        offsets.push(0);
        for node in self.nodes() {
            kept.extend(
                self.edges_from(node)
                    .iter()
                    .filter(|edge| keep(node, edge))
                    .copied(),
            );
            offsets.push(kept.len() as u32);
        }
        self.edges = kept;
        self.offsets = offsets;
    }

    /// For each node, the nodes that use it and how: `(offsets, callers)` in the same layout as
    /// the forward edges, callers of each node in increasing order.
    pub fn reverse(&self) -> (Vec<u32>, Vec<(NodeId, UseKind)>) {
        let mut offsets = vec![0u32; self.functions.len() + 1];
        for edge in &self.edges {
            offsets[edge.to as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut fill = offsets.clone();
        let mut callers = vec![(0, UseKind::Call); self.edges.len()];
        for from in self.nodes() {
            for edge in self.edges_from(from) {
                let slot = &mut fill[edge.to as usize];
                callers[*slot as usize] = (from, edge.kind());
                *slot += 1;
            }
        }
        (offsets, callers)
    }

    /// What the graph holds.
    pub fn stats(&self) -> GraphStats {
        let mut edges = [0; UseKind::ALL.len()];
        for edge in &self.edges {
            edges[edge.kind() as usize] += 1;
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
            contexts_from_prototypes: self.contexts_from_prototypes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::qemu_block;
    use crate::extract::{Recognizer, extract};

    fn graph(files: &[(&str, &str)], kinds: EdgeKinds) -> Graph {
        let (contexts, _) = qemu_block();
        let recognizer = Recognizer::new(&contexts);
        let sources: Vec<SourceFile> = files
            .iter()
            .map(|(path, text)| SourceFile {
                path: path.to_string(),
                functions: extract(text.as_bytes(), &recognizer),
            })
            .collect();
        Graph::build(sources, &BuildOptions::new(kinds))
    }

    /// Every edge as `caller@file -> callee@file`.
    fn edges(graph: &Graph) -> Vec<String> {
        let at = |n: NodeId| format!("{}@{}", graph.name(n), graph.file_of(n));
        graph
            .nodes()
            .flat_map(|n| graph.edges_from(n).iter().map(move |e| (n, e.to)))
            .map(|(from, to)| format!("{} -> {}", at(from), at(to)))
            .collect()
    }

    /// Every edge as `caller -kind-> callee`.
    fn kinded_edges(graph: &Graph) -> Vec<String> {
        graph
            .nodes()
            .flat_map(|n| graph.edges_from(n).iter().map(move |e| (n, e)))
            .map(|(from, e)| {
                format!(
                    "{} -{}-> {}",
                    graph.name(from),
                    e.kind().name(),
                    graph.name(e.to)
                )
            })
            .collect()
    }

    #[test]
    fn macros_expand_through_nested_macros_and_stop_at_cycles() {
        let g = graph(
            &[
                (
                    "m.h",
                    "#define A(x) B(x) + f()\n#define B(x) A(x) + g() + IO_CODE()\n",
                ),
                (
                    "a.c",
                    "void f(void) {}\nvoid g(void) {}\nvoid user(void) { A(1); f(); }\n",
                ),
            ],
            EdgeKinds::ALL,
        );
        assert_eq!(
            kinded_edges(&g),
            ["user -macro-> f", "user -macro-> g", "user -call-> f"]
        );
        let user = g.nodes().find(|&n| g.name(n) == "user").unwrap();
        let (contexts, _) = qemu_block();
        let io = contexts.by_name("IO_CODE").unwrap();
        assert!(g.function(user).origins.macro_marker.contains(io));
        assert_eq!(
            g.stats().unresolved_calls,
            0,
            "A is a macro, not a missing function"
        );
        let without = graph(
            &[
                (
                    "m.h",
                    "#define A(x) B(x) + f()\n#define B(x) A(x) + g() + IO_CODE()\n",
                ),
                ("a.c", "void f(void) {}\nvoid user(void) { A(1); }\n"),
            ],
            EdgeKinds::of([UseKind::Call, UseKind::Reference]),
        );
        assert!(kinded_edges(&without).is_empty());
        assert!(without.function(1).contexts.is_empty());
    }

    #[test]
    fn member_calls_reach_every_struct_with_that_field() {
        let g = graph(
            &[
                (
                    "a.c",
                    "static void r1(void) {}\nstatic T1 t1 = { .read = r1 };\n",
                ),
                (
                    "b.c",
                    "static void r2(void) {}\nstatic T2 t2 = { .read = r2, .size = 4 };\n",
                ),
                (
                    "c.c",
                    "void w(void) {}\nvoid setup(S *s) { s->write = w; }\n\
                         void use(S *s) { s->read(); s->write(); s->size(); }\n",
                ),
            ],
            EdgeKinds::ALL,
        );
        let fields: Vec<_> = g
            .nodes()
            .filter(|&n| g.function(n).kind.is_field())
            .map(|n| (g.name(n), g.file_of(n), g.display(n)))
            .collect();
        assert_eq!(
            fields,
            [
                ("T1.read", "a.c", "T1.read".to_string()),
                ("T2.read", "b.c", "T2.read".to_string()),
                ("S.write", "c.c", "S.write".to_string())
            ],
            "sorted by field, then type; the declaration of s shows its type; .size binds \
             no function"
        );
        let mut from_use: Vec<_> = kinded_edges(&g)
            .into_iter()
            .filter(|e| !e.starts_with("setup "))
            .collect();
        from_use.sort();
        assert_eq!(
            from_use,
            [
                "S.write -field-> w",
                "T1.read -field-> r1",
                "T2.read -field-> r2",
                "use -field-> S.write"
            ],
            "s is an S: s->read() reaches no other type's read"
        );
        assert_eq!(g.stats().fields, 3);
        let no_fields = graph(
            &[(
                "a.c",
                "static void r1(void) {}\nstatic T1 t1 = { .read = r1 };\n",
            )],
            EdgeKinds::CALLS_ONLY,
        );
        assert_eq!(no_fields.stats().fields, 0);
    }

    #[test]
    fn a_declared_object_type_narrows_member_calls() {
        let g = graph(
            &[(
                "d.c",
                "static void of(void *p) {}
static void jf(void *p) {}
                 static void anyf(void *p) {}
                 static Object o = { .free = of };
static JobDriver j = { .free = jf };
                 void attach(X *x) { x->y->free = anyf; }
                 void fin(Object *obj) { obj->free(obj); }
                 void chain(X *x) { x->y->free(x); }
                 void local(void) { const JobDriver *drv = get();
 drv->free(0); }
",
            )],
            EdgeKinds::ALL,
        );
        let reached = |user: &str| -> Vec<String> {
            let node = g.nodes().find(|&n| g.name(n) == user).unwrap();
            g.edges_from(node)
                .iter()
                .map(|e| g.name(e.to).to_string())
                .collect()
        };
        assert_eq!(
            reached("fin"),
            [".free", "Object.free"],
            "its own type and the untyped binding"
        );
        assert_eq!(reached("local"), [".free", "JobDriver.free"]);
        assert_eq!(
            reached("chain"),
            [".free", "JobDriver.free", "Object.free"],
            "x->y has no known type"
        );
    }

    #[test]
    fn access_paths_follow_pointer_members() {
        let g = graph(
            &[
                (
                    "s.h",
                    "struct S { struct T *t; U *u; int n; };\nstruct T { int x; };\n\
                     struct W { T *t; };\nstruct W { U *t; };\n",
                ),
                (
                    "a.c",
                    "static void tg(void) {}\nstatic void ug(void) {}\n\
                     static T t = { .go = tg };\nstatic U u = { .go = ug };\n\
                     void via_t(S *s) { s->t->go(); }\nvoid via_u(S *s) { s->u->go(); }\n\
                     void via_n(S *s) { s->n->go(); }\nvoid via_w(W *w) { w->t->go(); }\n",
                ),
            ],
            EdgeKinds::ALL,
        );
        let reached = |user: &str| -> Vec<&str> {
            let node = g.nodes().find(|&n| g.name(n) == user).unwrap();
            g.edges_from(node).iter().map(|e| g.name(e.to)).collect()
        };
        assert_eq!(reached("via_t"), ["T.go"]);
        assert_eq!(reached("via_u"), ["U.go"]);
        assert_eq!(
            reached("via_n"),
            ["T.go", "U.go"],
            "n is not a pointer member"
        );
        assert_eq!(
            reached("via_w"),
            ["T.go", "U.go"],
            "W.t is declared with two types: unknown"
        );
    }

    #[test]
    fn wrappers_are_generated_only_where_nothing_defines_them() {
        let (contexts, _) = qemu_block();
        let recognizer = Recognizer::new(&contexts);
        let wrapper = Wrapper {
            attributes: vec!["co_wrapper".into()],
            pattern: regex::Regex::new("^([^_]+)_(.+)$").unwrap(),
            target: "${1}_co_${2}".into(),
            contexts: ContextSet::default(),
            edge: UseKind::Generated,
        };
        let files = [
            (
                "h.h",
                "int co_wrapper bdrv_flush(void *bs);\nint co_wrapper bdrv_open(int);\n\
                     int co_wrapper bdrv_read(void);\n",
            ),
            (
                "a.c",
                "int bdrv_co_flush(void *bs) { return 0; }\nint bdrv_open(int f) { return f; }\n\
                     void user(void) { bdrv_flush(0); bdrv_read(); }\n",
            ),
        ];
        let sources = files
            .iter()
            .map(|(path, text)| SourceFile {
                path: path.to_string(),
                functions: extract(text.as_bytes(), &recognizer),
            })
            .collect();
        let options = BuildOptions {
            wrappers: std::slice::from_ref(&wrapper),
            ..BuildOptions::new(EdgeKinds::ALL)
        };
        let g = Graph::build(sources, &options);
        let generated: Vec<_> = g
            .nodes()
            .filter(|&n| g.function(n).kind == NodeKind::Generated)
            .map(|n| (g.name(n), g.file_of(n), g.function(n).line))
            .collect();
        assert_eq!(
            generated,
            [("bdrv_flush", "h.h", 1), ("bdrv_read", "h.h", 3)],
            "bdrv_open has a definition"
        );
        assert_eq!(
            kinded_edges(&g),
            [
                "user -call-> bdrv_flush",
                "user -call-> bdrv_read",
                "bdrv_flush -generated-> bdrv_co_flush"
            ],
            "bdrv_co_read is defined nowhere"
        );
    }

    #[test]
    fn edges_keep_kind_and_line_in_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Edge>(), 16);
        for kind in UseKind::ALL {
            let edge = Edge::new(7, kind, 3, 123_456, 9);
            assert_eq!(
                (edge.to, edge.kind(), edge.file, edge.line(), edge.column),
                (7, kind, 3, 123_456, 9)
            );
        }
        let far = Edge::new(0, UseKind::Generated, 0, u32::MAX, 0);
        assert_eq!(
            (far.kind(), far.line()),
            (UseKind::Generated, (1 << LINE_BITS) - 1)
        );
    }

    #[test]
    fn nodes_are_in_file_then_source_order() {
        let g = graph(
            &[
                ("b.c", "void z(void) {}\nvoid a(void) {}"),
                ("a.c", "void z(void) {}"),
            ],
            EdgeKinds::ALL,
        );
        let nodes: Vec<_> = g
            .nodes()
            .map(|n| (g.name(n), g.file_of(n), g.function(n).line))
            .collect();
        assert_eq!(nodes, [("z", "a.c", 1), ("z", "b.c", 1), ("a", "b.c", 2)]);
    }

    #[test]
    fn static_in_own_file_wins_else_every_global() {
        let g = graph(
            &[
                ("a.c", "static void h(void) {}\nvoid f(void) { h(); }"),
                ("b.c", "void h(void) {}\nvoid g(void) { h(); }"),
                ("c.c", "void h(void) {}\nstatic void k(void) {}"),
                ("d.c", "void user(void) { h(); k(); }"),
            ],
            EdgeKinds::ALL,
        );
        assert_eq!(
            edges(&g),
            [
                "f@a.c -> h@a.c",
                "g@b.c -> h@b.c",
                "g@b.c -> h@c.c",
                "user@d.c -> h@b.c",
                "user@d.c -> h@c.c"
            ]
        );
        assert_eq!(
            g.stats().unresolved_calls,
            1,
            "k() is static in another file"
        );
    }

    #[test]
    fn references_count_unless_calls_only() {
        let files = [("a.c", "void cb(void) {}\nvoid f(void) { schedule(cb, x); }")];
        let both = graph(&files, EdgeKinds::ALL);
        assert_eq!(edges(&both), ["f@a.c -> cb@a.c"]);
        let stats = both.stats();
        assert_eq!(
            (
                stats.edges_of(UseKind::Call),
                stats.edges_of(UseKind::Reference),
                stats.unresolved_calls
            ),
            (0, 1, 1)
        );
        assert!(edges(&graph(&files, EdgeKinds::CALLS_ONLY)).is_empty());
    }

    #[test]
    fn edges_can_be_cut() {
        let mut g = graph(
            &[(
                "a.c",
                "void a(void) { b(); c(); }\nvoid b(void) { c(); }\nvoid c(void) {}",
            )],
            EdgeKinds::ALL,
        );
        // Nodes are a, b, c in source order: cut a -> c.
        g.retain_edges(|from, edge| !(from == 0 && edge.to == 2));
        assert_eq!(edges(&g), ["a@a.c -> b@a.c", "b@a.c -> c@a.c"]);
    }

    #[test]
    fn reverse_edges_list_callers() {
        let g = graph(
            &[(
                "a.c",
                "void a(void) { c(); }\nvoid b(void) { c(); b(); }\nvoid c(void) {}",
            )],
            EdgeKinds::ALL,
        );
        let (offsets, callers) = g.reverse();
        let of = |n: usize| &callers[offsets[n] as usize..offsets[n + 1] as usize];
        let callers_of = |n: usize| of(n).iter().map(|(caller, _)| *caller).collect::<Vec<_>>();
        assert_eq!(
            (callers_of(0), callers_of(1), callers_of(2)),
            (vec![], vec![1], vec![0, 1])
        );
        assert_eq!(g.len(), 3);
    }
}
