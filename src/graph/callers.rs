//! The reverse of a graph's edges: for each function, the functions that use it and how.
//!
//! The check builds it once over every edge of the tree (millions on Linux) while the graph is
//! alive, so a use takes five bytes: the user, and the edge's [`UseMark`] (kind, guard and
//! whether it is guessed) in one byte.

use super::Graph;
use crate::model::{Guard, NodeId, UseKind, UseMark};

/// The reverse of a graph's edges, in the same layout as the forward ones: for each node, the
/// nodes that use it and how, in increasing node order.
#[derive(Debug, Clone)]
pub struct Callers {
    /// `users[offsets[n]..offsets[n + 1]]` are node n's callers.
    offsets: Vec<u32>,
    /// The node that makes each use.
    users: Vec<NodeId>,
    /// For each entry of `users`, how it uses the node.
    marks: Vec<UseMark>,
}

/// One use of a function, as [`Callers::of`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerUse {
    /// The function that makes the use.
    pub caller: NodeId,
    /// How it uses the function.
    pub kind: UseKind,
    /// Whether the edge is guessed ([`Edge::guessed`](super::Edge::guessed)).
    pub guessed: bool,
    /// Where the use runs relative to its guard's context.
    pub guard: Guard,
}

impl CallerUse {
    /// The use by `caller` that `mark` describes.
    fn unpack(caller: NodeId, mark: UseMark) -> CallerUse {
        CallerUse {
            caller,
            kind: mark.kind(),
            guessed: mark.flag(),
            guard: mark.guard(),
        }
    }
}

impl Callers {
    /// The reverse of `graph`'s edges.
    pub(super) fn of_graph(graph: &Graph) -> Callers {
        let mut offsets = vec![0u32; graph.len() + 1];
        for edge in &graph.edges {
            offsets[edge.to as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut fill = offsets.clone();
        let mut users = vec![0; graph.edges.len()];
        let mut marks = vec![UseMark::from_bits(0); graph.edges.len()];
        for from in graph.nodes() {
            for edge in graph.edges_from(from) {
                let slot = &mut fill[edge.to as usize];
                users[*slot as usize] = from;
                marks[*slot as usize] = edge.mark();
                *slot += 1;
            }
        }
        Callers {
            offsets,
            users,
            marks,
        }
    }

    /// The uses of `node`, by increasing caller.
    pub fn of(&self, node: NodeId) -> impl ExactSizeIterator<Item = CallerUse> + '_ {
        let index = node as usize;
        let range = self.offsets[index] as usize..self.offsets[index + 1] as usize;
        self.users[range.clone()]
            .iter()
            .zip(&self.marks[range])
            .map(|(&caller, &mark)| CallerUse::unpack(caller, mark))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_guard_and_mark_reaches_the_caller_use() {
        for kind in UseKind::ALL {
            for guard in Guard::ALL {
                for guessed in [false, true] {
                    let mark = UseMark::new(kind, guard, guessed);
                    assert_eq!(
                        CallerUse::unpack(7, mark),
                        CallerUse {
                            caller: 7,
                            kind,
                            guessed,
                            guard,
                        }
                    );
                }
            }
        }
    }
}
