//! Contexts inferred for the functions that carry none, from the configured rules.
//!
//! Each kind of rule turns into one inference (README, "Suggesting missing contexts"):
//!
//! - A **direct rule** whose callee context is among its allowed callers (`coroutine_fn` may call
//!   `coroutine_fn`) suggests the callee context for a function whose every use of the rule's
//!   kinds comes from a function that has one of the allowed contexts or is suggested the callee
//!   context itself, with no use the rule cannot check (a reference hands the function to
//!   unknown callers), and at least one such use chaining back to an annotated function. This
//!   is the greatest such set, so mutual recursion is no obstacle. It is *forced by the rule*
//!   when the function calls a function of the callee context (or a forced one): then it must
//!   have an allowed context, and its callers agree on which. Unless helpers are asked for,
//!   the function must also surely reach (by no guessed step) code of an allowed context.
//! - Where a `[[guard]]` decides that callee context, a use under the guard's in-context branch
//!   runs in it whoever the caller is, one under the other branch never does, and a caller of
//!   another allowed context (a mixed one) runs in and outside it; a call under the in-context
//!   branch forces nothing. A function that calls code of the callee context only under the
//!   in-context branch and is used both in and outside it (or by callers of unknown context)
//!   gets the rule's one other allowed context, the mixed one (*guarded calls*).
//! - A **reachability rule** between marker contexts narrows what a function may carry: one
//!   that reaches a forbidden context may not carry the rule's `from` context, one whose caller
//!   carries (or is suggested) a `from` context may not carry what that forbids. A function all
//!   of whose uses of the rules' kinds come from annotated or suggested functions gets the one
//!   marker left (*forced by a rule*), or, where several are left, the one all its callers
//!   carry (*all callers agree*).
//!
//! A suggestion never creates a violation: a function whose callers demand a context that a
//! rule forbids it (it reaches what that context must not reach, or nothing is left) is a
//! [`Conflict`] instead.

use super::reach::{EVIDENCE_STEPS, Towards, skipped};
use crate::check::Step;
use crate::config::Config;
use crate::context::{ContextId, ContextSet, Contexts, Recognition, Rule, RuleKind};
use crate::graph::{Callers, Graph, NodeKind};
use crate::model::{EdgeKinds, Guard, NodeId, UseKind};
use mixed::{Mixed, mixed_contexts};
use std::collections::VecDeque;

/// How sure a suggestion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// A rule leaves the function no other context (or is broken without it).
    Forced,
    /// Every caller carries the context; no rule demands it.
    CallersAgree,
    /// The function runs both in and outside a guarded context and calls that context's
    /// functions only where a guard says it is in it: the mixed context fits it.
    Guarded,
}

impl Confidence {
    /// The name in JSON and in explanations.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Forced => "forced by a rule",
            Confidence::CallersAgree => "all callers agree",
            Confidence::Guarded => "guarded calls",
        }
    }
}

/// A use of the function by a caller, as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The caller.
    pub node: NodeId,
    /// How it uses the function.
    pub kind: UseKind,
    /// Index of the file the use is written in (see [`Graph::path`]).
    pub file: u32,
    /// Line of the use.
    pub line: u32,
    /// Where the use runs relative to the `[[guard]]`'s context.
    pub guard: Guard,
}

/// A rule that decides a suggestion or a conflict, and the path that makes it apply (empty
/// when the function's callers are what the rule speaks about).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forcing {
    /// Index of the rule in the configuration.
    pub rule: usize,
    /// From the function to a function carrying the context the rule names; empty when a
    /// caller is the reason.
    pub path: Vec<Step>,
    /// The caller whose context the rule speaks about, if that is the reason.
    pub caller: Option<NodeId>,
}

/// A context a function is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The function.
    pub function: NodeId,
    /// The context to add.
    pub context: ContextId,
    /// How sure it is.
    pub confidence: Confidence,
    /// Every use the rules look at, each from an annotated or suggested function.
    pub callers: Vec<Caller>,
    /// The rules that force it (empty unless [`Confidence::Forced`]).
    pub forced_by: Vec<Forcing>,
    /// For [`Confidence::Guarded`], its calls of the guarded context, each under the guard's
    /// in-context branch.
    pub guarded_calls: Vec<Step>,
}

/// A function whose callers demand a context that a rule forbids it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The function.
    pub function: NodeId,
    /// What the callers demand.
    pub wanted: ContextSet,
    /// The callers.
    pub callers: Vec<Caller>,
    /// The rules that forbid it, each with its path.
    pub forbidden_by: Vec<Forcing>,
}

/// Everything inferred from one graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inference {
    /// Suggestions, sorted by file, line and context name.
    pub suggestions: Vec<Suggestion>,
    /// Conflicts, sorted by file and line.
    pub conflicts: Vec<Conflict>,
}

/// Infers the missing contexts of `graph`'s functions from the rules and guards of `config`.
/// With `helpers`, a direct rule also suggests its callee context for functions that do not
/// surely reach code of an allowed context (helpers that only compute, or reach it only by a
/// guessed step); they are left out otherwise.
pub fn infer(graph: &Graph, config: &Config, helpers: bool) -> Inference {
    let (contexts, rules) = (&config.contexts, config.rules.as_slice());
    let guard = config.guards.as_ref().map(|g| g.context);
    let callers = graph.reverse();
    let mut inference = Inference::default();
    let mut suggested = vec![ContextSet::default(); graph.len()];
    for (index, rule) in rules.iter().enumerate() {
        if let RuleKind::Direct {
            callee,
            callers: allowed,
        } = rule.kind
            && allowed.contains(callee)
        {
            let direct = Direct { index, helpers };
            closed_callers(
                graph,
                &callers,
                (rules, guard),
                direct,
                &mut suggested,
                &mut inference,
            );
        }
    }
    markers(graph, &callers, contexts, rules, &mut inference);
    let key = |node: NodeId| (graph.file_of(node), graph.function(node).line, node);
    inference.suggestions.sort_by(|a, b| {
        (key(a.function), contexts.name(a.context))
            .cmp(&(key(b.function), contexts.name(b.context)))
    });
    inference
        .suggestions
        .dedup_by(|a, b| (a.function, a.context) == (b.function, b.context));
    inference.conflicts.sort_by_key(|c| key(c.function));
    inference
}

/// The uses of `node` (not by itself), with where they are written.
fn uses_of(graph: &Graph, callers: &Callers, node: NodeId) -> Vec<Caller> {
    callers
        .of(node)
        .filter(|used| used.caller != node)
        .map(|used| {
            let edge = graph
                .edges_from(used.caller)
                .iter()
                .find(|e| e.to == node && e.kind() == used.kind);
            Caller {
                node: used.caller,
                kind: used.kind,
                file: edge.map_or(graph.function(used.caller).file, |e| e.file),
                line: edge.map_or(0, |e| e.line()),
                guard: used.guard,
            }
        })
        .collect()
}

/// The contexts that rules speak of together with any of `seed`: the contexts a function must
/// carry none of to be a candidate for one of them.
fn family(rules: &[Rule], seed: ContextSet) -> ContextSet {
    let mut family = seed;
    for rule in rules {
        let mut named = ContextSet::default();
        match rule.kind {
            RuleKind::Direct { callee, callers } => {
                named.insert(callee);
                named.extend(callers);
            }
            RuleKind::Reachability {
                from, forbidden, ..
            } => {
                named.insert(from);
                named.insert(forbidden);
            }
            RuleKind::Binding {
                field,
                require,
                forbid,
            } => {
                named.insert(field);
                named.extend(require);
                named.extend(forbid);
            }
        }
        if named.intersects(seed) {
            family.extend(named);
        }
    }
    family
}

/// Which direct rule to infer from, and whether to suggest for helpers.
#[derive(Clone, Copy)]
struct Direct {
    index: usize,
    helpers: bool,
}

/// Where a use of a function runs, as a direct rule whose callee context may call itself sees
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Runs {
    /// In an allowed context: its caller carries one for sure, or it is written under the
    /// in-context branch of a guard.
    Inside,
    /// Wherever its caller runs: in the context if the caller is suggested it.
    WithCaller,
    /// Where the rule cannot vouch for the context: under the out-of-context branch of a
    /// guard, in a caller whose context runs both in and outside it, or a reference the rule
    /// does not count (the function is handed to unknown callers).
    Elsewhere,
    /// A use of a kind the rule neither counts nor needs to (a generated wrapper's call).
    Ignored,
}

/// A direct rule whose callee context may call itself, and how guards bear on it.
struct DirectRule<'a> {
    graph: &'a Graph,
    rule: &'a Rule,
    callee: ContextId,
    allowed: ContextSet,
    /// The contexts whose functions surely run in an allowed context: with guards deciding the
    /// callee context, only that one (a function of another allowed context, a mixed one,
    /// runs both in and outside it); else every allowed context.
    sure: ContextSet,
    /// Guards decide the callee context: uses carry where they run relative to it.
    guarded: bool,
}

impl DirectRule<'_> {
    /// True for a use the rule counts that calls (a reference the rule counts is still no call).
    fn counted(&self, kind: UseKind) -> bool {
        kind != UseKind::Reference && self.rule.edges.includes(kind)
    }

    /// Where a use by `caller` of `kind`, guarded `guard`, runs.
    fn runs(&self, caller: NodeId, kind: UseKind, guard: Guard) -> Runs {
        if !self.rule.edges.includes(kind) {
            return if kind == UseKind::Reference {
                Runs::Elsewhere
            } else {
                Runs::Ignored
            };
        }
        if self.guarded {
            match guard {
                Guard::Inside => return Runs::Inside,
                Guard::Outside => return Runs::Elsewhere,
                Guard::None => {}
            }
        }
        let contexts = self.graph.function(caller).contexts;
        if contexts.intersects(self.sure) {
            Runs::Inside
        } else if contexts.intersects(self.allowed) {
            Runs::Elsewhere
        } else {
            Runs::WithCaller
        }
    }

    /// True if `use_` runs in an allowed context, given the functions that are suggested the
    /// callee context.
    fn accepts(&self, suggested: &[bool], use_: &Caller) -> bool {
        match self.runs(use_.node, use_.kind, use_.guard) {
            Runs::Inside | Runs::Ignored => true,
            Runs::WithCaller => suggested[use_.node as usize],
            Runs::Elsewhere => false,
        }
    }

    /// True if a call guarded `guard` is one the rule does not check: it runs only in the
    /// callee context, so it forces nothing on its caller.
    fn unchecked(&self, guard: Guard) -> bool {
        self.guarded && guard == Guard::Inside
    }
}

/// The inference of a direct rule whose callee context may call itself (see the module doc).
fn closed_callers(
    graph: &Graph,
    callers: &Callers,
    (rules, guard): (&[Rule], Option<ContextId>),
    Direct { index, helpers }: Direct,
    suggested: &mut [ContextSet],
    inference: &mut Inference,
) {
    let rule = &rules[index];
    let RuleKind::Direct {
        callee,
        callers: allowed,
    } = rule.kind
    else {
        return;
    };
    let guarded = guard == Some(callee);
    let direct = DirectRule {
        graph,
        rule,
        callee,
        allowed,
        sure: if guarded { single(callee) } else { allowed },
        guarded,
    };
    let mut seed = allowed;
    seed.insert(callee);
    let family = family(rules, seed);
    let candidate = |node: NodeId, suggested: &[ContextSet]| {
        let function = graph.function(node);
        function.kind == NodeKind::Definition
            && !function.contexts.intersects(family)
            && !suggested[node as usize].intersects(family)
    };
    let mut forbidding = forbidding(graph, callers, rules, callee, |n| candidate(n, suggested));
    let uses: Vec<Vec<Caller>> = graph
        .nodes()
        .map(|n| {
            if candidate(n, suggested) {
                uses_of(graph, callers, n)
            } else {
                Vec::new()
            }
        })
        .collect();
    // The greatest set of candidates whose uses all run in an allowed context: start from
    // every candidate and drop until nothing changes.
    let mut kept: Vec<bool> = graph
        .nodes()
        .map(|n| candidate(n, suggested) && forbidding[n as usize].is_empty())
        .collect();
    // Then keep only what a counted use chains back to an allowed context, and drop again
    // what lost a caller, until both hold.
    let all_callers_agree = loop {
        let mut queue: VecDeque<NodeId> = graph.nodes().filter(|&n| kept[n as usize]).collect();
        while let Some(node) = queue.pop_front() {
            if !kept[node as usize] || uses[node as usize].iter().all(|u| direct.accepts(&kept, u))
            {
                continue;
            }
            kept[node as usize] = false;
            for edge in graph.edges_from(node) {
                if kept[edge.to as usize] {
                    queue.push_back(edge.to);
                }
            }
        }
        let mut grounded = vec![false; graph.len()];
        let mut queue: VecDeque<NodeId> = graph
            .nodes()
            .filter(|&n| {
                kept[n as usize]
                    && uses[n as usize]
                        .iter()
                        .any(|u| direct.runs(u.node, u.kind, u.guard) == Runs::Inside)
            })
            .collect();
        for &node in &queue {
            grounded[node as usize] = true;
        }
        while let Some(node) = queue.pop_front() {
            for edge in graph.edges_from(node) {
                let to = edge.to as usize;
                if direct.counted(edge.kind())
                    && direct.runs(node, edge.kind(), edge.guard()) != Runs::Elsewhere
                    && kept[to]
                    && !grounded[to]
                {
                    grounded[to] = true;
                    queue.push_back(edge.to);
                }
            }
        }
        if grounded == kept {
            break grounded;
        }
        kept = grounded;
    };
    // Unless helpers are wanted, only what surely reaches code of an allowed context: every
    // caller of such a function reaches it too, so what is left out never calls what is
    // suggested.
    let reaching = reached_surely(graph, callers, allowed, rule.edges, guarded);
    let grounded: Vec<bool> = all_callers_agree
        .iter()
        .zip(&reaching)
        .map(|(&g, &r)| g && (helpers || r))
        .collect();
    // Forced: calls the callee context, or a forced function, where the rule checks the call.
    let mut forced: Vec<Option<Vec<Step>>> = vec![None; graph.len()];
    let mut queue = VecDeque::new();
    for node in graph.nodes().filter(|&n| grounded[n as usize]) {
        let call = graph.edges_from(node).iter().find(|e| {
            direct.counted(e.kind())
                && !direct.unchecked(e.guard())
                && graph.function(e.to).contexts.contains(callee)
        });
        if let Some(edge) = call {
            forced[node as usize] = Some(vec![Step::along(edge)]);
            queue.push_back(node);
        }
    }
    while let Some(node) = queue.pop_front() {
        for use_ in &uses[node as usize] {
            let caller = use_.node as usize;
            if grounded[caller]
                && forced[caller].is_none()
                && direct.counted(use_.kind)
                && !direct.unchecked(use_.guard)
            {
                let edge = graph
                    .edges_from(use_.node)
                    .iter()
                    .find(|e| e.to == node && e.kind() == use_.kind)
                    .copied();
                // The evidence shows the first steps towards the callee context; each forced
                // function on the way shows its own, so the evidence stays small.
                let mut path: Vec<Step> = edge.iter().map(Step::along).collect();
                let rest = forced[node as usize].iter().flatten();
                path.extend(rest.take(EVIDENCE_STEPS - 1).copied());
                forced[caller] = Some(path);
                queue.push_back(use_.node);
            }
        }
    }
    let counted_uses = |n: usize| -> Vec<Caller> {
        uses[n]
            .iter()
            .filter(|u| rule.edges.includes(u.kind))
            .copied()
            .collect()
    };
    for node in graph.nodes() {
        let n = node as usize;
        if grounded[n] {
            suggested[n].insert(callee);
            let forced_path = forced[n].take();
            inference.suggestions.push(Suggestion {
                function: node,
                context: callee,
                confidence: match forced_path {
                    Some(_) => Confidence::Forced,
                    None => Confidence::CallersAgree,
                },
                callers: counted_uses(n),
                forced_by: forced_path
                    .map(|path| Forcing {
                        rule: index,
                        path,
                        caller: None,
                    })
                    .into_iter()
                    .collect(),
                guarded_calls: Vec::new(),
            });
        } else if !forbidding[n].is_empty()
            && !counted_uses(n).is_empty()
            && uses[n].iter().all(|u| direct.accepts(&grounded, u))
        {
            inference.conflicts.push(Conflict {
                function: node,
                wanted: single(callee),
                callers: counted_uses(n),
                forbidden_by: std::mem::take(&mut forbidding[n]),
            });
        }
    }
    let mixed = Mixed {
        uses: &uses,
        all_callers_agree: &all_callers_agree,
        reaching: &reaching,
        forbidding: &forbidding,
        helpers,
    };
    mixed_contexts(&direct, callers, rules, &mixed, suggested, inference);
}

/// What forbids each function that `candidate` accepts the context `callee`: reaching a context
/// that `callee` must not reach (with the path), or being reached from a context that must not
/// reach `callee` (with no path).
fn forbidding(
    graph: &Graph,
    callers: &Callers,
    rules: &[Rule],
    callee: ContextId,
    candidate: impl Fn(NodeId) -> bool,
) -> Vec<Vec<Forcing>> {
    let mut forbidding: Vec<Vec<Forcing>> = vec![Vec::new(); graph.len()];
    for (other, r) in rules.iter().enumerate() {
        let RuleKind::Reachability {
            from,
            forbidden,
            through,
        } = r.kind
        else {
            continue;
        };
        if from == callee {
            let towards = Towards::compute(graph, callers, forbidden, (through, r.skip), r.edges);
            for node in graph.nodes().filter(|&n| candidate(n)) {
                if let Some(path) = towards.path_from(graph, node) {
                    forbidding[node as usize].push(Forcing {
                        rule: other,
                        path,
                        caller: None,
                    });
                }
            }
        }
        if forbidden == callee {
            for node in reached_from(graph, from, r.edges, r.skip) {
                if candidate(node) {
                    forbidding[node as usize].push(Forcing {
                        rule: other,
                        path: Vec::new(),
                        caller: None,
                    });
                }
            }
        }
    }
    forbidding
}

/// For each function, whether it surely reaches, by a path of length >= 1 of call-like
/// `edges` the graph knows (none guessed) and, where guards decide the context (`guarded`),
/// none that runs only outside it, a function carrying one of `targets`.
fn reached_surely(
    graph: &Graph,
    callers: &Callers,
    targets: ContextSet,
    edges: EdgeKinds,
    guarded: bool,
) -> Vec<bool> {
    let mut seen = vec![false; graph.len()];
    let mut queue: VecDeque<NodeId> = graph
        .nodes()
        .filter(|&n| graph.function(n).contexts.intersects(targets))
        .collect();
    while let Some(node) = queue.pop_front() {
        for used in callers.of(node) {
            let caller = used.caller;
            if used.kind != UseKind::Reference
                && edges.includes(used.kind)
                && !used.guessed
                && !(guarded && used.guard == Guard::Outside)
                && !seen[caller as usize]
            {
                seen[caller as usize] = true;
                queue.push_back(caller);
            }
        }
    }
    seen
}

/// The functions reached, by a path of length >= 1 of `edges` (none guarded `skip`), from a
/// function carrying `from`.
fn reached_from(graph: &Graph, from: ContextId, edges: EdgeKinds, skip: Guard) -> Vec<NodeId> {
    let mut seen = vec![false; graph.len()];
    let mut queue: VecDeque<NodeId> = graph
        .nodes()
        .filter(|&n| graph.function(n).contexts.contains(from))
        .collect();
    while let Some(node) = queue.pop_front() {
        for edge in graph.edges_from(node) {
            if edges.includes(edge.kind())
                && !skipped(edge.guard(), skip)
                && !seen[edge.to as usize]
            {
                seen[edge.to as usize] = true;
                queue.push_back(edge.to);
            }
        }
    }
    graph.nodes().filter(|&n| seen[n as usize]).collect()
}

/// What a function is known to carry among the marker contexts while inferring them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Not decided yet: some caller is not decided.
    Pending,
    /// These contexts (annotated or suggested); empty for a function that stays unannotated.
    Is(ContextSet),
}

/// The inference of the reachability rules between marker contexts (see the module doc).
fn markers(
    graph: &Graph,
    callers: &Callers,
    contexts: &Contexts,
    rules: &[Rule],
    inference: &mut Inference,
) {
    let is_marker = |c: ContextId| matches!(contexts.recognition(c), Recognition::Marker(_));
    let marker_rules: Vec<(usize, ContextId, ContextId, &Rule)> = rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r.kind {
            RuleKind::Reachability {
                from, forbidden, ..
            } if is_marker(from) && is_marker(forbidden) => Some((i, from, forbidden, r)),
            _ => None,
        })
        .collect();
    let mut family = ContextSet::default();
    let mut edges_used = Vec::new();
    for &(_, from, forbidden, rule) in &marker_rules {
        family.insert(from);
        family.insert(forbidden);
        edges_used.extend(rule.edges.iter());
    }
    if family.is_empty() {
        return;
    }
    let counted = EdgeKinds::of(edges_used);
    // What each function's callees leave it: no `from` context of a rule whose forbidden
    // context it reaches.
    let mut below: Vec<(ContextSet, Vec<Forcing>)> = vec![(family, Vec::new()); graph.len()];
    for &(index, from, forbidden, rule) in &marker_rules {
        let RuleKind::Reachability { through, .. } = rule.kind else {
            continue;
        };
        let towards = Towards::compute(graph, callers, forbidden, (through, rule.skip), rule.edges);
        for node in graph.nodes() {
            if !graph.function(node).contexts.intersects(family)
                && let Some(path) = towards.path_from(graph, node)
            {
                let entry = &mut below[node as usize];
                entry.0 = without(entry.0, from);
                entry.1.push(Forcing {
                    rule: index,
                    path,
                    caller: None,
                });
            }
        }
    }
    let mut known: Vec<Known> = graph
        .nodes()
        .map(|n| {
            let function = graph.function(n);
            match function.kind {
                NodeKind::Definition if !function.contexts.intersects(family) => Known::Pending,
                _ => Known::Is(only(function.contexts, family)),
            }
        })
        .collect();
    let uses: Vec<Vec<Caller>> = graph
        .nodes()
        .map(|n| match known[n as usize] {
            Known::Pending => uses_of(graph, callers, n)
                .into_iter()
                .filter(|u| counted.includes(u.kind))
                .collect(),
            Known::Is(_) => Vec::new(),
        })
        .collect();
    // Each pending function is decided once all its callers are.
    let mut waiting: Vec<usize> = graph
        .nodes()
        .map(|n| {
            uses[n as usize]
                .iter()
                .filter(|u| known[u.node as usize] == Known::Pending)
                .count()
        })
        .collect();
    let mut queue: VecDeque<NodeId> = graph
        .nodes()
        .filter(|&n| known[n as usize] == Known::Pending && waiting[n as usize] == 0)
        .collect();
    let mut decided: Vec<Option<Suggestion>> = vec![None; graph.len()];
    while let Some(node) = queue.pop_front() {
        let n = node as usize;
        let (left, by_callees) = &below[n];
        let mut allowed = *left;
        let mut forcings = by_callees.clone();
        let mut callers_agree: Option<ContextSet> = None;
        let mut unknown_caller = uses[n].is_empty();
        for use_ in &uses[n] {
            let Known::Is(set) = known[use_.node as usize] else {
                unknown_caller = true;
                continue;
            };
            if set.is_empty() {
                unknown_caller = true;
            }
            callers_agree = match callers_agree {
                None => Some(set),
                Some(same) if same == set => Some(same),
                Some(_) => Some(ContextSet::default()),
            };
            for &(index, from, forbidden, rule) in &marker_rules {
                if set.contains(from)
                    && rule.edges.includes(use_.kind)
                    && allowed.contains(forbidden)
                {
                    allowed = without(allowed, forbidden);
                    forcings.push(Forcing {
                        rule: index,
                        path: Vec::new(),
                        caller: Some(use_.node),
                    });
                }
            }
        }
        let result = if unknown_caller {
            ContextSet::default()
        } else if allowed.is_empty() {
            let mut wanted = ContextSet::default();
            for use_ in &uses[n] {
                if let Known::Is(set) = known[use_.node as usize] {
                    wanted.extend(set);
                }
            }
            inference.conflicts.push(Conflict {
                function: node,
                wanted,
                callers: uses[n].clone(),
                forbidden_by: forcings,
            });
            ContextSet::default()
        } else if allowed.iter().count() == 1 {
            let context = allowed.iter().next().expect("one context");
            decided[n] = Some(Suggestion {
                function: node,
                context,
                confidence: Confidence::Forced,
                callers: uses[n].clone(),
                forced_by: forcings,
                guarded_calls: Vec::new(),
            });
            allowed
        } else {
            match callers_agree {
                Some(set) if set.iter().count() == 1 && allowed.intersects(set) => {
                    let context = set.iter().next().expect("one context");
                    decided[n] = Some(Suggestion {
                        function: node,
                        context,
                        confidence: Confidence::CallersAgree,
                        callers: uses[n].clone(),
                        forced_by: Vec::new(),
                        guarded_calls: Vec::new(),
                    });
                    set
                }
                _ => ContextSet::default(),
            }
        };
        known[n] = Known::Is(result);
        for edge in graph.edges_from(node) {
            let to = edge.to as usize;
            if to != n && known[to] == Known::Pending && counted.includes(edge.kind()) {
                waiting[to] -= 1;
                if waiting[to] == 0 {
                    queue.push_back(edge.to);
                }
            }
        }
    }
    inference.suggestions.extend(decided.into_iter().flatten());
}

/// The contexts of `set` that are in `family`.
fn only(set: ContextSet, family: ContextSet) -> ContextSet {
    let mut result = ContextSet::default();
    for c in set.iter().filter(|&c| family.contains(c)) {
        result.insert(c);
    }
    result
}

/// The set of `context` alone.
fn single(context: ContextId) -> ContextSet {
    let mut set = ContextSet::default();
    set.insert(context);
    set
}

/// `set` without `context`.
fn without(set: ContextSet, context: ContextId) -> ContextSet {
    let mut result = ContextSet::default();
    for c in set.iter().filter(|&c| c != context) {
        result.insert(c);
    }
    result
}

mod mixed;
#[cfg(test)]
mod tests;
