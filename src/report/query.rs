//! Query results to output: trees of callers and callees, paths, context listings and pictures
//! of the graph, as text or JSON (pictures as DOT are [`super::dot`]'s).

use super::{arrow, back_arrow, write_json_line};
use crate::config::{Boundary, Config, Cut, Deferred, PathLimit};
use crate::context::{ContextId, Contexts};
use crate::graph::Graph;
use crate::json_seq::LazySeq;
use crate::model::{NodeId, UseKind};
use crate::query::{Direction, Path, Picture, TreeLine, annotated, listed};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::io::{self, Write};

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
    // Each line is made as it is written: a path of 200,000 steps held as values took 460 MB.
    let lines = LazySeq(|| {
        path.iter()
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
    });
    write_json_line(out, &PathDocument { path: lines })
}

/// `{"path": [...]}`.
#[derive(Serialize)]
struct PathDocument<L: Serialize> {
    path: L,
}

/// `{"tree": [...]}`.
#[derive(Serialize)]
struct TreeDocument<L: Serialize> {
    tree: L,
}

/// What the configuration removes from the graph, each entry with its reason: the boundaries
/// where paths stop, the steps cut, and the calls whose function arguments run elsewhere.
#[derive(Debug, Clone, Copy)]
pub struct Stops<'a> {
    /// `[[boundary]]` entries.
    pub boundaries: &'a [Boundary],
    /// `[[cut]]` entries.
    pub cuts: &'a [Cut],
    /// `[[deferred]]` entries.
    pub deferred: &'a [Deferred],
    /// `[[path-limit]]` entries.
    pub path_limits: &'a [PathLimit],
}

impl<'a> Stops<'a> {
    /// The entries of `config`.
    pub fn of(config: &'a Config) -> Self {
        Stops {
            boundaries: &config.boundaries,
            cuts: &config.cuts,
            deferred: &config.deferred,
            path_limits: &config.path_limits,
        }
    }
}

/// A path limit's start (its files and functions) and its functions, each as written.
fn limit_parts(limit: &PathLimit) -> (Vec<&str>, &'static str, Vec<&str>) {
    fn names(globs: &[toml::Spanned<String>]) -> Vec<&str> {
        globs.iter().map(|g| g.get_ref().as_str()).collect()
    }
    let mut start = names(&limit.files);
    start.extend(names(&limit.functions));
    let (kind, functions) = match limit.never.is_empty() {
        true => ("only", names(&limit.only)),
        false => ("never", names(&limit.never)),
    };
    (start, kind, functions)
}

/// A reason on one line.
fn one_line(reason: &str) -> String {
    reason.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `preset` or `config`.
fn origin(preset: bool) -> &'static str {
    if preset { "preset" } else { "config" }
}

/// Writes each context (or `only`) with its functions, sorted by name, and where the context
/// came from; then, for all contexts, the attribute aliases, and the `stops` with their reasons.
pub fn write_contexts(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    only: Option<ContextId>,
    stops: Stops,
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
                graph.origins(node, context).join(", ")
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
    if only.is_some() {
        return Ok(());
    }
    if !stops.boundaries.is_empty() {
        writeln!(
            out,
            "boundaries ({}): paths stop here",
            stops.boundaries.len()
        )?;
        for boundary in stops.boundaries {
            writeln!(
                out,
                "  {}()  [{}]  {}",
                boundary.function,
                origin(boundary.preset),
                one_line(boundary.reason.get_ref())
            )?;
        }
    }
    if !stops.cuts.is_empty() {
        writeln!(
            out,
            "cuts ({}): these steps are not taken",
            stops.cuts.len()
        )?;
        for cut in stops.cuts {
            writeln!(
                out,
                "  {}() -> {}()  [{}]  {}",
                cut.from,
                cut.to,
                origin(cut.preset),
                one_line(cut.reason.get_ref())
            )?;
        }
    }
    if !stops.deferred.is_empty() {
        writeln!(
            out,
            "deferred ({}): functions handed to these calls run elsewhere, later",
            stops.deferred.len()
        )?;
        for deferred in stops.deferred {
            writeln!(
                out,
                "  {}  [{}]  {}",
                deferred.describe(),
                origin(deferred.preset),
                one_line(deferred.reason.get_ref())
            )?;
        }
    }
    if !stops.path_limits.is_empty() {
        writeln!(
            out,
            "path limits ({}): once a path has passed the first functions, it never (or only \
             then) enters the others",
            stops.path_limits.len()
        )?;
        for limit in stops.path_limits {
            let (start, kind, functions) = limit_parts(limit);
            writeln!(
                out,
                "  {}  [{}]  once past {}: {kind} {}  {}",
                limit.name,
                origin(limit.preset),
                start.join(", "),
                functions.join(", "),
                one_line(limit.reason.get_ref())
            )?;
        }
    }
    Ok(())
}

/// Writes the contexts as `{"contexts":[{"name":..,"functions":[{..,"origins":[..]}]}]}`, with
/// the aliases, `"boundaries":[{"function":..,"reason":..,"preset":..}]`,
/// `"cuts":[{"from":..,"to":..,"reason":..,"preset":..}]` and
/// `"deferred":[{"function" or "field":..,"arguments":[..],"reason":..,"preset":..}]` and
/// `"path_limits":[{"name":..,"files":[..],"functions":[..],"never" or "only":[..],"reason":..,
/// "preset":..}]`.
pub fn write_contexts_json(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    only: Option<ContextId>,
    stops: Stops,
) -> io::Result<()> {
    // Each context's functions are written as they are made, not held as values.
    let listed: Vec<_> = listed(contexts, only)
        .into_iter()
        .map(|context| JsonContextList {
            name: contexts.name(context),
            functions: LazySeq(move || {
                annotated(graph, context)
                    .into_iter()
                    .map(move |n| JsonAnnotated {
                        function: JsonFunction::new(graph, contexts, n),
                        origins: graph.origins(n, context),
                    })
            }),
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
    let boundaries: Vec<serde_json::Value> = stops
        .boundaries
        .iter()
        .map(|b| {
            serde_json::json!({
                "function": b.function,
                "reason": b.reason.get_ref(),
                "preset": b.preset,
            })
        })
        .collect();
    let cuts = stops.cuts.iter().map(|c| {
        serde_json::json!({
            "from": c.from,
            "to": c.to,
            "reason": c.reason.get_ref(),
            "preset": c.preset,
        })
    });
    let deferred = stops.deferred.iter().map(|d| {
        let key = if d.function.is_some() {
            "function"
        } else {
            "field"
        };
        let arguments: Vec<u32> = d.arguments.iter().map(|a| *a.get_ref()).collect();
        serde_json::json!({
            key: d.name(),
            "arguments": arguments,
            "reason": d.reason.get_ref(),
            "preset": d.preset,
        })
    });
    let path_limits = stops.path_limits.iter().map(|limit| {
        let (_, kind, functions) = limit_parts(limit);
        serde_json::json!({
            "name": limit.name.get_ref(),
            "files": limit.files,
            "functions": limit.functions,
            kind: functions,
            "reason": limit.reason.get_ref(),
            "preset": limit.preset,
        })
    });
    let document = JsonContexts {
        contexts: listed,
        aliases,
        cyclic_aliases: graph.alias_cycles(),
        boundaries,
        cuts: cuts.collect(),
        deferred: deferred.collect(),
        path_limits: path_limits.collect(),
    };
    write_json_line(out, &document)
}

/// The JSON document of `contexts`, its keys in the order it writes them.
#[derive(Serialize)]
struct JsonContexts<'a, L: Serialize> {
    contexts: Vec<L>,
    aliases: Vec<serde_json::Value>,
    cyclic_aliases: &'a [String],
    boundaries: Vec<serde_json::Value>,
    cuts: Vec<serde_json::Value>,
    deferred: Vec<serde_json::Value>,
    path_limits: Vec<serde_json::Value>,
}

/// One context's functions, as `contexts` writes them.
#[derive(Serialize)]
struct JsonContextList<'a, F: Serialize> {
    name: &'a str,
    functions: F,
}

/// A function that carries a context, with where the context came from.
#[derive(Serialize)]
struct JsonAnnotated<'a> {
    #[serde(flatten)]
    function: JsonFunction<'a>,
    origins: Vec<&'static str>,
}

/// Writes a tree, indented two spaces a level up to 32 levels, beyond which each line starts
/// with its depth (`[33] `): `<-` for callers, `->` for callees, `~>`/`<~` for references.
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
            indent(line.depth),
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

/// Levels a tree indents: deeper lines stay at this indent and say their depth, so that a
/// tree as deep as a long call chain is not quadratic in it (200,000 levels would be 40 GB of
/// spaces).
const DEEPEST_INDENT: usize = 32;

/// The indent of a tree line at `depth`: two spaces a level, then `[depth] ` beyond
/// [`DEEPEST_INDENT`].
fn indent(depth: usize) -> String {
    let spaces = "  ".repeat(depth.min(DEEPEST_INDENT));
    if depth > DEEPEST_INDENT {
        format!("{spaces}[{depth}] ")
    } else {
        spaces
    }
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
    let tree = LazySeq(|| {
        lines.iter().map(|line| JsonTreeLine {
            depth: line.depth,
            function: JsonFunction::new(graph, contexts, line.node),
            kind: line.kind.map(UseKind::name),
            use_line: line.use_line,
            use_file: line.use_file.map(|file| graph.path(file)),
            repeated: line.repeated,
        })
    });
    write_json_line(out, &TreeDocument { tree })
}

/// One end of an edge in a picture's JSON.
#[derive(Serialize)]
struct JsonEnd<'a> {
    name: &'a str,
    file: &'a str,
}

/// An edge of a picture as JSON: the first use of `to` by `from` of its kind.
#[derive(Serialize)]
struct JsonEdge<'a> {
    from: JsonEnd<'a>,
    to: JsonEnd<'a>,
    kind: &'static str,
    line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    use_file: Option<&'a str>,
}

/// What a cap left out of a picture, as JSON.
#[derive(Serialize)]
struct JsonOmitted {
    max_nodes: usize,
    functions: usize,
    of_functions: usize,
    edges: usize,
    of_edges: usize,
}

/// A picture as JSON, its keys in the order it writes them.
#[derive(Serialize)]
struct JsonPicture<F: Serialize, E: Serialize> {
    functions: F,
    edges: E,
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted: Option<JsonOmitted>,
}

/// Writes a picture as `{"functions":[...],"edges":[...]}`, with `"omitted":{..}` when a cap
/// left functions out. Each item is written as it is made: a whole graph's picture (hundreds of
/// thousands of functions) built as one JSON value first took gigabytes.
pub fn write_graph_json(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    picture: &Picture,
) -> io::Result<()> {
    let end = |n: NodeId| JsonEnd {
        name: graph.name(n),
        file: graph.file_of(n),
    };
    let functions =
        LazySeq(|| (picture.nodes.iter()).map(|&n| JsonFunction::new(graph, contexts, n)));
    let edges = LazySeq(|| {
        // The picture's edges come sorted by their user: the first use of each (used, kind)
        // by one user is looked up in a map of that user's edges, made once.
        let mut user = None;
        let mut first_uses = FxHashMap::default();
        picture.edges.iter().map(move |&(from, to, kind)| {
            if user != Some(from) {
                user = Some(from);
                first_uses.clear();
                for edge in graph.edges_from(from) {
                    first_uses.entry((edge.to, edge.kind())).or_insert(*edge);
                }
            }
            let edge = first_uses.get(&(to, kind));
            JsonEdge {
                from: end(from),
                to: end(to),
                kind: kind.name(),
                line: edge.map_or(0, |e| e.line()),
                use_file: edge
                    .and_then(|e| graph.use_file_elsewhere(from, e.file))
                    .map(|file| graph.path(file)),
            }
        })
    });
    let omitted = picture.omitted.as_ref().map(|omitted| JsonOmitted {
        max_nodes: omitted.max_nodes,
        functions: omitted.functions,
        of_functions: omitted.of_functions,
        edges: omitted.edges,
        of_edges: omitted.of_edges,
    });
    write_json_line(
        out,
        &JsonPicture {
            functions,
            edges,
            omitted,
        },
    )
}
