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

/// How one function uses another, in six bits: the kind (3 bits), the guard (2) and one flag
/// whose meaning is its holder's (a use's deferred mark, an edge's guessed mark). A use, an
/// edge and a reverse edge keep it in this one layout, so it passes between them unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UseMark(u8);

/// Bits of a [`UseMark`] that hold the kind: the lowest.
const MARK_KIND_BITS: u32 = 3;

/// Bits of a [`UseMark`] that hold the guard, above the kind.
const MARK_GUARD_BITS: u32 = 2;

/// The bit of a [`UseMark`] that holds the flag, above the guard.
const MARK_FLAG_BIT: u32 = MARK_KIND_BITS + MARK_GUARD_BITS;

impl UseMark {
    /// Its width in bits.
    pub const BITS: u32 = MARK_FLAG_BIT + 1;

    /// A use of `kind` under `guard`, with the flag set if `flag`.
    pub fn new(kind: UseKind, guard: Guard, flag: bool) -> UseMark {
        UseMark(kind as u8 | (guard as u8) << MARK_KIND_BITS | u8::from(flag) << MARK_FLAG_BIT)
    }

    /// The mark whose bits are the low [`UseMark::BITS`] of `bits`, as [`UseMark::bits`] gave
    /// them.
    pub fn from_bits(bits: u8) -> UseMark {
        UseMark(bits & ((1 << Self::BITS) - 1))
    }

    /// Its bits, in the low [`UseMark::BITS`].
    pub fn bits(self) -> u8 {
        self.0
    }

    /// How the function is used.
    pub fn kind(self) -> UseKind {
        UseKind::ALL[usize::from(self.0 & ((1 << MARK_KIND_BITS) - 1))]
    }

    /// Where the use runs relative to a guard's context.
    pub fn guard(self) -> Guard {
        Guard::ALL[usize::from((self.0 >> MARK_KIND_BITS) & ((1 << MARK_GUARD_BITS) - 1))]
    }

    /// The holder's flag.
    pub fn flag(self) -> bool {
        self.0 & (1 << MARK_FLAG_BIT) != 0
    }

    /// The same mark of kind `kind`.
    pub fn with_kind(self, kind: UseKind) -> UseMark {
        UseMark::new(kind, self.guard(), self.flag())
    }

    /// The same mark under `guard`.
    pub fn with_guard(self, guard: Guard) -> UseMark {
        UseMark::new(self.kind(), guard, self.flag())
    }

    /// The same mark with the flag set if `flag`.
    pub fn with_flag(self, flag: bool) -> UseMark {
        UseMark::new(self.kind(), self.guard(), flag)
    }
}

/// A line and a [`UseMark`] in 32 bits: the line in the low [`LineMark::LINE_BITS`] (lines up
/// to 67,108,863; a larger one is kept as that), the mark above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineMark(u32);

impl LineMark {
    /// Bits of the line.
    pub const LINE_BITS: u32 = 32 - UseMark::BITS;

    /// `line` (cut to the largest that fits) with `mark`.
    pub fn new(line: u32, mark: UseMark) -> LineMark {
        LineMark(line.min((1 << Self::LINE_BITS) - 1) | u32::from(mark.bits()) << Self::LINE_BITS)
    }

    /// The line.
    pub fn line(self) -> u32 {
        self.0 & ((1 << Self::LINE_BITS) - 1)
    }

    /// The mark.
    pub fn mark(self) -> UseMark {
        UseMark::from_bits((self.0 >> Self::LINE_BITS) as u8)
    }

    /// The same line with `mark`.
    pub fn with_mark(self, mark: UseMark) -> LineMark {
        LineMark::new(self.line(), mark)
    }

    /// `line` with the same mark.
    pub fn with_line(self, line: u32) -> LineMark {
        LineMark::new(line, self.mark())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_guard_and_flag_survives_a_mark_and_a_line() {
        for kind in UseKind::ALL {
            for guard in Guard::ALL {
                for flag in [false, true] {
                    let mark = UseMark::new(kind, guard, flag);
                    assert_eq!(
                        (mark.kind(), mark.guard(), mark.flag()),
                        (kind, guard, flag)
                    );
                    assert_eq!(UseMark::from_bits(mark.bits()), mark);
                    let line = LineMark::new(1234, mark);
                    assert_eq!((line.line(), line.mark()), (1234, mark));
                    assert_eq!(line.with_line(u32::MAX).line(), (1 << 26) - 1);
                    assert_eq!(line.with_line(u32::MAX).mark(), mark);
                }
            }
        }
        let mark = UseMark::new(UseKind::Call, Guard::None, false);
        let changed = mark
            .with_kind(UseKind::Field)
            .with_guard(Guard::Outside)
            .with_flag(true);
        assert_eq!(changed, UseMark::new(UseKind::Field, Guard::Outside, true));
    }
}
