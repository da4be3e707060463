//! `--stats`: the counts of a run and the time of each stage, for people, on stderr.

use crate::cache::CacheReport;
use crate::demand::Completion;
use crate::graph::GraphStats;
use crate::model::UseKind;
use std::io::{self, Write};
use std::time::Duration;

/// What `--stats` shows.
#[derive(Debug, Clone)]
pub struct RunStats {
    /// The configuration in effect, as [`Config::describe`](crate::config::Config::describe)
    /// says it.
    pub configuration: String,
    /// The graph's counts.
    pub graph: GraphStats,
    /// Violations reported.
    pub violations: usize,
    /// Violations an `allow` accepted.
    pub suppressed: usize,
    /// Edges suppressions cut.
    pub cut_edges: usize,
    /// Suppressions that suppressed nothing.
    pub stale: usize,
    /// Traversal steps of the check.
    pub steps: u64,
    /// Each stage's name and time, in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// What the run did with the extraction cache, if it used one.
    pub cache: Option<CacheReport>,
    /// What reading only the bodies the rules reach did (see [`crate::demand`]).
    pub completion: Completion,
}

impl RunStats {
    /// The functions of the tree: the graph's, and those a check left out of it, which are
    /// the tree's all the same.
    pub fn functions(&self) -> usize {
        self.graph.functions + self.completion.definitions_left_out
    }
}

/// Writes one `name: value` line per count, then the stages' times on one line.
pub fn write(out: &mut impl Write, stats: &RunStats) -> io::Result<()> {
    let graph = &stats.graph;
    let plural = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    writeln!(out, "configuration: {}", stats.configuration)?;
    writeln!(out, "files: {}", graph.files)?;
    if let Some(cache) = &stats.cache {
        writeln!(
            out,
            "cache: {} files taken from it ({} by content), {} stored ({})",
            cache.hits,
            cache.content_hits,
            cache.stored,
            cache.path.display()
        )?;
    }
    if graph.skimmed_files > 0 {
        let Completion {
            read_again,
            dropped,
            time,
            ..
        } = stats.completion;
        writeln!(
            out,
            "bodies left out: {} that no checked function reaches ({dropped} read in full \
             first); their uses are not counted below",
            plural(graph.skimmed_files, "file", "files")
        )?;
        writeln!(
            out,
            "bodies read again: {} skimmed at first that a checked function reaches ({:.1} ms \
             of read+extract)",
            plural(read_again, "file", "files"),
            time.as_secs_f64() * 1000.0
        )?;
    }
    writeln!(out, "functions: {}", stats.functions())?;
    writeln!(out, "generated functions: {}", graph.generated_functions)?;
    writeln!(out, "callback fields: {}", graph.fields)?;
    for kind in UseKind::ALL {
        writeln!(out, "{} edges: {}", kind.name(), graph.edges_of(kind))?;
    }
    writeln!(
        out,
        "guessed edges (field dispatch, name merges): {}",
        graph.guessed_edges
    )?;
    writeln!(out, "unresolved calls: {}", graph.unresolved_calls)?;
    writeln!(
        out,
        "references handed to deferred calls (no edge): {}",
        graph.deferred_references
    )?;
    writeln!(
        out,
        "member calls by field name alone: {} (to {} field nodes)",
        graph.by_name_member_calls, graph.by_name_field_targets
    )?;
    writeln!(out, "unresolved includes: {}", graph.unresolved_includes)?;
    writeln!(
        out,
        "#if conditions: {} decided, {} open",
        graph.conditions_decided, graph.conditions_open
    )?;
    writeln!(
        out,
        "contexts from prototypes only: {}",
        graph.contexts_from_prototypes
    )?;
    writeln!(out, "violations: {}", stats.violations)?;
    writeln!(
        out,
        "suppressed: {} by allow, {} cut, {} stale",
        plural(stats.suppressed, "violation", "violations"),
        plural(stats.cut_edges, "edge", "edges"),
        stats.stale
    )?;
    writeln!(out, "traversal steps: {}", stats.steps)?;
    let stages: Vec<String> = stats
        .stages
        .iter()
        .map(|(name, time)| format!("{name} {:.1} ms", time.as_secs_f64() * 1000.0))
        .collect();
    writeln!(out, "time: {}", stages.join(", "))
}
