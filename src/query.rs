//! Questions asked of the call graph instead of reading code: who calls a function, what it
//! calls, how one function reaches another, which functions carry a context, and the graph
//! around a function. Every walk is iterative (no recursion) and visits each function once.

use crate::context::{ContextId, Contexts};
use crate::graph::{Graph, NodeKind};
use crate::model::{EdgeKinds, NodeId, UseKind};
use crate::report::dot::Picture;
use crate::report::{arrow, back_arrow, write_json_line};
use serde::Serialize;
use std::collections::VecDeque;
use std::io::{self, Write};

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
    /// The file of the use (in [`Graph::files`]) where it is not the caller's: a field's binding.
    pub use_file: Option<u32>,
    /// Already shown above: not expanded again.
    pub repeated: bool,
}

/// The functions named `name`, in node order.
pub fn named(graph: &Graph, name: &str) -> Vec<NodeId> {
    graph.nodes().filter(|&n| graph.name(n) == name).collect()
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
            Some((offsets, callers)) => {
                let range = offsets[node as usize] as usize..offsets[node as usize + 1] as usize;
                callers[range]
                    .iter()
                    .filter(|(_, kind)| kinds.includes(*kind))
                    .map(|&(caller, kind)| {
                        let edge = graph
                            .edges_from(caller)
                            .iter()
                            .find(|e| e.to == node && e.kind() == kind);
                        let line = edge.map_or(0, |e| e.line());
                        let file = edge.and_then(|e| graph.use_file_elsewhere(caller, e.file));
                        (caller, kind, line, file)
                    })
                    .collect()
            }
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
    let (offsets, callers) = graph.reverse();
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
        let range = offsets[node as usize] as usize..offsets[node as usize + 1] as usize;
        let forward = graph
            .edges_from(node)
            .iter()
            .filter(|e| kinds.includes(e.kind()))
            .map(|e| e.to);
        let backward = callers[range]
            .iter()
            .filter(|(_, kind)| kinds.includes(*kind))
            .map(|(caller, _)| *caller);
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

/// Writes a path one function a line: `file:line  name()`, then how the next is reached.
pub fn write_path(out: &mut impl Write, graph: &Graph, path: &Path) -> io::Result<()> {
    for &(node, via) in path {
        let arrow = via.map_or("  ", |(kind, _, _)| arrow(kind));
        write!(
            out,
            "{arrow} {}  {}:{}",
            graph.display(node),
            graph.file_of(node),
            graph.function(node).line
        )?;
        match via {
            Some((_, line, None)) => write!(out, "  (used at line {line})")?,
            Some((_, line, Some(file))) => write!(out, "  (used at {}:{line})", graph.path(file))?,
            None => {}
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Writes a path as `{"path":[{"name":..,"file":..,"line":..,"kind":..,"use_line":..}]}`.
pub fn write_path_json(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    path: &Path,
) -> io::Result<()> {
    let lines: Vec<JsonTreeLine> = path
        .iter()
        .enumerate()
        .map(|(depth, &(node, via))| JsonTreeLine {
            depth,
            function: JsonFunction::new(graph, contexts, node),
            kind: via.map(|(kind, _, _)| kind.name()),
            use_line: via.map(|(_, line, _)| line),
            use_file: via
                .and_then(|(_, _, file)| file)
                .map(|file| graph.path(file)),
            repeated: false,
        })
        .collect();
    write_json_line(out, &serde_json::json!({ "path": lines }))
}

/// Where a function's context came from, in words.
fn origins(graph: &Graph, node: NodeId, context: ContextId) -> Vec<&'static str> {
    let function = graph.function(node);
    let origins = function.origins;
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

/// The functions that carry `context`, by name, file and line.
fn annotated(graph: &Graph, context: ContextId) -> Vec<NodeId> {
    let mut nodes: Vec<NodeId> = graph
        .nodes()
        .filter(|&n| graph.function(n).contexts.contains(context))
        .collect();
    nodes.sort_by_key(|&n| (graph.name(n), graph.file_of(n), graph.function(n).line));
    nodes
}

/// The contexts to list: `only`, or all.
fn listed(contexts: &Contexts, only: Option<ContextId>) -> Vec<ContextId> {
    match only {
        Some(context) => vec![context],
        None => contexts.iter().map(|(id, _)| id).collect(),
    }
}

/// Writes each context (or `only`) with its functions, sorted by name, and where the context
/// came from.
pub fn write_contexts(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    only: Option<ContextId>,
) -> io::Result<()> {
    for context in listed(contexts, only) {
        let nodes = annotated(graph, context);
        writeln!(
            out,
            "{} ({} function{})",
            contexts.display(context),
            nodes.len(),
            if nodes.len() == 1 { "" } else { "s" }
        )?;
        for node in nodes {
            writeln!(
                out,
                "  {}  {}:{}  ({})",
                graph.display(node),
                graph.file_of(node),
                graph.function(node).line,
                origins(graph, node, context).join(", ")
            )?;
        }
    }
    if only.is_none() && !graph.aliases().is_empty() {
        writeln!(out, "aliases ({})", graph.aliases().len())?;
        for (alias, words) in graph.aliases() {
            let names: Vec<&str> = words.iter().map(|c| contexts.name(c)).collect();
            writeln!(out, "  {alias}  = {}", names.join(" "))?;
        }
    }
    for cycle in graph.alias_cycles() {
        writeln!(out, "cyclic alias: {cycle} expands to itself")?;
    }
    Ok(())
}

/// Writes the contexts as `{"contexts":[{"name":..,"functions":[{..,"origins":[..]}]}]}`.
pub fn write_contexts_json(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    only: Option<ContextId>,
) -> io::Result<()> {
    let listed: Vec<serde_json::Value> = listed(contexts, only)
        .into_iter()
        .map(|context| {
            let functions: Vec<serde_json::Value> = annotated(graph, context)
                .into_iter()
                .map(|n| {
                    let mut value = serde_json::to_value(JsonFunction::new(graph, contexts, n))
                        .unwrap_or_default();
                    value["origins"] = serde_json::json!(origins(graph, n, context));
                    value
                })
                .collect();
            serde_json::json!({"name": contexts.name(context), "functions": functions})
        })
        .collect();
    let aliases: Vec<serde_json::Value> = graph
        .aliases()
        .iter()
        .map(|(alias, words)| {
            let names: Vec<&str> = words.iter().map(|c| contexts.name(c)).collect();
            serde_json::json!({"name": alias, "contexts": names})
        })
        .collect();
    write_json_line(
        out,
        &serde_json::json!({ "contexts": listed, "aliases": aliases, "cyclic_aliases": graph.alias_cycles() }),
    )
}

/// Writes a tree, indented two spaces a level: `<-` for callers, `->` for callees, `~>`/`<~`
/// for references.
pub fn write_tree(
    out: &mut impl Write,
    graph: &Graph,
    lines: &[TreeLine],
    direction: Direction,
) -> io::Result<()> {
    for line in lines {
        let arrow = match (direction, line.kind) {
            (_, None) => String::new(),
            (Direction::Callees, Some(kind)) => format!("{} ", arrow(kind)),
            (Direction::Callers, Some(kind)) => format!("{} ", back_arrow(kind)),
        };
        let function = graph.function(line.node);
        write!(
            out,
            "{}{arrow}{}  {}:{}",
            "  ".repeat(line.depth),
            graph.display(line.node),
            graph.file_of(line.node),
            function.line
        )?;
        if let Some(use_line) = line.use_line {
            let site = match direction {
                Direction::Callees => "used at",
                Direction::Callers => "uses it at",
            };
            match line.use_file {
                Some(file) => write!(out, "  ({site} {}:{use_line})", graph.path(file))?,
                None => write!(out, "  ({site} line {use_line})")?,
            }
        }
        if line.repeated {
            write!(out, "  (see above)")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A function as JSON.
#[derive(Serialize)]
pub struct JsonFunction<'a> {
    name: &'a str,
    file: &'a str,
    line: u32,
    #[serde(rename = "static")]
    is_static: bool,
    contexts: Vec<&'a str>,
}

impl<'a> JsonFunction<'a> {
    /// Function `node` of `graph`.
    pub fn new(graph: &'a Graph, contexts: &'a Contexts, node: NodeId) -> Self {
        let function = graph.function(node);
        JsonFunction {
            name: graph.name(node),
            file: graph.file_of(node),
            line: function.line,
            is_static: function.is_static,
            contexts: function.contexts.iter().map(|c| contexts.name(c)).collect(),
        }
    }
}

#[derive(Serialize)]
struct JsonTreeLine<'a> {
    depth: usize,
    #[serde(flatten)]
    function: JsonFunction<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    use_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    use_file: Option<&'a str>,
    repeated: bool,
}

/// Writes a tree as `{"tree":[{"depth":..,"name":..,...}]}`, in display order.
pub fn write_tree_json(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    lines: &[TreeLine],
) -> io::Result<()> {
    let tree: Vec<JsonTreeLine> = lines
        .iter()
        .map(|line| JsonTreeLine {
            depth: line.depth,
            function: JsonFunction::new(graph, contexts, line.node),
            kind: line.kind.map(UseKind::name),
            use_line: line.use_line,
            use_file: line.use_file.map(|file| graph.path(file)),
            repeated: line.repeated,
        })
        .collect();
    write_json_line(out, &serde_json::json!({ "tree": tree }))
}

/// Writes a picture as `{"functions":[...],"edges":[...]}`.
pub fn write_graph_json(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    picture: &Picture,
) -> io::Result<()> {
    let functions: Vec<JsonFunction> = picture
        .nodes
        .iter()
        .map(|&n| JsonFunction::new(graph, contexts, n))
        .collect();
    let end = |n: NodeId| serde_json::json!({"name": graph.name(n), "file": graph.file_of(n)});
    let edges: Vec<serde_json::Value> = picture
        .edges
        .iter()
        .map(|&(from, to, reference)| {
            let kind = if reference {
                UseKind::Reference
            } else {
                UseKind::Call
            };
            let line = graph
                .edges_from(from)
                .iter()
                .find(|e| e.to == to && e.kind() == kind)
                .map_or(0, |e| e.line());
            serde_json::json!({"from": end(from), "to": end(to), "kind": kind.name(), "line": line})
        })
        .collect();
    write_json_line(
        out,
        &serde_json::json!({"functions": functions, "edges": edges}),
    )
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
            functions: extract(text.as_bytes(), &Recognizer::new(&contexts)),
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
        let lines = tree(&g, &named(&g, "a"), Direction::Callees, 5, EdgeKinds::ALL);
        assert_eq!(names(&g, &lines), ["0a", "1b", "2c", "3a*", "2d", "1c*"]);
        let calls = tree(
            &g,
            &named(&g, "a"),
            Direction::Callees,
            5,
            EdgeKinds::CALLS_ONLY,
        );
        assert_eq!(names(&g, &calls), ["0a", "1b", "2c", "3a*", "1c*"]);
        let shallow = tree(&g, &named(&g, "a"), Direction::Callees, 1, EdgeKinds::ALL);
        assert_eq!(names(&g, &shallow), ["0a", "1b", "1c"]);
    }

    #[test]
    fn caller_tree_with_use_lines() {
        let g = graph(TEXT);
        let lines = tree(&g, &named(&g, "c"), Direction::Callers, 1, EdgeKinds::ALL);
        assert_eq!(names(&g, &lines), ["0c", "1a", "1b"]);
        assert_eq!(lines[2].use_line, Some(2));
    }

    #[test]
    fn shortest_path_or_none() {
        let g = graph(TEXT);
        let path = shortest_path(&g, &named(&g, "c"), &named(&g, "d"), EdgeKinds::ALL).unwrap();
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
            shortest_path(&g, &named(&g, "c"), &named(&g, "d"), EdgeKinds::CALLS_ONLY).is_none()
        );
        assert!(shortest_path(&g, &named(&g, "d"), &named(&g, "a"), EdgeKinds::ALL).is_none());
    }

    #[test]
    fn neighbourhood_goes_both_ways() {
        let g = graph(TEXT);
        let picture = neighbourhood(&g, &named(&g, "d"), 1, EdgeKinds::ALL);
        let nodes: Vec<_> = picture.nodes.iter().map(|&n| g.name(n)).collect();
        assert_eq!(nodes, ["b", "d"]);
        assert_eq!(picture.edges.len(), 1);
    }
}
