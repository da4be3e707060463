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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
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

/// A constant written as a call's argument, or compared with a parameter in a body: an integer
/// (`0`, `0x10`, `-1`, `false`, `true`, `NULL`) or a name that looks like an enumerator or a
/// constant macro (`MIRROR_METHOD_COPY`: capitals, digits and `_`), by the hash of its text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Constant {
    /// An integer value.
    Int(i64),
    /// A capitalised name, whose value is not known.
    Name(u64),
}

/// What a use in a body needs of one of the function's parameters to run: the test that
/// dominates it, as the entry value must make it come out.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ParamTest {
    /// The parameter is not zero (`if (p)`, `if (p & FLAG)`, after `if (!p) return;`).
    NonZero,
    /// The parameter is zero (`if (!p)`, after `if (p) return;`).
    Zero,
    /// The parameter equals the constant (`if (p == C)`, `case C:` of `switch (p)`).
    Equal(Constant),
    /// The parameter differs from the constant (`if (p != C)`, after `if (p == C) return;`).
    NotEqual(Constant),
}

/// A test of the parameter at `position` (from 0) that a use runs only under.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ParamCondition {
    /// The parameter's position, from 0.
    pub position: u8,
    /// What its entry value must be.
    pub test: ParamTest,
}

impl ParamTest {
    /// The test the other branch runs under, where one test says it: `if (p)`'s `else` runs
    /// under `Zero`, `if (p == C)`'s under `NotEqual(C)`.
    pub fn negated(self) -> ParamTest {
        match self {
            ParamTest::NonZero => ParamTest::Zero,
            ParamTest::Zero => ParamTest::NonZero,
            ParamTest::Equal(c) => ParamTest::NotEqual(c),
            ParamTest::NotEqual(c) => ParamTest::Equal(c),
        }
    }

    /// True if the argument `value` surely makes the test fail. Two different names are taken
    /// to be different values (enumerators of one `switch`); a name is never known to be zero
    /// or not, nor to differ from an integer.
    pub fn fails_for(self, value: Constant) -> bool {
        match (self, value) {
            (ParamTest::NonZero, Constant::Int(v)) => v == 0,
            (ParamTest::Zero, Constant::Int(v)) => v != 0,
            (ParamTest::Equal(c), v) => match (c, v) {
                (Constant::Int(a), Constant::Int(b)) => a != b,
                (Constant::Name(a), Constant::Name(b)) => a != b,
                _ => false,
            },
            (ParamTest::NotEqual(c), v) => c == v,
            (ParamTest::NonZero | ParamTest::Zero, Constant::Name(_)) => false,
        }
    }
}

impl ParamCondition {
    /// True if a call passing `arguments` (position, constant; sorted by position) surely makes
    /// this condition fail.
    pub fn fails_for(self, arguments: &[(u8, Constant)]) -> bool {
        arguments
            .binary_search_by_key(&self.position, |&(position, _)| position)
            .is_ok_and(|at| self.test.fails_for(arguments[at].1))
    }
}
