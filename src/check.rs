//! Rules to violations, each with a shortest path as proof.
//!
//! For each forbidden context of the reachability rules (and each way of walking: through any
//! function or only unannotated ones, with or without references), one breadth-first search runs
//! backwards from all the functions carrying it, giving every function its distance to the
//! nearest of them and the next hop on a shortest way there. Each function of a rule's `from`
//! context then needs only a look at its own edges: the cost is O(searches x (functions +
//! edges)), whatever the number of annotated functions, and nothing recurses, so a call chain of
//! any depth is safe. Direct rules look at each edge of theirs once; a reference is never a
//! call, so it never breaks a direct rule.
//!
//! Among shortest paths the one through the lowest-numbered functions (by file path, then
//! position in the file) is chosen, so the proof is the same on every run.
//!
//! A callback field is a dispatch point, not a function: it is never the subject of a
//! violation. The function that makes a member call is checked for it (a call through a
//! `coroutine_fn` field is a call of `coroutine_fn` code), and binding rules check the
//! functions bound to a field against the field's declaration, at the binding. A field that
//! carries a context stops `unannotated` paths as an annotated function does: what lies beyond
//! it is checked at each function bound to it (as a subject of its own, or by a binding rule).
//!
//! A rule that is `certain` follows no guessed edge ([`Edge::guessed`]), so its paths are
//! shortest among the edges the graph knows.
//!
//! A reachability rule's paths stay within the configuration's [`PathLimits`]: each vertex is
//! searched with the set of limits pending on the rest of its path (see [`crate::limits`]).
//! Without limits there is one set, the empty one, and the search is the plain one.
//!
//! With argument constants, a call whose constants surely fail some of the callee's parameter
//! tests enters the callee in a *state* ([`Entries`]) that leaves out the uses (and marker
//! contexts) under those tests. The searches walk functions and states alike: a state is one
//! more vertex with fewer edges, reached only through the calls that make it, so the work
//! grows by the states' edges only, and a path's next hops still tie-break by function.

use crate::context::{ContextId, ContextSet, Contexts, Rule, RuleKind, Through};
use crate::graph::{CallerUse, Callers, Edge, Entries, Graph, NodeKind};
use crate::limits::{LimitSet, PathLimits};
use crate::model::{EdgeKinds, Guard, NodeId, UseKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;

/// One step of a violation's path: the function reached and the use that reached it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The function reached.
    pub node: NodeId,
    /// Call or reference.
    pub kind: UseKind,
    /// Index of the file the use is in, as [`Graph::path`](crate::graph::Graph::path) takes
    /// (see [`Edge::file`]).
    pub file: u32,
    /// Line of the use.
    pub line: u32,
    /// Byte column of the use.
    pub column: u32,
    /// The step is an over-approximation ([`Edge::guessed`]).
    pub guessed: bool,
}

impl Step {
    /// The step taken along `edge`.
    pub fn along(edge: &Edge) -> Step {
        Step {
            node: edge.to,
            kind: edge.kind(),
            file: edge.file,
            line: edge.line(),
            column: edge.column,
            guessed: edge.guessed(),
        }
    }
}

/// A function that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The function checked.
    pub function: NodeId,
    /// Index of the rule broken.
    pub rule: usize,
    /// For a reachability rule, the function's context the rule is about.
    pub context: Option<ContextId>,
    /// The context reached: the forbidden one, or a direct rule's callee context.
    pub forbidden: ContextId,
    /// The path after `function`, ending at a function that carries `forbidden`; never empty.
    pub path: Vec<Step>,
    /// The violation is a binding: `function` is bound to the field `path[0]` names, and is
    /// reported at the binding (a binding rule's, or a direct rule's whose caller is a field).
    pub at_binding: bool,
}

impl Violation {
    /// Each step of the path with the function that makes its use: `function` with the first
    /// step, then each step's function with the next.
    pub fn steps(&self) -> impl Iterator<Item = (NodeId, &Step)> {
        self.nodes().zip(&self.path)
    }

    /// The functions of the path, in order: `function`, then each step's.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::once(self.function).chain(self.path.iter().map(|s| s.node))
    }

    /// The function the path ends at, which carries the context reached.
    pub fn end(&self) -> NodeId {
        self.path.last().map_or(self.function, |step| step.node)
    }
}

/// How one search walks the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Search {
    target: ContextId,
    through: Through,
    edges: EdgeKinds,
    /// Guessed edges are not followed.
    certain: bool,
    /// The guarded uses not followed (the rule's [`Rule::skip`]).
    skip: Guard,
}

/// Distances to the nearest function of one context and the next hop towards it, for every
/// vertex. A vertex is a function or a state of [`Entries`] (node count + state), paired with
/// the set of [`PathLimits`] pending on the rest of the path: vertex + set x `base`.
struct Distances<'e> {
    search: Search,
    entries: &'e Entries,
    limits: &'e PathLimits,
    /// The number of functions: vertex ids from it on (below `base`) are states.
    functions: u32,
    /// The number of functions and states: the vertices of one set of pending limits.
    base: u32,
    /// Edges to the nearest function of the context, `UNREACHED` if there is none.
    distance: Vec<u32>,
    /// For a vertex at distance d > 0, the edge to a vertex at distance d - 1, and that vertex.
    /// Kept by vertex in a map: most vertices of a large tree reach nothing, and a list would
    /// hold an entry for each (13 MB per search in Linux).
    next: FxHashMap<u32, (Edge, u32)>,
    /// Edges looked at to compute the above.
    steps: u64,
}

const UNREACHED: u32 = u32::MAX;

impl Search {
    /// True if the search follows an edge of `kind` with `guard`, guessed or not.
    fn follows(self, kind: UseKind, guessed: bool, guard: Guard) -> bool {
        self.edges.includes(kind)
            && !(self.certain && guessed)
            && (guard == Guard::None || guard != self.skip)
    }
}

impl<'e> Distances<'e> {
    fn compute(
        graph: &Graph,
        callers: &Callers,
        entries: &'e Entries,
        limits: &'e PathLimits,
        search: Search,
    ) -> Self {
        let functions = graph.len() as u32;
        let base = functions + entries.len() as u32;
        let mut distances = Distances {
            search,
            entries,
            limits,
            functions,
            base,
            distance: vec![UNREACHED; (base * limits.sets()) as usize],
            next: FxHashMap::default(),
            steps: 0,
        };
        // A path ends at the context with nothing pending after it.
        let mut queue = VecDeque::new();
        for vertex in 0..base {
            if distances.contexts(graph, vertex).contains(search.target) {
                distances.distance[vertex as usize] = 0;
                queue.push_back(vertex);
            }
        }
        while let Some(vertex) = queue.pop_front() {
            if distances.distance[vertex as usize] > 0 && !distances.passes(graph, vertex) {
                continue;
            }
            let (plain, pending) = distances.split(vertex);
            if distances.dominated(plain, pending) {
                continue;
            }
            let node = distances.node(vertex);
            let next_distance = distances.distance[vertex as usize] + 1;
            let before = limits.pending_before(node, pending);
            let uses = callers.of(node);
            distances.steps += uses.len() as u64;
            for CallerUse {
                caller,
                kind,
                guessed,
                guard,
            } in uses
            {
                if !search.follows(kind, guessed, guard) || !limits.admits(caller, before) {
                    continue;
                }
                if !entries.is_empty() {
                    // The use reaches this vertex only if it enters `node` so.
                    let entered = entries.entered(caller, node, kind);
                    if entered.map_or(node, |state| functions + state) != plain {
                        continue;
                    }
                    for state in entries.of(caller) {
                        let at = distances.join(functions + state, before) as usize;
                        if entries.state(state).takes(node, kind)
                            && distances.distance[at] == UNREACHED
                        {
                            distances.distance[at] = next_distance;
                            queue.push_back(at as u32);
                        }
                    }
                }
                let at = distances.join(caller, before) as usize;
                if distances.distance[at] == UNREACHED {
                    distances.distance[at] = next_distance;
                    queue.push_back(at as u32);
                }
            }
        }
        let mut next_steps = 0;
        let next = (0..distances.distance.len() as u32)
            .filter_map(|vertex| match distances.distance[vertex as usize] {
                0 | UNREACHED => None,
                d => {
                    next_steps += graph.edges_from(distances.node(vertex)).len() as u64;
                    let pending = distances.split(vertex).1;
                    distances
                        .best_step(graph, vertex, |to| limits.pending_after(to, pending))
                        .filter(|&(_, to)| distances.distance[to as usize] == d - 1)
                        .map(|step| (vertex, step))
                }
            })
            .collect();
        distances.next = next;
        distances.steps += next_steps;
        distances
    }

    /// True if the vertex of `plain` with `pending` limits needs no search of its own: the same
    /// function or state with fewer limits pending is as near the context. Fewer pending
    /// limits constrain the path before it less, so whatever reaches this vertex reaches that
    /// one, no farther from the context.
    fn dominated(&self, plain: u32, pending: LimitSet) -> bool {
        let distance = self.distance[self.join(plain, pending) as usize];
        let mut fewer = pending;
        while fewer != 0 {
            fewer = (fewer - 1) & pending;
            if self.distance[self.join(plain, fewer) as usize] <= distance {
                return true;
            }
        }
        false
    }

    /// A vertex's function or state, and the limits pending after it.
    fn split(&self, vertex: u32) -> (u32, LimitSet) {
        (vertex % self.base, (vertex / self.base) as LimitSet)
    }

    /// The vertex of function or state `plain` with `pending` limits.
    fn join(&self, plain: u32, pending: LimitSet) -> u32 {
        u32::from(pending) * self.base + plain
    }

    /// The function a vertex is, or is a state of.
    fn node(&self, vertex: u32) -> NodeId {
        node_of(self.entries, self.functions, self.split(vertex).0)
    }

    /// The function or state `from`'s use `edge` reaches: its target, or the state the call
    /// enters it in.
    fn target(&self, from: NodeId, edge: &Edge) -> u32 {
        match self.entries.entered(from, edge.to, edge.kind()) {
            Some(state) => self.functions + state,
            None => edge.to,
        }
    }

    /// The contexts of function or state `plain`: its function's, less those a state drops.
    fn contexts(&self, graph: &Graph, plain: u32) -> ContextSet {
        vertex_contexts(graph, self.entries, self.functions, plain)
    }

    /// True if a path may go on through `vertex` (see [`passes_through`]).
    fn passes(&self, graph: &Graph, vertex: u32) -> bool {
        passes_through(self.search, graph, self.entries, self.split(vertex).0)
    }

    /// The step from `vertex` to the nearest vertex of the context, lowest target function first
    /// among equals, if any: the edge and the vertex it reaches, with one of the sets of
    /// pending limits that `pendings` gives for the edge's target function.
    fn best_step<P: Iterator<Item = LimitSet>>(
        &self,
        graph: &Graph,
        vertex: u32,
        pendings: impl Fn(NodeId) -> P,
    ) -> Option<(Edge, u32)> {
        let node = self.node(vertex);
        let state = self
            .split(vertex)
            .0
            .checked_sub(self.functions)
            .map(|state| self.entries.state(state));
        let mut best: Option<((u32, NodeId, UseKind), Edge, u32)> = None;
        for e in graph.edges_from(node) {
            if !state.is_none_or(|state| state.takes(e.to, e.kind()))
                || !self.search.follows(e.kind(), e.guessed(), e.guard())
            {
                continue;
            }
            let plain = self.target(node, e);
            for pending in pendings(e.to) {
                let to = self.join(plain, pending);
                let distance = self.distance[to as usize];
                if distance == UNREACHED || (distance > 0 && !self.passes(graph, to)) {
                    continue;
                }
                let key = (distance, e.to, e.kind());
                if best.as_ref().is_none_or(|(best, ..)| key < *best) {
                    best = Some((key, *e, to));
                }
            }
        }
        best.map(|(_, edge, to)| (edge, to))
    }

    /// The first step of a path from function `node`, a rule's subject, if it reaches the
    /// context: nothing comes before `node`, so every limit pending after it must be one it
    /// admits and any `only` one one it starts.
    fn first_step(&self, graph: &Graph, node: NodeId) -> Option<(Edge, u32)> {
        let limits = self.limits;
        self.best_step(graph, node, |to| {
            let opens =
                move |&pending: &LimitSet| limits.opens(node, limits.pending_before(to, pending));
            limits.all().filter(opens)
        })
    }

    /// Follows next hops from `first`, a step to vertex `to`, to a vertex at distance 0.
    fn path_from(&self, (first, to): (Edge, u32)) -> Vec<Step> {
        let mut path = Vec::with_capacity(self.distance[to as usize] as usize + 1);
        path.push(Step::along(&first));
        let mut vertex = to;
        while let Some(&(edge, to)) = self.next.get(&vertex) {
            path.push(Step::along(&edge));
            vertex = to;
        }
        path
    }
}

/// The function `vertex` is, or is a state of.
fn node_of(entries: &Entries, functions: u32, vertex: u32) -> NodeId {
    match vertex.checked_sub(functions) {
        Some(state) => entries.state(state).node,
        None => vertex,
    }
}

/// The contexts `vertex` has: its function's, less those its state drops.
fn vertex_contexts(graph: &Graph, entries: &Entries, functions: u32, vertex: u32) -> ContextSet {
    match vertex.checked_sub(functions) {
        Some(state) => {
            let state = entries.state(state);
            graph.function(state.node).contexts.without(state.dropped)
        }
        None => graph.function(vertex).contexts,
    }
}

/// True if a path may go on through `vertex`: always when walking through any function, else
/// only through vertices with no context.
fn passes_through(search: Search, graph: &Graph, entries: &Entries, vertex: u32) -> bool {
    let functions = graph.len() as u32;
    search.through == Through::Any || vertex_contexts(graph, entries, functions, vertex).is_empty()
}

/// Every violation of `rules` in `graph`, sorted by function name, file and line, then by the
/// names of the forbidden context and of the function's context.
pub fn check(graph: &Graph, contexts: &Contexts, rules: &[Rule]) -> Vec<Violation> {
    check_with_steps(graph, contexts, rules, &PathLimits::none()).0
}

/// [`check`], and the number of edges the searches looked at: at most a small multiple of
/// (searches + rules) x edges, whatever the number of annotated functions.
pub fn check_with_steps(
    graph: &Graph,
    contexts: &Contexts,
    rules: &[Rule],
    limits: &PathLimits,
) -> (Vec<Violation>, u64) {
    let callers = graph.reverse();
    let entries = graph.entries();
    let mut searches: Vec<Search> = Vec::new();
    for rule in rules {
        if let RuleKind::Reachability {
            forbidden, through, ..
        } = rule.kind
        {
            let search = Search {
                target: forbidden,
                through,
                edges: rule.edges,
                certain: rule.certain,
                skip: rule.skip,
            };
            if !searches.contains(&search) {
                searches.push(search);
            }
        }
    }
    // Each search is independent of the others, so they run in parallel; so do direct rules.
    let reachability = searches.par_iter().map(|&search| {
        let distances = Distances::compute(graph, &callers, &entries, limits, search);
        let mut steps = distances.steps;
        let mut violations = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let RuleKind::Reachability {
                from,
                forbidden,
                through,
            } = rule.kind
            else {
                continue;
            };
            let searched = (search.target, search.through, search.edges, search.certain);
            if (forbidden, through, rule.edges, rule.certain) != searched
                || rule.skip != search.skip
            {
                continue;
            }
            for node in graph.nodes() {
                let function = graph.function(node);
                if !function.contexts.contains(from) || function.kind.is_field() {
                    continue;
                }
                steps += graph.edges_from(node).len() as u64;
                if let Some(first) = distances.first_step(graph, node) {
                    violations.push(Violation {
                        function: node,
                        rule: index,
                        context: Some(from),
                        forbidden,
                        path: distances.path_from(first),
                        at_binding: false,
                    });
                }
            }
        }
        (violations, steps)
    });
    let direct = rules
        .par_iter()
        .enumerate()
        .map(|(index, rule)| match rule.kind {
            RuleKind::Direct { callee, callers } => direct(graph, index, rule, callee, callers),
            RuleKind::Binding {
                field,
                require,
                forbid,
            } => binding(graph, index, field, require, forbid),
            RuleKind::Reachability { .. } => (Vec::new(), 0),
        });
    let found: Vec<(Vec<Violation>, u64)> = reachability.chain(direct).collect();
    let steps = found.iter().map(|(_, steps)| steps).sum();
    let mut violations: Vec<Violation> = found.into_iter().flat_map(|(v, _)| v).collect();
    violations.sort_by(|a, b| {
        let key = |v: &Violation| {
            (
                graph.name(v.function),
                graph.file_of(v.function),
                graph.function(v.function).line,
                contexts.name(v.forbidden),
                v.context.map(|c| contexts.name(c)),
                v.rule,
                v.path[0].node,
            )
        };
        key(a).cmp(&key(b))
    });
    // Two rules that say the same thing (listed twice, or by two presets) report once.
    violations.dedup_by(|a, b| {
        (
            a.function,
            a.context,
            a.forbidden,
            a.path[0].node,
            a.at_binding,
        ) == (
            b.function,
            b.context,
            b.forbidden,
            b.path[0].node,
            b.at_binding,
        )
    });
    (violations, steps)
}

/// The violations of direct rule `rule` (number `index`): uses of `callee` code by functions
/// that carry none of `callers`. A field is no subject: a field of known type that carries none
/// of `callers` calls what is bound to it outside those contexts, so a `callee` function bound
/// to it is the subject, at the binding. (A field of unknown type stands for no declaration.)
fn direct(
    graph: &Graph,
    index: usize,
    rule: &Rule,
    callee: ContextId,
    callers: ContextSet,
) -> (Vec<Violation>, u64) {
    let mut violations = Vec::new();
    let mut steps = 0;
    for node in graph.nodes() {
        let edges = graph.edges_from(node);
        steps += edges.len() as u64;
        let function = graph.function(node);
        if function.contexts.intersects(callers)
            || function.kind == (NodeKind::Field { typed: false })
        {
            continue;
        }
        let field = function.kind.is_field();
        for edge in edges {
            let kind = edge.kind();
            // A binding is read, so a field's own edge counts even for a certain rule.
            let counts = kind != UseKind::Reference
                && rule.edges.includes(kind)
                && !(rule.certain && edge.guessed() && !field)
                && (edge.guard() == Guard::None || edge.guard() != rule.skip);
            if counts && graph.function(edge.to).contexts.contains(callee) {
                violations.push(match field {
                    true => Violation {
                        function: edge.to,
                        rule: index,
                        context: None,
                        forbidden: callee,
                        path: vec![Step {
                            node,
                            guessed: false,
                            ..Step::along(edge)
                        }],
                        at_binding: true,
                    },
                    false => Violation {
                        function: node,
                        rule: index,
                        context: None,
                        forbidden: callee,
                        path: vec![Step::along(edge)],
                        at_binding: false,
                    },
                });
            }
        }
    }
    (violations, steps)
}

/// The violations of binding rule number `index`: functions bound to a field of context
/// `field` that carry none of `require` (when it names any) or one of `forbid`. The subject is
/// the bound function, its path the one step to the field, at the binding; the binding is
/// read, not guessed, so the step is certain whatever the rule's `certain`.
fn binding(
    graph: &Graph,
    index: usize,
    field: ContextId,
    require: ContextSet,
    forbid: ContextSet,
) -> (Vec<Violation>, u64) {
    let mut violations = Vec::new();
    let mut steps = 0;
    for node in graph.nodes() {
        let declared = graph.function(node);
        if !declared.kind.is_field() || !declared.contexts.contains(field) {
            continue;
        }
        let edges = graph.edges_from(node);
        steps += edges.len() as u64;
        for edge in edges {
            let bound = graph.function(edge.to).contexts;
            let lacks = !require.is_empty() && !bound.intersects(require);
            if lacks || bound.intersects(forbid) {
                violations.push(Violation {
                    function: edge.to,
                    rule: index,
                    context: None,
                    forbidden: field,
                    path: vec![Step {
                        node,
                        guessed: false,
                        ..Step::along(edge)
                    }],
                    at_binding: true,
                });
            }
        }
    }
    (violations, steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::qemu_block;
    use crate::extract::{Recognizer, extract};
    use crate::graph::BuildOptions;
    use crate::model::EdgeKinds;
    use crate::source::SourceFile;

    fn run(text: &str) -> Vec<String> {
        let (contexts, rules) = qemu_block();
        let files = [SourceFile {
            path: "a.c".into(),
            functions: Box::new(extract(text.as_bytes(), &Recognizer::new(&contexts))),
        }];
        let graph = Graph::build(files.into(), &BuildOptions::new(EdgeKinds::ALL));
        describe(&graph, &contexts, &check(&graph, &contexts, &rules))
    }

    fn describe(graph: &Graph, contexts: &Contexts, violations: &[Violation]) -> Vec<String> {
        violations
            .iter()
            .map(|v| {
                let mut text = format!(
                    "{} {}->{}:",
                    graph.name(v.function),
                    v.context.map_or("-", |c| contexts.name(c)),
                    contexts.name(v.forbidden)
                );
                for step in &v.path {
                    text.push(' ');
                    text.push_str(graph.name(step.node));
                }
                text
            })
            .collect()
    }

    #[test]
    fn finds_shortest_path_through_any_function() {
        let got = run("void io(void) { IO_CODE(); long1(); short1(); }\n\
             void long1(void) { long2(); }\nvoid long2(void) { gs(); }\n\
             void short1(void) { gs(); }\nvoid gs(void) { GLOBAL_STATE_CODE(); }\n");
        assert_eq!(got, ["io IO_CODE->GLOBAL_STATE_CODE: short1 gs"]);
    }

    #[test]
    fn direct_call_and_all_three_rules() {
        let got = run("void gs(void) { GLOBAL_STATE_CODE(); }\n\
             void mixed(void) { IO_OR_GS_CODE(); gs(); }\n\
             void io(void) { IO_CODE(); mixed(); }\n");
        assert_eq!(
            got,
            [
                "io IO_CODE->GLOBAL_STATE_CODE: mixed gs",
                "io IO_CODE->IO_OR_GS_CODE: mixed",
                "mixed IO_OR_GS_CODE->GLOBAL_STATE_CODE: gs"
            ]
        );
    }

    #[test]
    fn a_function_does_not_violate_by_itself() {
        let got = run("void both(void) { IO_CODE(); GLOBAL_STATE_CODE(); }\n");
        assert!(got.is_empty(), "{got:?}");
        let got = run("void both(void) { IO_CODE(); GLOBAL_STATE_CODE(); both(); }\n");
        assert_eq!(got, ["both IO_CODE->GLOBAL_STATE_CODE: both"]);
    }

    #[test]
    fn cycles_terminate() {
        let got = run(
            "void a(void) { IO_CODE(); b(); }\nvoid b(void) { a(); c(); }\n\
             void c(void) { b(); }\nvoid d(void) { IO_OR_GS_CODE(); d(); }\n",
        );
        assert!(got.is_empty(), "{got:?}");
        let got = run(
            "void a(void) { IO_CODE(); b(); }\nvoid b(void) { a(); c(); }\n\
             void c(void) { b(); d(); }\nvoid d(void) { IO_OR_GS_CODE(); }\n",
        );
        assert_eq!(got, ["a IO_CODE->IO_OR_GS_CODE: b c d"]);
    }

    #[test]
    fn ties_go_to_the_first_definition() {
        let got = run("void io(void) { IO_CODE(); alpha(); zeta(); }\n\
             void zeta(void) { gs(); }\nvoid alpha(void) { gs(); }\n\
             void gs(void) { GLOBAL_STATE_CODE(); }\n");
        assert_eq!(got, ["io IO_CODE->GLOBAL_STATE_CODE: zeta gs"]);
    }

    #[test]
    fn references_are_edges() {
        let got = run("void cb(void) { GLOBAL_STATE_CODE(); }\n\
             void io(void) { IO_CODE(); schedule(ctx, cb, NULL); }\n");
        assert_eq!(got, ["io IO_CODE->GLOBAL_STATE_CODE: cb"]);
    }

    /// Work must grow with the graph, not with the number of annotated functions times the
    /// graph: a chain where every function is annotated is the worst case for a search per
    /// function, and is linear here.
    #[test]
    fn work_is_linear_in_the_graph() {
        let steps_for = |length: usize| {
            let mut text = String::new();
            for i in 0..length {
                let marker = ["IO_CODE", "IO_OR_GS_CODE", "GLOBAL_STATE_CODE"][i % 3];
                text.push_str(&format!(
                    "void f{i}(void) {{ {marker}(); f{}(); cb(f{}); }}\n",
                    i + 1,
                    i + 2
                ));
            }
            let (contexts, rules) = qemu_block();
            let files = [SourceFile {
                path: "a.c".into(),
                functions: Box::new(extract(text.as_bytes(), &Recognizer::new(&contexts))),
            }];
            let graph = Graph::build(files.into(), &BuildOptions::new(EdgeKinds::ALL));
            let edges = graph
                .nodes()
                .map(|n| graph.edges_from(n).len())
                .sum::<usize>();
            let (violations, steps) =
                check_with_steps(&graph, &contexts, &rules, &PathLimits::none());
            assert!(!violations.is_empty());
            (steps, edges as u64)
        };
        let (small, small_edges) = steps_for(1_000);
        let (large, large_edges) = steps_for(8_000);
        // 2 forbidden contexts and 3 rules: each edge is looked at most 2 + 2 + 3 times.
        assert!(
            small <= 7 * small_edges,
            "{small} steps for {small_edges} edges"
        );
        assert!(
            large <= 7 * large_edges,
            "{large} steps for {large_edges} edges"
        );
        assert!(
            large < 9 * small,
            "8x the graph took {large} / {small} steps"
        );
    }

    #[test]
    fn a_constant_that_fails_the_callees_test_takes_the_longer_way() {
        let text = "void io(void) { IO_CODE(); helper(0); other(); }\n\
             void helper(int p) { if (p) gs(); }\n\
             void other(void) { mid(); }\nvoid mid(void) { gs(); }\n\
             void gs(void) { GLOBAL_STATE_CODE(); }\n\
             void io2(void) { IO_CODE(); helper(1); }\n\
             void io3(void) { IO_CODE(); helper(0); }\n";
        assert_eq!(
            run(text),
            [
                "io IO_CODE->GLOBAL_STATE_CODE: other mid gs",
                "io2 IO_CODE->GLOBAL_STATE_CODE: helper gs"
            ]
        );
    }

    #[test]
    fn a_state_is_entered_only_through_its_call() {
        // `skip(0)` enters `skip` without its guarded use; `both` calls `skip` with any value,
        // so a path through `both` still goes through the guarded use.
        let text = "void io(void) { IO_CODE(); both(x); }\n\
             void both(int v) { skip(v); }\n\
             void skip(int p) { if (!p) return; gs(); }\n\
             void gs(void) { GLOBAL_STATE_CODE(); }\n\
             void io0(void) { IO_CODE(); skip(0); both(0); }\n";
        assert_eq!(
            run(text),
            [
                "io IO_CODE->GLOBAL_STATE_CODE: both skip gs",
                "io0 IO_CODE->GLOBAL_STATE_CODE: both skip gs"
            ]
        );
    }

    #[test]
    fn deep_chain_does_not_overflow() {
        let depth = 20_000;
        let mut text = String::from("void f0(void) { IO_CODE(); f1(); }\n");
        for i in 1..depth {
            text.push_str(&format!("void f{i}(void) {{ f{}(); }}\n", i + 1));
        }
        text.push_str(&format!("void f{depth}(void) {{ GLOBAL_STATE_CODE(); }}\n"));
        let got = run(&text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].split(' ').count(), 2 + depth);
    }
}
