//! The mixed context (`coroutine_mixed_fn`) for functions that run both in and outside a
//! guarded context and call its code only where the guard says they are in it; see the parent
//! module's doc for the exact conditions.

use super::{Caller, Confidence, DirectRule, Forcing, Inference, Suggestion, reached_from};
use crate::check::Step;
use crate::context::{ContextId, ContextSet, Rule, RuleKind};
use crate::graph::{Callers, Edge, Graph};
use crate::model::{Guard, NodeId, UseKind};
use crate::suggest::reach::{Towards, skipped};

/// What the inference of a direct rule knows when it looks for mixed functions.
pub(super) struct Mixed<'a> {
    /// Each candidate's uses.
    pub(super) uses: &'a [Vec<Caller>],
    /// The candidates all of whose uses run in an allowed context (helpers included).
    pub(super) all_callers_agree: &'a [bool],
    /// Which functions surely reach code of an allowed context.
    pub(super) reaching: &'a [bool],
    /// What forbids each candidate the callee context.
    pub(super) forbidding: &'a [Vec<Forcing>],
    /// Whether helpers are suggested.
    pub(super) helpers: bool,
}

/// Suggests the rule's one other allowed context (`coroutine_mixed_fn`) for the functions that
/// run both in and outside the callee context and guard their calls of it (see the module doc):
/// only where guards decide the callee context.
pub(super) fn mixed_contexts(
    direct: &DirectRule,
    callers: &Callers,
    rules: &[Rule],
    known: &Mixed,
    suggested: &mut [ContextSet],
    inference: &mut Inference,
) {
    let graph = direct.graph;
    let mut others = direct.allowed.iter().filter(|&c| c != direct.callee);
    let (Some(mixed), None) = (others.next(), others.next()) else {
        return;
    };
    if !direct.guarded {
        return;
    }
    // The contexts the callee context must not reach: their functions run outside it.
    let mut outside = ContextSet::default();
    for rule in rules {
        if let RuleKind::Reachability {
            from, forbidden, ..
        } = rule.kind
            && from == direct.callee
        {
            outside.insert(forbidden);
        }
    }
    let mut found: Vec<(NodeId, Vec<Step>)> = Vec::new();
    for node in graph.nodes() {
        let n = node as usize;
        let uses = &known.uses[n];
        // A candidate (it has its uses) that not all callers agree on, free to run in the
        // callee context, and that surely reaches it.
        if uses.is_empty()
            || suggested[n].contains(direct.callee)
            || known.all_callers_agree[n]
            || known.forbidding[n].iter().any(|f| !f.path.is_empty())
            || !(known.helpers || known.reaching[n])
        {
            continue;
        }
        let of_callee = |to: NodeId| {
            graph.function(to).contexts.contains(direct.callee)
                || suggested[to as usize].contains(direct.callee)
        };
        let calls: Vec<&Edge> = graph
            .edges_from(node)
            .iter()
            .filter(|e| direct.counted(e.kind()) && of_callee(e.to))
            .collect();
        let only_guarded = !calls.is_empty() && calls.iter().all(|e| e.guard() == Guard::Inside);
        // Used, and not only outside the callee context (all in it makes the callee context
        // fit, where the other conditions hold).
        let only_outside = uses.iter().all(|u| {
            u.guard == Guard::Outside || graph.function(u.node).contexts.intersects(outside)
        });
        if only_guarded && !only_outside {
            found.push((node, calls.into_iter().map(Step::along).collect()));
        }
    }
    let nodes: Vec<NodeId> = found.iter().map(|(node, _)| *node).collect();
    let broken = breaking(graph, callers, rules, mixed, &nodes, known.uses);
    for ((node, guarded_calls), broken) in found.into_iter().zip(broken) {
        if broken {
            continue;
        }
        suggested[node as usize].insert(mixed);
        inference.suggestions.push(Suggestion {
            function: node,
            context: mixed,
            confidence: Confidence::Guarded,
            callers: known.uses[node as usize]
                .iter()
                .filter(|u| direct.rule.edges.includes(u.kind))
                .copied()
                .collect(),
            forced_by: Vec::new(),
            guarded_calls,
        });
    }
}

/// For each of `nodes`, whether carrying `context` would make it break a rule: reach what the
/// context must not reach, be reached from a context that must not reach it, be called by a
/// caller the context does not allow, or be bound to a field that forbids it. `uses` are every
/// function's uses.
fn breaking(
    graph: &Graph,
    callers: &Callers,
    rules: &[Rule],
    context: ContextId,
    nodes: &[NodeId],
    uses: &[Vec<Caller>],
) -> Vec<bool> {
    let mut broken = vec![false; nodes.len()];
    if nodes.is_empty() {
        return broken;
    }
    for rule in rules {
        let breaks: Box<dyn Fn(NodeId) -> bool> = match rule.kind {
            RuleKind::Reachability {
                from,
                forbidden,
                through,
            } if from == context => {
                let towards =
                    Towards::compute(graph, callers, forbidden, (through, rule.skip), rule.edges);
                Box::new(move |node| towards.path_from(graph, node).is_some())
            }
            RuleKind::Reachability {
                from, forbidden, ..
            } if forbidden == context => {
                let reached = reached_from(graph, from, rule.edges, rule.skip);
                Box::new(move |node| reached.binary_search(&node).is_ok())
            }
            RuleKind::Direct { callee, callers } if callee == context => Box::new(move |node| {
                uses[node as usize].iter().any(|u| {
                    rule.edges.includes(u.kind)
                        && !skipped(u.guard, rule.skip)
                        && !graph.function(u.node).contexts.intersects(callers)
                })
            }),
            RuleKind::Binding { field, forbid, .. } if forbid.contains(context) => {
                Box::new(move |node| {
                    uses[node as usize].iter().any(|u| {
                        let user = graph.function(u.node);
                        u.kind == UseKind::Field
                            && user.kind.is_field()
                            && user.contexts.contains(field)
                    })
                })
            }
            _ => continue,
        };
        for (flag, &node) in broken.iter_mut().zip(nodes) {
            *flag = *flag || breaks(node);
        }
    }
    broken
}
