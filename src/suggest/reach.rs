//! Which functions reach a context, the way a reachability rule walks, with a path as evidence.

use crate::check::Step;
use crate::context::{ContextId, Through};
use crate::graph::{Callers, Edge, Graph};
use crate::model::{EdgeKinds, Guard, NodeId};
use std::collections::VecDeque;

/// The most steps a path shown as evidence has.
pub(super) const EVIDENCE_STEPS: usize = 8;

const UNREACHED: u32 = u32::MAX;

/// Distances from every function to the nearest function carrying one context, walking back
/// from those functions along the edges of some kinds, through any function or only through
/// functions with no context, leaving out the uses under one branch of a context guard.
pub(super) struct Towards {
    through: Through,
    edges: EdgeKinds,
    skip: Guard,
    distance: Vec<u32>,
}

impl Towards {
    /// The distances to `target` in `graph`, whose reverse edges are `callers`, not taking
    /// the uses guarded `skip` (a rule's [`Rule::skip`](crate::context::Rule::skip)).
    pub(super) fn compute(
        graph: &Graph,
        callers: &Callers,
        target: ContextId,
        (through, skip): (Through, Guard),
        edges: EdgeKinds,
    ) -> Towards {
        let mut distance = vec![UNREACHED; graph.len()];
        let mut queue = VecDeque::new();
        for node in graph.nodes() {
            if graph.function(node).contexts.contains(target) {
                distance[node as usize] = 0;
                queue.push_back(node);
            }
        }
        while let Some(node) = queue.pop_front() {
            let d = distance[node as usize];
            if d > 0 && !passes(graph, through, node) {
                continue;
            }
            for used in callers.of(node) {
                let caller = used.caller;
                if edges.includes(used.kind)
                    && !skipped(used.guard, skip)
                    && distance[caller as usize] == UNREACHED
                {
                    distance[caller as usize] = d + 1;
                    queue.push_back(caller);
                }
            }
        }
        Towards {
            through,
            edges,
            skip,
            distance,
        }
    }

    /// The edge of `node` towards the context that a path may take, nearest (then lowest
    /// target) first.
    fn best_edge(&self, graph: &Graph, node: NodeId) -> Option<Edge> {
        graph
            .edges_from(node)
            .iter()
            .filter(|e| {
                let d = self.distance[e.to as usize];
                self.edges.includes(e.kind())
                    && !skipped(e.guard(), self.skip)
                    && d != UNREACHED
                    && (d == 0 || passes(graph, self.through, e.to))
            })
            .min_by_key(|e| (self.distance[e.to as usize], e.to, e.kind()))
            .copied()
    }

    /// The first steps (at most [`EVIDENCE_STEPS`]) of a shortest path from `node` to a
    /// function carrying the context, if there is one.
    pub(super) fn path_from(&self, graph: &Graph, node: NodeId) -> Option<Vec<Step>> {
        let mut edge = self.best_edge(graph, node)?;
        let mut path = vec![Step::along(&edge)];
        // Each step goes strictly nearer, so this ends.
        while self.distance[edge.to as usize] > 0 && path.len() < EVIDENCE_STEPS {
            edge = self.best_edge(graph, edge.to)?;
            path.push(Step::along(&edge));
        }
        Some(path)
    }
}

/// True if a use guarded `guard` is one that a rule skipping `skip` does not take.
pub(super) fn skipped(guard: Guard, skip: Guard) -> bool {
    skip != Guard::None && guard == skip
}

/// True if a path may go on through `node`.
fn passes(graph: &Graph, through: Through, node: NodeId) -> bool {
    through == Through::Any || graph.function(node).contexts.is_empty()
}
