//! A Graphviz picture: functions as boxes coloured by context, calls as solid arrows,
//! references as dashed ones. `dot -Tsvg report.dot > report.svg` renders it.

use super::Report;
use crate::context::Contexts;
use crate::graph::Graph;
use crate::model::{NodeId, UseKind};
use crate::query::Picture;
use std::collections::BTreeSet;
use std::io::{self, Write};

/// Fill colours for contexts, by context index (wrapping around).
const PALETTE: [&str; 8] = [
    "#f4cccc", "#cfe2f3", "#fff2cc", "#d9ead3", "#ead1dc", "#d0e0e3", "#fce5cd", "#d9d2e9",
];

/// Writes the union of all violation paths.
pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let mut picture = Picture::default();
    for violation in report.violations {
        picture.highlighted.insert(violation.function);
        picture.nodes.insert(violation.function);
        let mut from = violation.function;
        for step in &violation.path {
            picture.nodes.insert(step.node);
            picture.edges.insert((from, step.node, step.kind));
            from = step.node;
        }
    }
    write_picture(out, report.graph, report.contexts, &picture)
}

/// Writes `picture` as a DOT digraph.
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
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];"
    )?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];")?;
    for &node in &picture.nodes {
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
            .map_or("#ffffff", |c| PALETTE[c.index() % PALETTE.len()]);
        let border = if picture.highlighted.contains(&node) {
            ", penwidth=2.5"
        } else {
            ""
        };
        writeln!(
            out,
            "  n{node} [label=\"{label}\", fillcolor=\"{fill}\"{border}];"
        )?;
    }
    // One arrow per pair of functions and way of use: a reference is drawn dashed, every
    // kind of call solid.
    let arrows: BTreeSet<(NodeId, NodeId, bool)> = picture
        .edges
        .iter()
        .map(|&(from, to, kind)| (from, to, kind == UseKind::Reference))
        .collect();
    for (from, to, reference) in arrows {
        let style = if reference {
            " [style=dashed, label=\"ref\"]"
        } else {
            ""
        };
        writeln!(out, "  n{from} -> n{to}{style};")?;
    }
    writeln!(out, "}}")
}

/// Escapes text for a quoted DOT string.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::super::testing::render;

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
        assert!(dot.contains("n1 -> n0 [style=dashed, label=\"ref\"];"));
    }

    #[test]
    fn quotes_are_escaped() {
        assert_eq!(super::escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
