//! Questions asked of the call graph instead of reading code: who calls a function, what it
//! calls, how one function reaches another, which functions carry a context, and the graph
//! around a function. Every walk is iterative (no recursion) and visits each function once.
//!
//! Queries return data; [`crate::report::query`] writes it.

use crate::context::{ContextId, Contexts};
use crate::error::Error;
use crate::graph::{CallerUse, Edge, Graph};
use crate::model::{EdgeKinds, NodeId, UseKind};
use crate::spelling;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path as FilePath;

/// Which way a tree follows edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From a function to the functions it uses.
    Callees,
    /// From a function to the functions that use it.
    Callers,
}

/// One line of a tree: a function at some depth, reached through a use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeLine {
    /// 0 for a root.
    pub depth: usize,
    /// The function.
    pub node: NodeId,
    /// How the use between this line and its parent is made (none for a root).
    pub kind: Option<UseKind>,
    /// Line of that use, in the caller's file unless `use_file` says otherwise.
    pub use_line: Option<u32>,
    /// The file of the use (an index for [`Graph::path`]) where it is not the caller's: a
    /// field's binding.
    pub use_file: Option<u32>,
    /// Already shown above: not expanded again.
    pub repeated: bool,
}

/// The functions named `name`, in node order; none is [`Error::UnknownFunction`]. `FILE:NAME`
/// picks those defined in FILE (a path as read, or its last components: `raw.c`,
/// `block/raw.c`), to tell same-named static functions apart.
pub fn named(graph: &Graph, name: &str) -> Result<Vec<NodeId>, Error> {
    let (file, bare) = match name.rsplit_once(':') {
        Some((file, bare)) if !file.is_empty() => (Some(FilePath::new(file)), bare),
        _ => (None, name),
    };
    let same_name: Vec<NodeId> = graph.nodes().filter(|&n| graph.name(n) == bare).collect();
    let in_file =
        |n: &NodeId| file.is_none_or(|file| FilePath::new(graph.file_of(*n)).ends_with(file));
    let nodes: Vec<NodeId> = same_name.iter().copied().filter(in_file).collect();
    if nodes.is_empty() {
        // Where the name is defined elsewhere, those definitions are the suggestions.
        let similar: Vec<String> = match (file, same_name.is_empty()) {
            (Some(_), false) => same_name
                .iter()
                .map(|&n| format!("{}:{bare}", graph.file_of(n)))
                .collect(),
            _ => spelling::similar(bare, graph.nodes().map(|n| graph.name(n)))
                .into_iter()
                .map(str::to_string)
                .collect(),
        };
        return Err(Error::UnknownFunction {
            name: name.to_string(),
            similar,
        });
    }
    Ok(nodes)
}

/// The tree of callers or callees of `roots`, `depth` levels deep, depth first in node order.
/// A function is expanded once; later appearances are marked `repeated`.
pub fn tree(
    graph: &Graph,
    roots: &[NodeId],
    direction: Direction,
    depth: usize,
    kinds: EdgeKinds,
) -> Vec<TreeLine> {
    let reverse = (direction == Direction::Callers).then(|| graph.reverse());
    // (node, kind, use line, use file) of each neighbour of `node`, in order.
    let neighbours = |node: NodeId| -> Vec<(NodeId, UseKind, u32, Option<u32>)> {
        match &reverse {
            None => graph
                .edges_from(node)
                .iter()
                .filter(|e| kinds.includes(e.kind()))
                .map(|e| {
                    (
                        e.to,
                        e.kind(),
                        e.line(),
                        graph.use_file_elsewhere(node, e.file),
                    )
                })
                .collect(),
            Some(callers) => callers
                .of(node)
                .filter(|used| kinds.includes(used.kind))
                .map(|CallerUse { caller, kind, .. }| {
                    let edge = graph
                        .edges_from(caller)
                        .iter()
                        .find(|e| e.to == node && e.kind() == kind);
                    let line = edge.map_or(0, |e| e.line());
                    let file = edge.and_then(|e| graph.use_file_elsewhere(caller, e.file));
                    (caller, kind, line, file)
                })
                .collect(),
        }
    };
    let mut lines = Vec::new();
    let mut expanded = vec![false; graph.len()];
    let mut stack: Vec<TreeLine> = roots
        .iter()
        .rev()
        .map(|&node| TreeLine {
            depth: 0,
            node,
            kind: None,
            use_line: None,
            use_file: None,
            repeated: false,
        })
        .collect();
    while let Some(mut line) = stack.pop() {
        line.repeated = expanded[line.node as usize];
        if !line.repeated && line.depth < depth {
            expanded[line.node as usize] = true;
            for (next, kind, use_line, use_file) in neighbours(line.node).into_iter().rev() {
                stack.push(TreeLine {
                    depth: line.depth + 1,
                    node: next,
                    kind: Some(kind),
                    use_line: Some(use_line),
                    use_file,
                    repeated: false,
                });
            }
        }
        lines.push(line);
    }
    lines
}

/// The use that leads into a step: kind, line, and the use's file where it is not the user's.
pub type Via = (UseKind, u32, Option<u32>);

/// A function on a path, with the use that led into it; none for the first.
pub type PathStep = (NodeId, Option<Via>);

/// A shortest path from any of `from` to any of `to` (both included), following `kinds`.
pub fn shortest_path(
    graph: &Graph,
    from: &[NodeId],
    to: &[NodeId],
    kinds: EdgeKinds,
) -> Option<Vec<PathStep>> {
    let mut parent: Vec<Option<(NodeId, Via)>> = vec![None; graph.len()];
    let mut seen = vec![false; graph.len()];
    let mut queue = VecDeque::new();
    for &node in from {
        seen[node as usize] = true;
        queue.push_back(node);
    }
    let is_target = |node: NodeId| to.contains(&node);
    while let Some(node) = queue.pop_front() {
        if is_target(node) {
            // Walk back to a start, each entry holding the use that led into its function.
            let mut path = Vec::new();
            let mut at = node;
            while let Some((previous, via)) = parent[at as usize] {
                path.push((at, Some(via)));
                at = previous;
            }
            path.push((at, None));
            path.reverse();
            return Some(path);
        }
        for edge in graph.edges_from(node) {
            if kinds.includes(edge.kind()) && !seen[edge.to as usize] {
                seen[edge.to as usize] = true;
                let file = graph.use_file_elsewhere(node, edge.file);
                parent[edge.to as usize] = Some((node, (edge.kind(), edge.line(), file)));
                queue.push_back(edge.to);
            }
        }
    }
    None
}

/// The functions within `depth` uses of `focus` in either direction, and the edges among them.
pub fn neighbourhood(graph: &Graph, focus: &[NodeId], depth: usize, kinds: EdgeKinds) -> Picture {
    let callers = graph.reverse();
    let mut distance = vec![usize::MAX; graph.len()];
    let mut queue = VecDeque::new();
    for &node in focus {
        distance[node as usize] = 0;
        queue.push_back(node);
    }
    while let Some(node) = queue.pop_front() {
        let d = distance[node as usize];
        if d == depth {
            continue;
        }
        let forward = graph
            .edges_from(node)
            .iter()
            .filter(|e| kinds.includes(e.kind()))
            .map(|e| e.to);
        let backward = callers
            .of(node)
            .filter(|used| kinds.includes(used.kind))
            .map(|used| used.caller);
        for next in forward.chain(backward) {
            if distance[next as usize] == usize::MAX {
                distance[next as usize] = d + 1;
                queue.push_back(next);
            }
        }
    }
    let mut picture = Picture::default();
    picture.highlighted.extend(focus.iter().copied());
    for node in graph.nodes() {
        if distance[node as usize] == usize::MAX {
            continue;
        }
        picture.nodes.insert(node);
        for edge in graph.edges_from(node) {
            if kinds.includes(edge.kind()) && distance[edge.to as usize] != usize::MAX {
                picture.add_edge(node, edge);
            }
        }
    }
    picture
}

/// The whole graph as a picture (edges of `kinds` only).
pub fn whole(graph: &Graph, kinds: EdgeKinds) -> Picture {
    let mut picture = Picture::default();
    for node in graph.nodes() {
        picture.nodes.insert(node);
        for edge in graph.edges_from(node) {
            if kinds.includes(edge.kind()) {
                picture.add_edge(node, edge);
            }
        }
    }
    picture
}

/// A path as [`shortest_path`] returns it.
pub type Path = [PathStep];

/// A sub-graph to draw.
#[derive(Debug, Default)]
pub struct Picture {
    /// The functions, drawn in increasing order.
    pub nodes: BTreeSet<NodeId>,
    /// The edges, as (from, to, kind of use), drawn in increasing order.
    pub edges: BTreeSet<(NodeId, NodeId, UseKind)>,
    /// Functions drawn with a thick border (where violations start, or the focus).
    pub highlighted: BTreeSet<NodeId>,
    /// What a cap on the number of functions left out, if it left out anything.
    pub omitted: Option<Omitted>,
}

/// What [`cap`] left out of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Omitted {
    /// The cap: at most this many functions are drawn.
    pub max_nodes: usize,
    /// Functions left out.
    pub functions: usize,
    /// Of how many.
    pub of_functions: usize,
    /// Edges left out (those with an end left out).
    pub edges: usize,
    /// Of how many.
    pub of_edges: usize,
    /// The picture had a focus to measure nearness from.
    pub focused: bool,
}

impl Omitted {
    /// What was left out, in words: for the picture's legend and for stderr.
    pub fn sentence(&self) -> String {
        let kept = match self.focused {
            true => "the nearest to the focus, then by name",
            false => "by name",
        };
        format!(
            "--max-nodes {}: {} of {} functions and {} of {} edges left out (kept: {kept})",
            self.max_nodes, self.functions, self.of_functions, self.edges, self.of_edges
        )
    }
}

/// Keeps at most `max_nodes` functions of `picture`: the nearest to its highlighted functions
/// (the focus) first, counting uses either way, then by name, file and line; edges with an end
/// left out go too. Says what it left out in [`Picture::omitted`]. The same picture and cap
/// always keep the same functions.
pub fn cap(graph: &Graph, picture: &mut Picture, max_nodes: usize) {
    if picture.nodes.len() <= max_nodes {
        return;
    }
    // Distances inside the picture, from the highlighted functions, both ways along its edges.
    let mut neighbours: BTreeMap<NodeId, Vec<NodeId>> = BTreeMap::new();
    for &(from, to, _) in &picture.edges {
        neighbours.entry(from).or_default().push(to);
        neighbours.entry(to).or_default().push(from);
    }
    let mut distance: BTreeMap<NodeId, usize> = BTreeMap::new();
    let mut queue: VecDeque<NodeId> = picture.highlighted.iter().copied().collect();
    for &node in &queue {
        distance.insert(node, 0);
    }
    while let Some(node) = queue.pop_front() {
        let next_distance = distance[&node] + 1;
        for &next in neighbours.get(&node).into_iter().flatten() {
            if let std::collections::btree_map::Entry::Vacant(slot) = distance.entry(next) {
                slot.insert(next_distance);
                queue.push_back(next);
            }
        }
    }
    let mut order: Vec<NodeId> = picture.nodes.iter().copied().collect();
    order.sort_by_key(|&n| {
        let far = distance.get(&n).copied().unwrap_or(usize::MAX);
        (
            far,
            graph.name(n),
            graph.file_of(n),
            graph.function(n).line,
            n,
        )
    });
    let kept: BTreeSet<NodeId> = order.into_iter().take(max_nodes).collect();
    let (of_functions, of_edges) = (picture.nodes.len(), picture.edges.len());
    picture
        .edges
        .retain(|(from, to, _)| kept.contains(from) && kept.contains(to));
    picture.highlighted.retain(|node| kept.contains(node));
    picture.nodes = kept;
    picture.omitted = Some(Omitted {
        max_nodes,
        functions: of_functions - picture.nodes.len(),
        of_functions,
        edges: of_edges - picture.edges.len(),
        of_edges,
        focused: !distance.is_empty(),
    });
}

impl Picture {
    /// Adds the edge `edge` from `from`, and both its ends.
    pub fn add_edge(&mut self, from: NodeId, edge: &Edge) {
        self.nodes.insert(from);
        self.nodes.insert(edge.to);
        self.edges.insert((from, edge.to, edge.kind()));
    }
}

/// The functions that carry `context`, by name, file and line.
pub fn annotated(graph: &Graph, context: ContextId) -> Vec<NodeId> {
    let mut nodes: Vec<NodeId> = graph
        .nodes()
        .filter(|&n| graph.function(n).contexts.contains(context))
        .collect();
    nodes.sort_by_key(|&n| (graph.name(n), graph.file_of(n), graph.function(n).line));
    nodes
}

/// The contexts to list: `only`, or all.
pub fn listed(contexts: &Contexts, only: Option<ContextId>) -> Vec<ContextId> {
    match only {
        Some(context) => vec![context],
        None => contexts.iter().map(|(id, _)| id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::qemu_block;
    use crate::extract::{Recognizer, extract};
    use crate::graph::BuildOptions;
    use crate::source::SourceFile;

    fn graph(text: &str) -> Graph {
        let (contexts, _) = qemu_block();
        let files = vec![SourceFile {
            path: "a.c".into(),
            functions: Box::new(extract(text.as_bytes(), &Recognizer::new(&contexts))),
        }];
        Graph::build(files, &BuildOptions::new(EdgeKinds::ALL))
    }

    const TEXT: &str = "void a(void) { b(); c(); }\nvoid b(void) { c(); run(d); }\n\
                        void c(void) { a(); }\nvoid d(void) { }\n";

    fn names(graph: &Graph, lines: &[TreeLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                let mark = if l.repeated { "*" } else { "" };
                format!("{}{}{mark}", l.depth, graph.name(l.node))
            })
            .collect()
    }

    #[test]
    fn callee_tree_expands_each_function_once() {
        let g = graph(TEXT);
        let lines = tree(
            &g,
            &named(&g, "a").unwrap(),
            Direction::Callees,
            5,
            EdgeKinds::ALL,
        );
        assert_eq!(names(&g, &lines), ["0a", "1b", "2c", "3a*", "2d", "1c*"]);
        let calls = tree(
            &g,
            &named(&g, "a").unwrap(),
            Direction::Callees,
            5,
            EdgeKinds::CALLS_ONLY,
        );
        assert_eq!(names(&g, &calls), ["0a", "1b", "2c", "3a*", "1c*"]);
        let shallow = tree(
            &g,
            &named(&g, "a").unwrap(),
            Direction::Callees,
            1,
            EdgeKinds::ALL,
        );
        assert_eq!(names(&g, &shallow), ["0a", "1b", "1c"]);
    }

    #[test]
    fn caller_tree_with_use_lines() {
        let g = graph(TEXT);
        let lines = tree(
            &g,
            &named(&g, "c").unwrap(),
            Direction::Callers,
            1,
            EdgeKinds::ALL,
        );
        assert_eq!(names(&g, &lines), ["0c", "1a", "1b"]);
        assert_eq!(lines[2].use_line, Some(2));
    }

    #[test]
    fn shortest_path_or_none() {
        let g = graph(TEXT);
        let path = shortest_path(
            &g,
            &named(&g, "c").unwrap(),
            &named(&g, "d").unwrap(),
            EdgeKinds::ALL,
        )
        .unwrap();
        let steps: Vec<_> = path.iter().map(|(n, u)| (g.name(*n), *u)).collect();
        assert_eq!(
            steps,
            [
                ("c", None),
                ("a", Some((UseKind::Call, 3, None))),
                ("b", Some((UseKind::Call, 1, None))),
                ("d", Some((UseKind::Reference, 2, None)))
            ]
        );
        assert!(
            shortest_path(
                &g,
                &named(&g, "c").unwrap(),
                &named(&g, "d").unwrap(),
                EdgeKinds::CALLS_ONLY
            )
            .is_none()
        );
        assert!(
            shortest_path(
                &g,
                &named(&g, "d").unwrap(),
                &named(&g, "a").unwrap(),
                EdgeKinds::ALL
            )
            .is_none()
        );
    }

    #[test]
    fn neighbourhood_goes_both_ways() {
        let g = graph(TEXT);
        let picture = neighbourhood(&g, &named(&g, "d").unwrap(), 1, EdgeKinds::ALL);
        let nodes: Vec<_> = picture.nodes.iter().map(|&n| g.name(n)).collect();
        assert_eq!(nodes, ["b", "d"]);
        assert_eq!(picture.edges.len(), 1);
    }

    #[test]
    fn a_cap_keeps_the_nearest_then_by_name() {
        let g = graph(TEXT);
        // Around d, two levels: b at 1; a and c at 2.
        let mut picture = neighbourhood(&g, &named(&g, "d").unwrap(), 2, EdgeKinds::ALL);
        assert_eq!(picture.nodes.len(), 4);
        cap(&g, &mut picture, 3);
        let nodes: Vec<_> = picture.nodes.iter().map(|&n| g.name(n)).collect();
        assert_eq!(
            nodes,
            ["a", "b", "d"],
            "c is as far as a, and after it by name"
        );
        let omitted = picture.omitted.unwrap();
        assert_eq!((omitted.functions, omitted.of_functions), (1, 4));
        assert!(
            picture
                .edges
                .iter()
                .all(|(f, t, _)| g.name(*f) != "c" && g.name(*t) != "c")
        );
        assert_eq!(omitted.edges + picture.edges.len(), omitted.of_edges);
        let mut small = neighbourhood(&g, &named(&g, "d").unwrap(), 2, EdgeKinds::ALL);
        cap(&g, &mut small, 4);
        assert!(small.omitted.is_none(), "nothing to leave out");
    }
}
