//! Function definitions to a resolved call graph.
//!
//! Nodes are function definitions, numbered in the order of (name, file, line), so that node order
//! is the order reports are sorted in and does not depend on how the files were read. A name used
//! in a body resolves to the `static` definition of that name in the user's own file if there is
//! one, else to every non-static definition of the name; a name with no definition is a leaf (a
//! call to it is counted as unresolved, a reference to it is just a variable or a type).

use crate::context::ContextSet;
use crate::extract::UseKind;
use crate::source::SourceFile;
use rustc_hash::FxHashMap;

/// Index of a function in [`Graph::functions`].
pub type NodeId = u32;

/// A function definition in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Its name.
    pub name: Box<str>,
    /// Index into [`Graph::files`].
    pub file: u32,
    /// Line of its name.
    pub line: u32,
    /// Declared `static`.
    pub is_static: bool,
    /// The contexts it carries.
    pub contexts: ContextSet,
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
}

/// Which uses become edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKinds {
    /// Calls and references (a callback handed on runs on someone's behalf).
    CallsAndReferences,
    /// Direct calls only.
    CallsOnly,
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
}

/// The call graph of a set of files.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// File paths, sorted; functions refer to them by index.
    pub files: Vec<String>,
    /// Function definitions, sorted by (name, file, line).
    pub functions: Vec<Function>,
    /// `edges[offsets[n]..offsets[n + 1]]` are the uses of node `n`, in source order.
    offsets: Vec<u32>,
    edges: Vec<Edge>,
    unresolved_calls: usize,
}

impl Graph {
    /// Builds the graph of `files`, which must be sorted by path.
    pub fn build(files: &[SourceFile], kinds: EdgeKinds) -> Graph {
        debug_assert!(files.windows(2).all(|w| w[0].path <= w[1].path));
        // Number the definitions in (name, file, line) order.
        let mut order: Vec<(&str, u32, u32, usize)> = Vec::new();
        for (file_index, file) in files.iter().enumerate() {
            for (def_index, def) in file.functions.functions.iter().enumerate() {
                let name = file.functions.name(def.name);
                order.push((name, file_index as u32, def.line, def_index));
            }
        }
        order.sort_unstable();
        let mut node_of: Vec<Vec<NodeId>> = files
            .iter()
            .map(|f| vec![0; f.functions.functions.len()])
            .collect();
        let mut by_name: FxHashMap<&str, (NodeId, NodeId)> = FxHashMap::default();
        let mut functions = Vec::with_capacity(order.len());
        for (node, &(name, file, line, def_index)) in order.iter().enumerate() {
            let node = node as NodeId;
            node_of[file as usize][def_index] = node;
            by_name.entry(name).or_insert((node, node)).1 = node + 1;
            let def = &files[file as usize].functions.functions[def_index];
            functions.push(Function {
                name: name.into(),
                file,
                line,
                is_static: def.is_static,
                contexts: def.contexts,
            });
        }

        let mut adjacency: Vec<Vec<Edge>> = vec![Vec::new(); functions.len()];
        let mut unresolved_calls = 0;
        for (file_index, file) in files.iter().enumerate() {
            let extracted = &file.functions;
            // The definitions each of this file's names may resolve to, looked up once per name.
            let targets: Vec<Option<(NodeId, NodeId)>> = extracted
                .names
                .iter()
                .map(|name| by_name.get(&**name).copied())
                .collect();
            for (def_index, def) in extracted.functions.iter().enumerate() {
                let from = node_of[file_index][def_index] as usize;
                for used in &def.uses {
                    if kinds == EdgeKinds::CallsOnly && used.kind == UseKind::Reference {
                        continue;
                    }
                    let Some((start, end)) = targets[used.name as usize] else {
                        unresolved_calls += usize::from(used.kind == UseKind::Call);
                        continue;
                    };
                    let candidates = &functions[start as usize..end as usize];
                    let edge = |to: usize| Edge {
                        to: start + to as NodeId,
                        kind: used.kind,
                        line: used.line,
                    };
                    let own_static = candidates
                        .iter()
                        .position(|f| f.is_static && f.file == file_index as u32);
                    let before = adjacency[from].len();
                    match own_static {
                        Some(to) => adjacency[from].push(edge(to)),
                        None => adjacency[from].extend(
                            candidates
                                .iter()
                                .enumerate()
                                .filter(|(_, f)| !f.is_static)
                                .map(|(to, _)| edge(to)),
                        ),
                    }
                    if adjacency[from].len() == before && used.kind == UseKind::Call {
                        unresolved_calls += 1;
                    }
                }
            }
        }

        let mut offsets = Vec::with_capacity(functions.len() + 1);
        let mut edges = Vec::with_capacity(adjacency.iter().map(Vec::len).sum());
        offsets.push(0);
        for list in adjacency {
            edges.extend(list);
            offsets.push(edges.len() as u32);
        }
        Graph {
            files: files.iter().map(|f| f.path.clone()).collect(),
            functions,
            offsets,
            edges,
            unresolved_calls,
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

    /// The path of the file that defines `node`.
    pub fn file_of(&self, node: NodeId) -> &str {
        &self.files[self.function(node).file as usize]
    }

    /// Every node, in order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + use<> {
        0..self.functions.len() as NodeId
    }

    /// For each node, the nodes that use it: `(offsets, callers)` in the same layout as the
    /// forward edges, callers of each node in increasing order.
    pub fn reverse(&self) -> (Vec<u32>, Vec<NodeId>) {
        let mut counts = vec![0u32; self.functions.len() + 1];
        for edge in &self.edges {
            counts[edge.to as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let offsets = counts.clone();
        let mut fill = counts;
        let mut callers = vec![0; self.edges.len()];
        for from in self.nodes() {
            for edge in self.edges_from(from) {
                let slot = &mut fill[edge.to as usize];
                callers[*slot as usize] = from;
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::qemu_block;
    use crate::extract::{Markers, extract};

    fn graph(files: &[(&str, &str)], kinds: EdgeKinds) -> Graph {
        let (contexts, _) = qemu_block();
        let markers = Markers::new(&contexts);
        let mut sources: Vec<SourceFile> = files
            .iter()
            .map(|(path, text)| SourceFile {
                path: path.to_string(),
                functions: extract(text.as_bytes(), &markers),
            })
            .collect();
        sources.sort_by(|a, b| a.path.cmp(&b.path));
        Graph::build(&sources, kinds)
    }

    /// Every edge as `caller@file -> callee@file`.
    fn edges(graph: &Graph) -> Vec<String> {
        let at = |n: NodeId| format!("{}@{}", graph.function(n).name, graph.file_of(n));
        graph
            .nodes()
            .flat_map(|n| graph.edges_from(n).iter().map(move |e| (n, e.to)))
            .map(|(from, to)| format!("{} -> {}", at(from), at(to)))
            .collect()
    }

    #[test]
    fn nodes_are_sorted_by_name_file_line() {
        let g = graph(
            &[
                ("b.c", "void z(void) {}\nvoid a(void) {}"),
                ("a.c", "void z(void) {}"),
            ],
            EdgeKinds::CallsAndReferences,
        );
        let nodes: Vec<_> = g
            .functions
            .iter()
            .map(|f| (f.name.as_ref(), g.files[f.file as usize].as_str(), f.line))
            .collect();
        assert_eq!(nodes, [("a", "b.c", 2), ("z", "a.c", 1), ("z", "b.c", 1)]);
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
        assert_eq!((of(0), of(1), of(2)), (&[][..], &[1][..], &[0, 1][..]));
    }
}
