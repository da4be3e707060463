//! Argument constants in the graph: which edges run only under a test of their user's
//! parameter, which constants each call passes, and the *entries* they make.
//!
//! An entry is a function entered through a call whose constant arguments surely fail some of
//! its parameter tests: along that call, the function's edges under those tests are not taken
//! and the contexts its markers give only under them are not had. Entries go one step deep: a
//! function entered so still calls what it calls with its own arguments, whatever its callers
//! passed. Only direct uses (calls and references) are conditional: a macro's, a member call's
//! or a generated wrapper's edge always counts, as does a context from anywhere but a marker.

use crate::context::{ContextId, ContextSet};
use crate::model::{Constant, NodeId, ParamCondition, UseKind};
use rustc_hash::FxHashMap;

/// The constant arguments of a call: (position from 0, value), by position.
type Arguments = Box<[(u8, Constant)]>;

/// What the graph knows about parameters and arguments: sparse, as few uses are conditional
/// and few calls pass constants.
#[derive(Debug, Default)]
pub struct ArgumentFacts {
    /// By user: the functions it uses directly only under a test of its parameter.
    conditions: FxHashMap<NodeId, Vec<(NodeId, ParamCondition)>>,
    /// By (caller, callee): the constants (position, value; by position) its calls pass.
    constants: FxHashMap<(NodeId, NodeId), Arguments>,
    /// By function: the contexts only its markers under a parameter test give it.
    markers: FxHashMap<NodeId, Vec<(ContextId, ParamCondition)>>,
}

impl ArgumentFacts {
    /// Records that `from` uses `to` only under `condition`.
    pub(super) fn add_condition(&mut self, from: NodeId, to: NodeId, condition: ParamCondition) {
        self.conditions
            .entry(from)
            .or_default()
            .push((to, condition));
    }

    /// Records that every call of `to` by `from` passes `constants`.
    pub(super) fn add_constants(&mut self, from: NodeId, to: NodeId, constants: &[(u8, Constant)]) {
        self.constants.insert((from, to), constants.into());
    }

    /// Records that `node` has `context` only under `condition`.
    pub(super) fn add_marker(
        &mut self,
        node: NodeId,
        context: ContextId,
        condition: ParamCondition,
    ) {
        self.markers
            .entry(node)
            .or_default()
            .push((context, condition));
    }

    /// Forgets the constants passed to functions that test no parameter: they cut nothing.
    pub(super) fn prune(&mut self) {
        let (conditions, markers) = (&self.conditions, &self.markers);
        self.constants
            .retain(|(_, to), _| conditions.contains_key(to) || markers.contains_key(to));
        self.constants.shrink_to_fit();
    }

    /// Adds `other`'s facts (of other nodes) to these.
    pub(super) fn extend(&mut self, other: ArgumentFacts) {
        self.conditions.extend(other.conditions);
        self.constants.extend(other.constants);
        self.markers.extend(other.markers);
    }

    /// True if no call passes a constant or no use is conditional: every entry is plain.
    pub fn is_empty(&self) -> bool {
        self.constants.is_empty() || (self.conditions.is_empty() && self.markers.is_empty())
    }

    /// How many uses are conditional, and how many (caller, callee) pairs pass constants.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.conditions.values().map(Vec::len).sum(),
            self.constants.len(),
        )
    }

    /// The entries the calls make, given each node's `contexts`.
    pub fn entries(&self, contexts: impl Fn(NodeId) -> ContextSet, nodes: usize) -> Entries {
        let mut entries = Entries {
            first_state: Vec::new(),
            states: Vec::new(),
            entered: FxHashMap::default(),
            is_entered: Vec::new(),
        };
        if self.is_empty() {
            return entries;
        }
        let mut pairs: Vec<_> = self.constants.iter().collect();
        pairs.sort_unstable_by_key(|&(&pair, _)| pair);
        // States of one function that cut the same uses are one.
        let mut interned: FxHashMap<(NodeId, Vec<NodeId>, ContextSet), u32> = FxHashMap::default();
        let mut by_node: Vec<(NodeId, u32)> = Vec::new();
        for (&(from, to), constants) in pairs {
            let mut cut: Vec<NodeId> = self
                .conditions
                .get(&to)
                .into_iter()
                .flatten()
                .filter(|(_, condition)| condition.fails_for(constants))
                .map(|&(used, _)| used)
                .collect();
            let mut dropped = ContextSet::default();
            for &(context, condition) in self.markers.get(&to).into_iter().flatten() {
                if condition.fails_for(constants) {
                    dropped.insert(context);
                }
            }
            dropped = dropped.intersection(contexts(to));
            if cut.is_empty() && dropped.is_empty() {
                continue;
            }
            cut.sort_unstable();
            cut.dedup();
            let next = entries.states.len() as u32;
            let state = *interned
                .entry((to, cut.clone(), dropped))
                .or_insert_with(|| {
                    entries.states.push(State {
                        node: to,
                        cut: cut.into(),
                        dropped,
                    });
                    by_node.push((to, next));
                    next
                });
            entries.entered.insert((from, to), state);
        }
        entries.is_entered = vec![false; nodes];
        for &(_, to) in entries.entered.keys() {
            entries.is_entered[to as usize] = true;
        }
        // States sorted by node, so a node's states are one run.
        by_node.sort_unstable();
        let order: Vec<u32> = by_node.iter().map(|&(_, state)| state).collect();
        let mut renumber = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old as usize] = new as u32;
        }
        let mut states: Vec<Option<State>> = entries.states.drain(..).map(Some).collect();
        entries.states = order
            .iter()
            .map(|&old| states[old as usize].take().expect("each state once"))
            .collect();
        for state in entries.entered.values_mut() {
            *state = renumber[*state as usize];
        }
        entries.first_state = vec![u32::MAX; nodes];
        for (index, state) in entries.states.iter().enumerate().rev() {
            entries.first_state[state.node as usize] = index as u32;
        }
        entries
    }
}

/// One way a function is entered: the direct uses not taken and the contexts not had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The function.
    pub node: NodeId,
    /// The functions its direct uses of are not taken, sorted.
    cut: Box<[NodeId]>,
    /// The contexts it does not have.
    pub dropped: ContextSet,
}

impl State {
    /// True if the function's use of `to`, of `kind`, is taken in this state.
    pub fn takes(&self, to: NodeId, kind: UseKind) -> bool {
        !matches!(kind, UseKind::Call | UseKind::Reference) || self.cut.binary_search(&to).is_err()
    }
}

/// The entries of a graph's calls: the states, numbered by function, and which call enters
/// which.
#[derive(Debug, Default)]
pub struct Entries {
    /// By node: its first state, `u32::MAX` if none (empty if there are no states).
    first_state: Vec<u32>,
    /// The states, sorted by node.
    states: Vec<State>,
    /// By (caller, callee): the state the call enters.
    entered: FxHashMap<(NodeId, NodeId), u32>,
    /// By node: some call enters it in a state.
    is_entered: Vec<bool>,
}

impl Entries {
    /// How many states there are.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// True if every call enters its callee plainly.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// State `index`.
    pub fn state(&self, index: u32) -> &State {
        &self.states[index as usize]
    }

    /// The state `from`'s use of `to`, of `kind`, enters it in, if not the plain one.
    #[inline]
    pub fn entered(&self, from: NodeId, to: NodeId, kind: UseKind) -> Option<u32> {
        if kind != UseKind::Call || !self.is_entered.get(to as usize).copied().unwrap_or(false) {
            return None;
        }
        self.entered.get(&(from, to)).copied()
    }

    /// The states of `node`, as indices.
    pub fn of(&self, node: NodeId) -> impl Iterator<Item = u32> + '_ {
        let first = self
            .first_state
            .get(node as usize)
            .copied()
            .unwrap_or(u32::MAX);
        let states = if first == u32::MAX {
            0..0
        } else {
            let end = self.states[first as usize..]
                .iter()
                .position(|s| s.node != node)
                .map_or(self.states.len(), |n| first as usize + n);
            first as usize..end
        };
        states.map(|index| index as u32)
    }
}
