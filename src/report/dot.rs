//! A Graphviz picture: functions as boxes filled by context (callback fields as ellipses,
//! generated wrappers with a dashed border), each kind of use with its own arrow style, and a
//! legend that explains what the picture shows. `dot -Tsvg report.dot > report.svg` renders it.

use super::Report;
use crate::context::Contexts;
use crate::graph::{Graph, NodeKind};
use crate::model::{NodeId, UseKind};
use crate::query::Picture;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::io::{self, Write};

/// Fill colours for contexts, by context index (wrapping around).
const PALETTE: [&str; 8] = [
    "#f4cccc", "#cfe2f3", "#fff2cc", "#d9ead3", "#ead1dc", "#d0e0e3", "#fce5cd", "#d9d2e9",
];

/// The fill of a function with no context.
const NO_CONTEXT: &str = "#ffffff";

/// The border width of a highlighted function.
const HIGHLIGHT: &str = "penwidth=2.5";

/// Writes the union of all violation paths.
pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let mut picture = Picture::default();
    for violation in report.violations {
        picture.highlighted.insert(violation.function);
        picture.nodes.insert(violation.function);
        for (from, step) in violation.steps() {
            picture.nodes.insert(step.node);
            picture.edges.insert((from, step.node, step.kind));
        }
    }
    write_picture(out, report.graph, report.contexts, &picture)
}

/// The attributes of an arrow for a use of `kind`: solid black for a call, and a style and
/// colour of its own for every other kind, so that the picture reads in grey too.
fn edge_style(kind: UseKind) -> &'static str {
    match kind {
        UseKind::Call => "",
        UseKind::Reference => "style=dashed, color=\"#777777\"",
        UseKind::Field => "style=bold, color=\"#1f5fbf\"",
        UseKind::Macro => "style=dotted, color=\"#b45f06\"",
        UseKind::Generated => "style=\"dashed,bold\", color=\"#38761d\"",
    }
}

/// What an arrow of `kind` means, for the legend.
fn edge_meaning(kind: UseKind) -> &'static str {
    match kind {
        UseKind::Call => "call f()",
        UseKind::Reference => "reference (named, not called)",
        UseKind::Field => "through a callback field",
        UseKind::Macro => "call in a macro",
        UseKind::Generated => "generated wrapper's call",
    }
}

/// The attributes a node of `kind` adds to the default box: an ellipse for a callback field, a
/// dashed border for a generated wrapper.
fn node_shape(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Definition => "",
        NodeKind::Field { .. } => ", shape=ellipse, style=filled",
        NodeKind::Generated => ", style=\"rounded,filled,dashed\"",
    }
}

/// Writes `picture` as a DOT digraph, with a legend of what it shows.
pub fn write_picture(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    picture: &Picture,
) -> io::Result<()> {
    writeln!(out, "digraph callcheck {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"{NO_CONTEXT}\", fontname=\"Helvetica\"];"
    )?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];")?;
    if let Some(omitted) = &picture.omitted {
        writeln!(out, "  // {}", omitted.sentence())?;
    }
    // Boxes are named by their place in the picture, not by node: the same picture of another
    // graph of the same code (more files read, say) is the same text.
    let ids: FxHashMap<NodeId, usize> = picture
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i))
        .collect();
    for (id, &node) in picture.nodes.iter().enumerate() {
        let function = graph.function(node);
        let names: Vec<&str> = function.contexts.iter().map(|c| contexts.name(c)).collect();
        let mut label = format!(
            "{}\\n{}:{}",
            escape(&graph.display(node)),
            escape(graph.file_of(node)),
            function.line
        );
        if !names.is_empty() {
            label.push_str(&format!("\\n[{}]", escape(&names.join(", "))));
        }
        let fill = function
            .contexts
            .iter()
            .next()
            .map_or(NO_CONTEXT, |c| PALETTE[c.index() % PALETTE.len()]);
        let border = if picture.highlighted.contains(&node) {
            format!(", {HIGHLIGHT}")
        } else {
            String::new()
        };
        writeln!(
            out,
            "  n{id} [label=\"{label}\", fillcolor=\"{fill}\"{}{border}];",
            node_shape(function.kind)
        )?;
    }
    // One arrow per pair of functions and kind of use.
    // Both ends of every arrow are in the picture (`Picture::add_edge` puts them there).
    let arrows = picture
        .edges
        .iter()
        .filter_map(|(from, to, kind)| Some((*ids.get(from)?, *ids.get(to)?, *kind)));
    for (from, to, kind) in arrows {
        match edge_style(kind) {
            "" => writeln!(out, "  n{from} -> n{to};")?,
            style => writeln!(out, "  n{from} -> n{to} [{style}];")?,
        }
    }
    if !picture.nodes.is_empty() {
        write_legend(out, graph, contexts, picture)?;
    }
    writeln!(out, "}}")
}

/// Writes a cluster that explains the fills, shapes and arrows the picture uses (and only
/// those), and what `--max-nodes` left out.
fn write_legend(
    out: &mut impl Write,
    graph: &Graph,
    contexts: &Contexts,
    picture: &Picture,
) -> io::Result<()> {
    let functions = || picture.nodes.iter().map(|&n| graph.function(n));
    let fills: BTreeSet<Option<usize>> = functions()
        .map(|f| f.contexts.iter().next().map(|c| c.index()))
        .collect();
    let kinds: BTreeSet<UseKind> = picture.edges.iter().map(|&(_, _, kind)| kind).collect();
    let mut legend = Legend::default();
    for fill in &fills {
        let attributes = match fill {
            Some(index) => {
                let (id, _) = contexts.iter().nth(*index).expect("a context of the table");
                format!(
                    "label=\"context {}\", fillcolor=\"{}\"",
                    escape(contexts.name(id)),
                    PALETTE[index % PALETTE.len()]
                )
            }
            None => "label=\"no context\"".to_string(),
        };
        legend.node(attributes);
    }
    if functions().any(|f| f.contexts.iter().nth(1).is_some()) {
        legend.note("several contexts: filled by the first\\n(all are listed in [...])");
    }
    if !picture.highlighted.is_empty() {
        legend.node(format!(
            "label=\"focus, or start of a violation\", {HIGHLIGHT}"
        ));
    }
    if functions().any(|f| f.kind.is_field()) {
        let shape = node_shape(NodeKind::Field { typed: true });
        legend.node(format!("label=\"callback field\"{shape}"));
    }
    if functions().any(|f| f.kind == NodeKind::Generated) {
        let shape = node_shape(NodeKind::Generated);
        legend.node(format!("label=\"generated wrapper\"{shape}"));
    }
    for kind in kinds {
        let from = legend.node("label=\"\", shape=point, width=0.05".to_string());
        let to = legend.note(edge_meaning(kind));
        legend.lines.push(match edge_style(kind) {
            "" => format!("    legend{from} -> legend{to};"),
            style => format!("    legend{from} -> legend{to} [{style}];"),
        });
    }
    if let Some(omitted) = &picture.omitted {
        legend.note(&escape(&omitted.sentence()));
    }
    writeln!(out, "  subgraph cluster_legend {{")?;
    writeln!(
        out,
        "    label=\"legend\"; fontname=\"Helvetica\"; style=dashed; color=\"#999999\";"
    )?;
    for line in &legend.lines {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "  }}")
}

/// The legend's lines, its nodes numbered in order.
#[derive(Default)]
struct Legend {
    lines: Vec<String>,
    nodes: usize,
}

impl Legend {
    /// Adds a node with `attributes`; returns its number.
    fn node(&mut self, attributes: String) -> usize {
        self.nodes += 1;
        let number = self.nodes;
        self.lines
            .push(format!("    legend{number} [{attributes}];"));
        number
    }

    /// Adds a line of text (`label` escaped for DOT); returns its number.
    fn note(&mut self, label: &str) -> usize {
        self.node(format!("label=\"{label}\", shape=plaintext, style=\"\""))
    }
}

/// Escapes text for a quoted DOT string.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::super::testing::render;
    use super::*;

    #[test]
    fn paths_as_a_digraph() {
        let dot = render(super::write);
        assert!(dot.starts_with("digraph callcheck {\n"));
        assert!(dot.ends_with("}\n"));
        assert!(dot.contains("n2 [label=\"io()\\ndir/a.c:3\\n[IO_CODE]\""));
        assert!(
            dot.contains("penwidth=2.5"),
            "the violation's start is highlighted"
        );
        assert!(dot.contains("n2 -> n1;"), "a call is a solid edge");
        assert!(dot.contains("n1 -> n0 [style=dashed, color=\"#777777\"];"));
        assert!(dot.contains("subgraph cluster_legend {"));
        assert!(dot.contains("label=\"context IO_CODE\""));
        assert!(dot.contains("label=\"reference (named, not called)\""));
        assert!(
            !dot.contains("callback field"),
            "the legend shows only what the picture has"
        );
    }

    #[test]
    fn every_kind_of_use_has_its_own_style() {
        let styles: BTreeSet<&str> = UseKind::ALL.into_iter().map(edge_style).collect();
        assert_eq!(styles.len(), UseKind::ALL.len());
        let meanings: BTreeSet<&str> = UseKind::ALL.into_iter().map(edge_meaning).collect();
        assert_eq!(meanings.len(), UseKind::ALL.len());
    }

    #[test]
    fn quotes_are_escaped() {
        assert_eq!(super::escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
