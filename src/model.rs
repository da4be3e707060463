//! The vocabulary every stage shares: the kinds of use and edge, sets of them, and node ids.
//!
//! It sits below every other module (it imports none of them), so the lexer, extraction, the
//! graph, the check and the reports can all speak of the same things without import cycles.

/// A function's node in the call graph: an index into its function table.
pub type NodeId = u32;

/// How one function uses another: the kind of a body's use of a name, and of a graph edge.
///
/// Extraction records only [`UseKind::Call`], [`UseKind::Reference`] and (for a member call)
/// [`UseKind::Field`]; the graph adds the other kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UseKind {
    /// `name(...)`: a direct call (or a function-like macro invocation).
    Call,
    /// Any other mention: a callback passed or assigned, `&name`, a variable, a type.
    Reference,
    /// Through a callback field: a member call `x->name(...)` (the use names the field), or a
    /// field bound to the function (`.name = fn`, `x->name = fn`).
    Field,
    /// A call written in the body of a function-like macro the user invokes.
    Macro,
    /// A generated wrapper calling the function it wraps.
    Generated,
}

impl UseKind {
    /// Every kind, in the order the configuration lists them.
    pub const ALL: [UseKind; 5] = [
        UseKind::Call,
        UseKind::Reference,
        UseKind::Field,
        UseKind::Macro,
        UseKind::Generated,
    ];

    /// The names of [`UseKind::ALL`], in the configuration and in JSON output.
    pub const NAMES: [&'static str; 5] = ["call", "reference", "field", "macro", "generated"];

    /// The kind's name in the configuration and in JSON output.
    pub fn name(self) -> &'static str {
        UseKind::NAMES[self as usize]
    }
}

/// Which kinds of use count as edges (for a rule, or for the whole graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeKinds(u8);

impl EdgeKinds {
    /// Every kind: calls, references, fields, macros and generated wrappers.
    pub const ALL: EdgeKinds = EdgeKinds((1 << UseKind::ALL.len()) - 1);
    /// Direct calls only.
    pub const CALLS_ONLY: EdgeKinds = EdgeKinds(1 << UseKind::Call as u8);

    /// The set of `kinds`.
    pub fn of(kinds: impl IntoIterator<Item = UseKind>) -> EdgeKinds {
        EdgeKinds(kinds.into_iter().fold(0, |set, kind| set | 1 << kind as u8))
    }

    /// True if a use of this kind is an edge.
    pub fn includes(self, kind: UseKind) -> bool {
        self.0 & 1 << kind as u8 != 0
    }

    /// The kinds in both sets.
    pub fn intersection(self, other: EdgeKinds) -> EdgeKinds {
        EdgeKinds(self.0 & other.0)
    }

    /// The kinds in the set, in [`UseKind::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = UseKind> {
        UseKind::ALL
            .into_iter()
            .filter(move |&kind| self.includes(kind))
    }
}

/// Where a use runs relative to the context a `[[guard]]` condition decides
/// (`qemu_in_coroutine()` decides `coroutine_fn`): under the `then` branch of
/// `if (qemu_in_coroutine())`, under its `else` branch, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Guard {
    /// Not under a guard: the use may run in or outside the context.
    #[default]
    None,
    /// The use runs only in the guard's context.
    Inside,
    /// The use runs only outside the guard's context.
    Outside,
}

impl Guard {
    /// Every guard, in the order of their numbers.
    pub const ALL: [Guard; 3] = [Guard::None, Guard::Inside, Guard::Outside];

    /// The other branch's guard: `Inside` for `Outside` and back; `None` stays.
    pub fn negated(self) -> Guard {
        match self {
            Guard::None => Guard::None,
            Guard::Inside => Guard::Outside,
            Guard::Outside => Guard::Inside,
        }
    }

    /// The guard of two uses of the same name by one function: a use that may run in both
    /// places is unguarded.
    pub fn merge(self, other: Guard) -> Guard {
        if self == other { self } else { Guard::None }
    }

    /// Its name in the configuration and in JSON output (`none`, `inside`, `outside`).
    pub fn name(self) -> &'static str {
        match self {
            Guard::None => "none",
            Guard::Inside => "inside",
            Guard::Outside => "outside",
        }
    }
}
