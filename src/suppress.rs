//! Suppressions: what people know and the heuristics do not.
//!
//! In the source, `callcheck: allow(CONTEXT...) reason` in a function body (or in the comment
//! right before its definition) accepts that function's violations against those contexts, and
//! `callcheck: ignore reason` cuts the edges made on its line. In the configuration, `[[cut]]`
//! removes the edges from one function to another and `[[boundary]]` stops paths at a function.
//! Cuts and boundaries change the graph before the check; allows filter its violations after.
//! Each suppression counts what it did, so one that does nothing any more is reported as stale.

use crate::check::Violation;
use crate::config::Config;
use crate::context::Contexts;
use crate::diagnostics::{Code, Diagnostic};
use crate::extract::PragmaKind;
use crate::graph::Graph;
use crate::model::NodeId;
use rustc_hash::FxHashMap;

/// One suppression and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The file it is written in: a source file, or the configuration file.
    pub file: String,
    /// The line of a `callcheck:` comment; 0 for an entry of the configuration file.
    pub line: u32,
    /// What it asks for, as written: `allow(GLOBAL_STATE_CODE)`, `ignore`, `[[cut]] f -> g`.
    pub what: String,
    /// Why, as written.
    pub reason: String,
    /// Edges it cut or violations it accepted.
    pub used: usize,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Accepts violations of `node` against these context names.
    Allow { node: NodeId, contexts: Vec<String> },
    /// Cuts the edges of file `file` used on `line`.
    Ignore { file: usize, line: u32 },
    /// Cuts edges from functions named `from` to functions named `to`; `preset`: a preset sets
    /// it, so it is never stale.
    Cut {
        from: String,
        to: String,
        preset: bool,
    },
    /// Cuts every edge from functions named `function`; `preset`: a preset sets it, so it is
    /// never stale (a tree may lack the function).
    Boundary { function: String, preset: bool },
}

/// A violation an `allow` accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The violation.
    pub violation: Violation,
    /// Index of the suppression in [`Suppressions::entries`].
    pub by: usize,
}

/// All suppressions of a run.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    /// Every suppression, source ones first (by file and line), then the configuration's.
    pub entries: Vec<Suppression>,
    /// Problems with `callcheck:` comments: unrecognised, unknown contexts, unattached.
    pub warnings: Vec<Diagnostic>,
}

impl Suppressions {
    /// Collects the suppressions written in the graph's files and in `config`.
    pub fn collect(graph: &Graph, config: &Config) -> Suppressions {
        let contexts = &config.contexts;
        let mut found = Suppressions::default();
        for &(file_index, ref pragma) in graph.pragmas() {
            let path = graph.path(file_index);
            let warning = |message: String| {
                Diagnostic::warning(Code::InvalidSuppression, path, pragma.line, message)
            };
            let kind = match &pragma.kind {
                PragmaKind::Allow {
                    contexts: names,
                    function,
                } => {
                    for name in names.iter().filter(|n| contexts.by_name(n).is_none()) {
                        found.warnings.push(warning(format!(
                            "unknown context `{name}` in callcheck: allow"
                        )));
                    }
                    let Some(function) = function else {
                        found.warnings.push(warning(
                            "callcheck: allow is neither in a function body nor right before \
                             a definition"
                                .to_string(),
                        ));
                        continue;
                    };
                    Kind::Allow {
                        node: graph.node_of(file_index as usize, *function),
                        contexts: names.clone(),
                    }
                }
                PragmaKind::Ignore => Kind::Ignore {
                    file: file_index as usize,
                    line: pragma.line,
                },
                PragmaKind::Unrecognised => {
                    found.warnings.push(warning(
                        "unrecognised callcheck: comment (expected `callcheck: \
                         allow(CONTEXT) reason` or `callcheck: ignore reason`)"
                            .to_string(),
                    ));
                    continue;
                }
            };
            let what = match &kind {
                Kind::Allow { contexts, .. } => format!("allow({})", contexts.join(", ")),
                _ => "ignore".to_string(),
            };
            found.entries.push(Suppression {
                file: path.to_string(),
                line: pragma.line,
                what,
                reason: pragma.reason.clone(),
                used: 0,
                kind,
            });
        }
        let config_file = config
            .file
            .as_ref()
            .map_or_else(|| "configuration".to_string(), |f| f.display().to_string());
        for cut in &config.cuts {
            let file = match (&config.preset, cut.preset) {
                (Some(preset), true) => format!("preset {preset}"),
                _ => config_file.clone(),
            };
            found.entries.push(Suppression {
                file,
                line: 0,
                what: format!("[[cut]] {} -> {}", cut.from, cut.to),
                reason: cut.reason.get_ref().clone(),
                used: 0,
                kind: Kind::Cut {
                    from: cut.from.get_ref().clone(),
                    to: cut.to.get_ref().clone(),
                    preset: cut.preset,
                },
            });
        }
        for boundary in &config.boundaries {
            let file = match (&config.preset, boundary.preset) {
                (Some(preset), true) => format!("preset {preset}"),
                _ => config_file.clone(),
            };
            found.entries.push(Suppression {
                file,
                line: 0,
                what: format!("[[boundary]] {}", boundary.function),
                reason: boundary.reason.get_ref().clone(),
                used: 0,
                kind: Kind::Boundary {
                    function: boundary.function.get_ref().clone(),
                    preset: boundary.preset,
                },
            });
        }
        found
    }

    /// Removes the edges that `ignore` comments, cuts and boundaries ask to remove, counting
    /// what each removed. Returns the number of edges removed. Where several would remove an
    /// edge, the first in [`Suppressions::entries`] is counted.
    pub fn cut_edges(&mut self, graph: &mut Graph) -> usize {
        if self
            .entries
            .iter()
            .all(|e| matches!(e.kind, Kind::Allow { .. }))
        {
            return 0;
        }
        // The entries by what they match: an `ignore` by its file and line, a cut by the names
        // at its two ends, a boundary by its function's name. Matching every node against
        // every entry was quadratic: 30,000 `ignore` comments in one file took 30 s and 7 GB.
        // An edge is written in its user's file (a field's, where it is bound), so the `ignore`
        // comment at an edge's file and line is one of that user's: the first one there cuts.
        let mut ignores: FxHashMap<(usize, u32), usize> = FxHashMap::default();
        let mut cuts_from: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        let mut cuts_to: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        let mut boundaries: FxHashMap<&str, usize> = FxHashMap::default();
        for (index, entry) in self.entries.iter().enumerate() {
            match &entry.kind {
                Kind::Ignore { file, line } => {
                    ignores.entry((*file, *line)).or_insert(index);
                }
                Kind::Cut { from, to, .. } => {
                    cuts_from.entry(from).or_default().push(index);
                    cuts_to.entry(to).or_default().push(index);
                }
                Kind::Boundary { function, .. } => {
                    boundaries.entry(function).or_insert(index);
                }
                Kind::Allow { .. } => {}
            }
        }
        // For each node that some cut or boundary names, those entries; and the cuts that end
        // at each node. Only such nodes are kept: a list for every node would take 30 MB for
        // Linux's 650,000 functions.
        let mut named: FxHashMap<NodeId, (Vec<usize>, Option<usize>)> = FxHashMap::default();
        let mut cut_to: FxHashMap<NodeId, Vec<usize>> = FxHashMap::default();
        for node in graph.nodes() {
            let name = graph.name(node);
            let cuts = cuts_from.get(name).cloned().unwrap_or_default();
            let boundary = boundaries.get(name).copied();
            if !cuts.is_empty() || boundary.is_some() {
                named.insert(node, (cuts, boundary));
            }
            if let Some(cuts) = cuts_to.get(name) {
                cut_to.insert(node, cuts.clone());
            }
        }
        drop((cuts_from, cuts_to, boundaries));
        if named.is_empty() && ignores.is_empty() {
            return 0;
        }
        let mut removed = 0;
        let entries = &mut self.entries;
        graph.retain_edges(|from, edge| {
            let ignore = ignores.get(&(edge.file as usize, edge.line())).copied();
            let (cuts, boundary) = named
                .get(&from)
                .map_or((&[][..], None), |(cuts, boundary)| (&cuts[..], *boundary));
            let cut = cut_to.get(&edge.to).and_then(|ending_here| {
                cuts.iter()
                    .copied()
                    .find(|index| ending_here.contains(index))
            });
            // The first entry, in their order, that cuts this edge. Written out: the same
            // with `[ignore, cut, boundary].into_iter().flatten().min()` took 80 ns an edge,
            // 15 ms of a 290 ms run on QEMU.
            match earliest(earliest(ignore, cut), boundary) {
                Some(index) => {
                    entries[index].used += 1;
                    removed += 1;
                    false
                }
                None => true,
            }
        });
        removed
    }

    /// Splits `violations` into those still reported and those an `allow` accepts.
    pub fn allow(
        &mut self,
        contexts: &Contexts,
        violations: Vec<Violation>,
    ) -> (Vec<Violation>, Vec<Suppressed>) {
        // The `allow` entries of each function, in their order.
        let mut allows: FxHashMap<NodeId, Vec<usize>> = FxHashMap::default();
        for (index, entry) in self.entries.iter().enumerate() {
            if let Kind::Allow { node, .. } = entry.kind {
                allows.entry(node).or_default().push(index);
            }
        }
        let mut reported = Vec::with_capacity(violations.len());
        let mut suppressed = Vec::new();
        for violation in violations {
            let forbidden = contexts.name(violation.forbidden);
            let candidates = allows.get(&violation.function).map_or(&[][..], |v| &v[..]);
            let by = candidates
                .iter()
                .copied()
                .find(|&index| match &self.entries[index].kind {
                    Kind::Allow { contexts, .. } => contexts.iter().any(|c| c == forbidden),
                    _ => false,
                });
            match by {
                Some(index) => {
                    self.entries[index].used += 1;
                    suppressed.push(Suppressed {
                        violation,
                        by: index,
                    });
                }
                None => reported.push(violation),
            }
        }
        (reported, suppressed)
    }

    /// The suppressions that did nothing (a preset's boundaries and cuts are never stale).
    pub fn stale(&self) -> impl Iterator<Item = &Suppression> {
        self.entries.iter().filter(|entry| {
            entry.used == 0
                && !matches!(
                    entry.kind,
                    Kind::Boundary { preset: true, .. } | Kind::Cut { preset: true, .. }
                )
        })
    }

    /// The problems with `callcheck:` comments, then one diagnostic per stale suppression.
    pub fn diagnostics(&self) -> impl Iterator<Item = Diagnostic> + '_ {
        let stale = self.stale().map(|entry| {
            Diagnostic::warning(
                Code::StaleSuppression,
                &entry.file,
                entry.line,
                format!("{} no longer suppresses anything", entry.what),
            )
        });
        self.warnings.iter().cloned().chain(stale)
    }
}

impl Suppression {
    /// Where it is written: `file:line`, or the configuration file alone.
    pub fn location(&self) -> String {
        match self.line {
            0 => self.file.clone(),
            line => format!("{}:{line}", self.file),
        }
    }
}

/// The earlier of two entry indexes, where either may be missing.
fn earliest(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::config::{ConfigRequest, load};
    use crate::extract::{Recognizer, extract};
    use crate::graph::BuildOptions;
    use crate::model::EdgeKinds;
    use crate::source::SourceFile;

    fn run(name: &str, text: &str, config_text: &str) -> (Vec<String>, Vec<String>, Suppressions) {
        let dir =
            std::env::temp_dir().join(format!("callcheck-suppress-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("callcheck.toml"), config_text).unwrap();
        let config = load(&ConfigRequest {
            file: Some(dir.join("callcheck.toml")),
            ..ConfigRequest::default()
        })
        .unwrap();
        let files = vec![SourceFile {
            path: "a.c".into(),
            functions: Box::new(extract(text.as_bytes(), &Recognizer::new(&config.contexts))),
        }];
        let mut graph = Graph::build(files, &BuildOptions::new(EdgeKinds::ALL));
        let mut suppressions = Suppressions::collect(&graph, &config);
        suppressions.cut_edges(&mut graph);
        let violations = check(&graph, &config.contexts, &config.rules);
        let (reported, suppressed) = suppressions.allow(&config.contexts, violations);
        let names = |vs: Vec<Violation>| -> Vec<String> {
            vs.iter()
                .map(|v| graph.name(v.function).to_string())
                .collect()
        };
        let suppressed = names(suppressed.into_iter().map(|s| s.violation).collect());
        (names(reported), suppressed, suppressions)
    }

    const SOURCE: &str = "void gs(void) { GLOBAL_STATE_CODE(); }\n\
        void io1(void) {\n IO_CODE(); /* callcheck: allow(GLOBAL_STATE_CODE) known */\n gs();\n}\n\
        void io2(void) {\n IO_CODE();\n gs(); // callcheck: ignore startup only\n}\n\
        void io3(void) {\n IO_CODE();\n helper();\n}\n\
        void helper(void) { gs(); }\n\
        void io4(void) {\n IO_CODE(); // callcheck: allow(IO_OR_GS_CODE) stale\n bh();\n}\n\
        void bh(void) { gs(); }\n";

    #[test]
    fn each_form_suppresses_and_counts() {
        let config = "preset = \"qemu-block\"\n\
            [[cut]]\nfrom = \"io3\"\nto = \"helper\"\nreason = \"runs later\"\n\
            [[boundary]]\nfunction = \"bh\"\nreason = \"a bottom half\"\n\
            [[cut]]\nfrom = \"nobody\"\nto = \"gs\"\nreason = \"stale\"\n";
        let (reported, suppressed, suppressions) = run("each", SOURCE, config);
        assert!(reported.is_empty(), "{reported:?}");
        assert_eq!(suppressed, ["io1"]);
        // The preset's boundaries cut nothing here, but a preset's are never stale.
        let stale: Vec<&str> = suppressions.stale().map(|s| s.what.as_str()).collect();
        assert_eq!(stale, ["allow(IO_OR_GS_CODE)", "[[cut]] nobody -> gs"]);
        let used: Vec<(&str, usize)> = suppressions
            .entries
            .iter()
            .map(|s| (s.what.as_str(), s.used))
            .collect();
        assert_eq!(
            used,
            [
                ("allow(GLOBAL_STATE_CODE)", 1),
                ("ignore", 1),
                ("allow(IO_OR_GS_CODE)", 0),
                ("[[cut]] io3 -> helper", 1),
                ("[[cut]] nobody -> gs", 0),
                ("[[boundary]] error_vprintf", 0),
                ("[[boundary]] error_vprintf_unless_qmp", 0),
                ("[[boundary]] bh", 1)
            ]
        );
        let preset = &suppressions.entries[5];
        assert_eq!(preset.file, "preset qemu-block");
    }

    #[test]
    fn an_edge_several_entries_cut_counts_for_the_first() {
        let source = "void gs(void) { GLOBAL_STATE_CODE(); }\n\
            void io1(void) {\n IO_CODE();\n gs(); // callcheck: ignore startup only\n}\n\
            void io2(void) {\n IO_CODE();\n gs();\n}\n";
        let config = "preset = \"qemu-block\"\n\
            [[cut]]\nfrom = \"io1\"\nto = \"gs\"\nreason = \"also ignored\"\n\
            [[cut]]\nfrom = \"io2\"\nto = \"gs\"\nreason = \"before the boundary\"\n\
            [[boundary]]\nfunction = \"io2\"\nreason = \"after the cut\"\n";
        let (reported, _, suppressions) = run("first", source, config);
        assert!(reported.is_empty(), "{reported:?}");
        let used = |what: &str| {
            let entry = suppressions.entries.iter().find(|s| s.what == what);
            entry.map(|s| s.used)
        };
        assert_eq!(used("ignore"), Some(1), "the comment comes first");
        assert_eq!(used("[[cut]] io1 -> gs"), Some(0));
        assert_eq!(
            used("[[cut]] io2 -> gs"),
            Some(1),
            "the cut comes before the boundary"
        );
        assert_eq!(used("[[boundary]] io2"), Some(0));
    }

    #[test]
    fn without_suppressions_everything_is_reported() {
        let (reported, suppressed, suppressions) =
            run("without", SOURCE, "preset = \"qemu-block\"\n");
        assert_eq!(
            reported,
            ["io3", "io4"],
            "the comments in the source still hold"
        );
        assert_eq!(suppressed, ["io1"]);
        assert_eq!(suppressions.entries[1].what, "ignore");
        assert_eq!(suppressions.entries[1].used, 1, "it cut io2 -> gs");
    }
}
