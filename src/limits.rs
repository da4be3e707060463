//! `[[path-limit]]` entries matched against a graph: for each function, which limits it starts
//! and which limits bar a path from entering it.
//!
//! A limit says what a path may do once it has passed through some code: a path that has run an
//! image format driver's function never enters the mirror filter's (the filter sits only above
//! root nodes, never under a format), and a path enters a block channel's functions only after
//! one of the two functions that make such a channel.
//!
//! The check searches backwards from the functions a path must not reach, so it carries, for
//! each vertex, the limits *pending* on the rest of the path: a `never` limit is pending once
//! the rest enters one of its functions (so no function before may start it), an `only` limit
//! while the rest enters one of its functions that nothing after this vertex started (so some
//! function before must start it). The sets other than the empty one (at most 2 to the
//! [`MAX_LIMIT_STARTS`]) spread only backwards from the limited functions, and a vertex is
//! searched with more limits pending only where that way to the context is shorter than with
//! fewer.

pub use crate::config::MAX_LIMIT_STARTS;
use crate::config::PathLimit;
use crate::graph::Graph;
use crate::model::NodeId;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// A set of limits, one bit per way a `[[path-limit]]` starts (entries that start alike share
/// one), in the order of the configuration's first entry of each.
pub type LimitSet = u8;

/// The configuration's path limits, matched against one graph's functions.
#[derive(Debug, Clone, Default)]
pub struct PathLimits {
    /// How many bits the sets have: the ways the limits start.
    count: usize,
    /// The bits of the `never` limits; the others are `only` limits'.
    never: LimitSet,
    /// For each node (empty when there are no limits): the limits it starts, the `never`
    /// limits whose functions include it, and the `only` limits whose functions include it.
    nodes: Vec<NodeLimits>,
}

/// What the limits say about one function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct NodeLimits {
    starts: LimitSet,
    barred: LimitSet,
    needs: LimitSet,
}

/// One limit's globs, compiled, and its bit.
struct Matchers {
    bit: LimitSet,
    files: GlobSet,
    functions: GlobSet,
    never: GlobSet,
    only: GlobSet,
}

impl PathLimits {
    /// Limits that limit nothing: every path is followed.
    pub fn none() -> PathLimits {
        PathLimits::default()
    }

    /// `limits` matched against `graph`'s functions. A callback field is a dispatch point, not a
    /// function: it neither starts a limit nor is limited. The globs were checked when the
    /// configuration was loaded; one that still fails to build matches nothing.
    pub fn new(limits: &[PathLimit], graph: &Graph) -> PathLimits {
        let starts = PathLimit::start_numbers(limits);
        let matchers: Vec<Matchers> = (limits.iter().zip(&starts))
            .filter(|&(_, &start)| start < MAX_LIMIT_STARTS)
            .map(|(limit, &start)| Matchers::new(limit, 1 << start))
            .collect();
        if matchers.is_empty() {
            return PathLimits::none();
        }
        // Files are few beside functions: each is matched once.
        let file_starts: Vec<LimitSet> = (0..graph.file_count() as u32)
            .map(|file| {
                let path = graph.path(file);
                bits(&matchers, |m| m.files.is_match(path))
            })
            .collect();
        let nodes = graph
            .nodes()
            .map(|node| {
                let function = graph.function(node);
                if function.kind.is_field() {
                    return NodeLimits::default();
                }
                let name = graph.name(node);
                NodeLimits {
                    starts: file_starts[function.file as usize]
                        | bits(&matchers, |m| m.functions.is_match(name)),
                    barred: bits(&matchers, |m| m.never.is_match(name)),
                    needs: bits(&matchers, |m| m.only.is_match(name)),
                }
            })
            .collect();
        PathLimits {
            count: starts
                .iter()
                .max()
                .map_or(0, |&last| last + 1)
                .min(MAX_LIMIT_STARTS),
            never: bits(&matchers, |m| !m.never.is_empty()),
            nodes,
        }
    }

    /// How many sets of pending limits a vertex can have: 2 to the number of ways to start.
    pub fn sets(&self) -> u32 {
        1 << self.count
    }

    /// The limits pending on a path from just before `node` on, when `pending` are pending
    /// from `node` on: `node` starts its own, which satisfies the `only` ones, and a step into
    /// it makes the limits whose functions include it pending.
    pub fn pending_before(&self, node: NodeId, pending: LimitSet) -> LimitSet {
        let limits = self.of(node);
        let only = !self.never;
        (pending & self.never) | (pending & only & !limits.starts) | limits.barred | limits.needs
    }

    /// Every set of limits that, pending from `node` on, leaves `before` pending just before
    /// it ([`PathLimits::pending_before`] taken back), in increasing order. Only the limits
    /// `node` starts or is limited by can differ from `before`, so for most functions this is
    /// `before` alone.
    pub fn pending_after(
        &self,
        node: NodeId,
        before: LimitSet,
    ) -> impl Iterator<Item = LimitSet> + '_ {
        let limits = self.of(node);
        let free = (limits.barred & self.never) | ((limits.needs | limits.starts) & !self.never);
        submasks(free)
            .map(move |within| (before & !free) | within)
            .filter(move |&after| self.pending_before(node, after) == before)
    }

    /// Every set of limits, in increasing order.
    pub fn all(&self) -> impl Iterator<Item = LimitSet> + use<> {
        0..self.sets() as LimitSet
    }

    /// True if a path may pass through `node` with `pending` pending after it: `node` starts
    /// none of the pending `never` limits.
    pub fn admits(&self, node: NodeId, pending: LimitSet) -> bool {
        self.of(node).starts & pending & self.never == 0
    }

    /// True if a path may start at `node` with `pending` pending after it: `node` admits them,
    /// and starts every pending `only` limit itself, since nothing comes before it.
    pub fn opens(&self, node: NodeId, pending: LimitSet) -> bool {
        self.admits(node, pending) && pending & !self.never & !self.of(node).starts == 0
    }

    fn of(&self, node: NodeId) -> NodeLimits {
        self.nodes.get(node as usize).copied().unwrap_or_default()
    }
}

impl Matchers {
    fn new(limit: &PathLimit, bit: LimitSet) -> Matchers {
        let names = |globs: &[toml::Spanned<String>]| {
            set(globs.iter().map(|g| g.get_ref().to_string()), false)
        };
        Matchers {
            bit,
            // A file glob matches the end of a path, whole components: `block/qcow.c` matches
            // `./block/qcow.c` and `/src/qemu/block/qcow.c`, and `*` stays within a component.
            files: set(
                limit.files.iter().map(|g| format!("**/{}", g.get_ref())),
                true,
            ),
            functions: names(&limit.functions),
            never: names(&limit.never),
            only: names(&limit.only),
        }
    }
}

/// The globs as one set; `paths` makes `*` stop at `/`.
fn set(globs: impl Iterator<Item = String>, paths: bool) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        if let Ok(glob) = GlobBuilder::new(&glob).literal_separator(paths).build() {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Every set within `mask`, in increasing order, the empty set first.
fn submasks(mask: LimitSet) -> impl Iterator<Item = LimitSet> {
    let mut next = Some(0);
    std::iter::from_fn(move || {
        let current = next?;
        // The next larger set within `mask`: add one with the bits outside it all set.
        next = (current != mask).then(|| ((current | !mask).wrapping_add(1)) & mask);
        Some(current)
    })
}

/// The set of the limits whose matchers `matches`.
fn bits(matchers: &[Matchers], matches: impl Fn(&Matchers) -> bool) -> LimitSet {
    matchers
        .iter()
        .filter(|m| matches(m))
        .fold(0, |set, m| set | m.bit)
}
