//! Function definitions to a resolved call graph.
//!
//! Nodes are function definitions, numbered in file order (files sorted by path), then source
//! order: node numbers do not depend on how or in which order the files were read. A name used in
//! a body resolves to the `static` definition of that name in the user's own file if there is
//! one, else to every non-static definition of the name; a name with no definition is a leaf (a
//! call of it is counted as unresolved, a reference to it is just a variable or a type).
//!
//! The graph owns the extracted files and refers to their names, so building it copies no
//! strings; each file's uses resolve on their own, in parallel.

use crate::context::{ContextSet, EdgeKinds};
use crate::extract::UseKind;
use crate::source::SourceFile;
use hashbrown::HashTable;
use rayon::prelude::*;

/// Index of a function in the graph.
pub type NodeId = u32;

/// A function definition in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Index of its file in [`Graph::files`].
    pub file: u32,
    /// Index of its name in its file's name table.
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
}

/// Where a function's contexts came from (a context may come from several places).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origins {
    /// A marker invoked in its body.
    pub marker: ContextSet,
    /// An attribute on its definition.
    pub definition: ContextSet,
    /// An attribute on a prototype of it.
    pub prototype: ContextSet,
}

/// A use of one function by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The function used.
    pub to: NodeId,
    /// Called or only referenced.
    pub kind: UseKind,
    /// Line of the use in the user's file.
    pub line: u32,
    /// Byte column of the use.
    pub column: u32,
}

/// Counts of what the graph holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GraphStats {
    /// Files read.
    pub files: usize,
    /// Function definitions.
    pub functions: usize,
    /// Call edges.
    pub calls: usize,
    /// Reference edges.
    pub references: usize,
    /// Calls of names that no file defines (library functions, macros).
    pub unresolved_calls: usize,
    /// Contexts that functions carry only because a prototype of theirs has the attribute.
    pub contexts_from_prototypes: usize,
}

/// The call graph of a set of files.
#[derive(Debug, Default)]
pub struct Graph {
    /// The files, sorted by path, with what was extracted from them.
    files: Vec<SourceFile>,
    /// Function definitions, in file then source order.
    functions: Vec<Function>,
    /// The node of each file's first definition.
    first_node: Vec<NodeId>,
    /// `edges[offsets[n]..offsets[n + 1]]` are the uses of node `n`, in source order.
    offsets: Vec<u32>,
    edges: Vec<Edge>,
    unresolved_calls: usize,
    contexts_from_prototypes: usize,
}

impl Graph {
    /// Builds the graph of `files`, which it sorts by path.
    pub fn build(mut files: Vec<SourceFile>, kinds: EdgeKinds) -> Graph {
        files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let mut functions = Vec::new();
        let mut first_node = Vec::with_capacity(files.len());
        for (file_index, file) in files.iter().enumerate() {
            first_node.push(functions.len() as NodeId);
            functions.extend(file.functions.functions.iter().map(|def| Function {
                file: file_index as u32,
                name: def.name,
                line: def.line,
                column: def.column,
                is_static: def.is_static,
                contexts: {
                    let mut contexts = def.markers;
                    contexts.extend(def.attributes);
                    contexts
                },
                origins: Origins {
                    marker: def.markers,
                    definition: def.attributes,
                    prototype: ContextSet::default(),
                },
            }));
        }
        // Every definition of each name, as a chain through `same_name` in node order. Names
        // are matched by the hash computed when their file was read, then by text.
        let name_of = |node: NodeId| {
            let function = &functions[node as usize];
            let names = &files[function.file as usize].functions.names;
            (names.hash(function.name), names.get(function.name))
        };
        let mut by_name: HashTable<NameChain> = HashTable::with_capacity(functions.len());
        let mut same_name = vec![NO_NODE; functions.len()];
        for node in 0..functions.len() as NodeId {
            let (hash, name) = name_of(node);
            let same = |chain: &NameChain| chain.hash == hash && name_of(chain.first).1 == name;
            match by_name.find_mut(hash, same) {
                Some(chain) => {
                    same_name[chain.last as usize] = node;
                    chain.last = node;
                }
                None => {
                    let chain = NameChain {
                        hash,
                        first: node,
                        last: node,
                    };
                    by_name.insert_unique(hash, chain, |chain| chain.hash);
                }
            }
        }

        let contexts_from_prototypes =
            apply_prototypes(&files, &mut functions, &by_name, &same_name);

        let resolver = Resolver {
            by_name: &by_name,
            files: &files,
            same_name: &same_name,
            functions: &functions,
            kinds,
        };
        let resolved: Vec<(Vec<Edge>, Vec<u32>, usize)> = files
            .par_iter()
            .enumerate()
            .map(|(file_index, file)| resolver.resolve(file_index as u32, file))
            .collect();

        // Files and their functions are in node order, so their edges are too: concatenate.
        let mut offsets = Vec::with_capacity(functions.len() + 1);
        let mut edges = Vec::with_capacity(resolved.iter().map(|r| r.0.len()).sum());
        let mut unresolved_calls = 0;
        offsets.push(0);
        for (file_edges, ends, unresolved) in resolved {
            let base = edges.len() as u32;
            offsets.extend(ends.iter().map(|end| base + end));
            edges.extend(file_edges);
            unresolved_calls += unresolved;
        }
        drop(by_name);
        Graph {
            files,
            functions,
            first_node,
            offsets,
            edges,
            unresolved_calls,
            contexts_from_prototypes,
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

    /// The name of function `node`.
    pub fn name(&self, node: NodeId) -> &str {
        let function = self.function(node);
        self.files[function.file as usize]
            .functions
            .name(function.name)
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
                callers[*slot as usize] = (from, edge.kind);
                *slot += 1;
            }
        }
        (offsets, callers)
    }

    /// What the graph holds.
    pub fn stats(&self) -> GraphStats {
        let calls = self
            .edges
            .iter()
            .filter(|e| e.kind == UseKind::Call)
            .count();
        GraphStats {
            files: self.files.len(),
            functions: self.functions.len(),
            calls,
            references: self.edges.len() - calls,
            unresolved_calls: self.unresolved_calls,
            contexts_from_prototypes: self.contexts_from_prototypes,
        }
    }
}

/// Gives each definition the contexts of its prototypes: a static prototype speaks for the
/// static definition of its own file, any other for every non-static definition of its name.
/// Returns how many contexts only a prototype gave.
fn apply_prototypes(
    files: &[SourceFile],
    functions: &mut [Function],
    by_name: &HashTable<NameChain>,
    same_name: &[NodeId],
) -> usize {
    let mut added = 0;
    for (file_index, file) in files.iter().enumerate() {
        let names = &file.functions.names;
        for prototype in &file.functions.prototypes {
            let (hash, name) = (names.hash(prototype.name), names.get(prototype.name));
            let same = |chain: &NameChain| {
                let first = &functions[chain.first as usize];
                chain.hash == hash && files[first.file as usize].functions.name(first.name) == name
            };
            let Some(chain) = by_name.find(hash, same) else {
                continue;
            };
            let mut node = chain.first;
            while node != NO_NODE {
                let function = &mut functions[node as usize];
                let applies = if prototype.is_static {
                    function.is_static && function.file == file_index as u32
                } else {
                    !function.is_static
                };
                if applies {
                    let before = function.contexts;
                    function.contexts.extend(prototype.contexts);
                    function.origins.prototype.extend(prototype.contexts);
                    added += function.contexts.iter().count() - before.iter().count();
                }
                node = same_name[node as usize];
            }
        }
    }
    added
}

/// The end of a chain of same-name definitions.
const NO_NODE: NodeId = NodeId::MAX;

/// The definitions of one name: the first and last of a chain through `same_name`.
struct NameChain {
    hash: u64,
    first: NodeId,
    last: NodeId,
}

/// Resolves the names one file uses to the definitions they mean.
struct Resolver<'a> {
    by_name: &'a HashTable<NameChain>,
    files: &'a [SourceFile],
    same_name: &'a [NodeId],
    functions: &'a [Function],
    kinds: EdgeKinds,
}

impl Resolver<'_> {
    fn name(&self, node: NodeId) -> &str {
        let function = &self.functions[node as usize];
        self.files[function.file as usize]
            .functions
            .name(function.name)
    }

    /// The edges of the functions of `file`: all of them in node order, the end of each
    /// function's edges in that list, and how many calls resolved to nothing.
    fn resolve(&self, file_index: u32, file: &SourceFile) -> (Vec<Edge>, Vec<u32>, usize) {
        let extracted = &file.functions;
        // The first definition each of this file's names may resolve to, looked up once.
        let names = &extracted.names;
        let targets: Vec<NodeId> = (0..names.len() as u32)
            .map(|index| {
                let (hash, name) = (names.hash(index), names.get(index));
                let same = |chain: &NameChain| chain.hash == hash && self.name(chain.first) == name;
                self.by_name
                    .find(hash, same)
                    .map_or(NO_NODE, |chain| chain.first)
            })
            .collect();
        let mut edges = Vec::new();
        let mut ends = Vec::with_capacity(extracted.functions.len());
        let mut unresolved_calls = 0;
        for def in &extracted.functions {
            for used in extracted.uses_of(def) {
                if !self.kinds.includes(used.kind) {
                    continue;
                }
                let before = edges.len();
                let definitions = std::iter::successors(
                    Some(targets[used.name as usize]).filter(|&n| n != NO_NODE),
                    |&n| Some(self.same_name[n as usize]).filter(|&n| n != NO_NODE),
                );
                let edge = |to: NodeId| Edge {
                    to,
                    kind: used.kind,
                    line: used.line,
                    column: used.column,
                };
                let own_static = definitions.clone().find(|&n| {
                    let f = &self.functions[n as usize];
                    f.is_static && f.file == file_index
                });
                match own_static {
                    Some(to) => edges.push(edge(to)),
                    None => edges.extend(
                        definitions
                            .filter(|&n| !self.functions[n as usize].is_static)
                            .map(edge),
                    ),
                }
                if edges.len() == before && used.kind == UseKind::Call {
                    unresolved_calls += 1;
                }
            }
            ends.push(edges.len() as u32);
        }
        (edges, ends, unresolved_calls)
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
        Graph::build(sources, kinds)
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

    #[test]
    fn nodes_are_in_file_then_source_order() {
        let g = graph(
            &[
                ("b.c", "void z(void) {}\nvoid a(void) {}"),
                ("a.c", "void z(void) {}"),
            ],
            EdgeKinds::CallsAndReferences,
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
            EdgeKinds::CallsAndReferences,
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
        let both = graph(&files, EdgeKinds::CallsAndReferences);
        assert_eq!(edges(&both), ["f@a.c -> cb@a.c"]);
        let stats = both.stats();
        assert_eq!(
            (stats.calls, stats.references, stats.unresolved_calls),
            (0, 1, 1)
        );
        assert!(edges(&graph(&files, EdgeKinds::CallsOnly)).is_empty());
    }

    #[test]
    fn edges_can_be_cut() {
        let mut g = graph(
            &[(
                "a.c",
                "void a(void) { b(); c(); }\nvoid b(void) { c(); }\nvoid c(void) {}",
            )],
            EdgeKinds::CallsAndReferences,
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
            EdgeKinds::CallsAndReferences,
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
