//! Contexts (where a function may run), how each is recognised, and the rules between them.

use crate::model::{EdgeKinds, Guard, UseKind};
use std::fmt;

/// The most contexts one configuration can name: a [`ContextSet`] is a 64-bit mask.
pub const MAX_CONTEXTS: usize = 64;

/// Index of a context in its [`Contexts`] table.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ContextId(u8);

impl ContextId {
    /// The index of this context in its table.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A set of contexts, as carried by one function.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ContextSet(u64);

impl ContextSet {
    /// The contexts in both sets.
    pub fn intersection(self, other: ContextSet) -> ContextSet {
        ContextSet(self.0 & other.0)
    }

    /// The contexts of this set that `other` lacks.
    pub fn without(self, other: ContextSet) -> ContextSet {
        ContextSet(self.0 & !other.0)
    }

    /// Adds `context` to the set.
    pub fn insert(&mut self, context: ContextId) {
        self.0 |= 1 << context.0;
    }

    /// Adds every context of `other`.
    pub fn extend(&mut self, other: ContextSet) {
        self.0 |= other.0;
    }

    /// True if `context` is in the set.
    pub fn contains(self, context: ContextId) -> bool {
        self.0 & (1 << context.0) != 0
    }

    /// True if the two sets share a context.
    pub fn intersects(self, other: ContextSet) -> bool {
        self.0 & other.0 != 0
    }

    /// True if the set has no context.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The contexts in the set, in table order.
    pub fn iter(self) -> impl Iterator<Item = ContextId> {
        // One step per context in the set, lowest bit first: most sets are empty.
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let lowest = bits.trailing_zeros();
            (bits != 0).then(|| {
                bits &= bits - 1;
                ContextId(lowest as u8)
            })
        })
    }
}

/// How a context is recognised in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognition {
    /// A marker macro invoked directly in the body: `NAME(...)`.
    Marker(String),
    /// Any of these words among the declaration specifiers of the function, before its name or
    /// after its parameter list, on its definition or on any prototype of it.
    Attribute(Vec<String>),
}

/// A named context and how it is recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The name rules and reports use.
    pub name: String,
    /// How it is recognised.
    pub recognition: Recognition,
}

/// The error for a context table that a [`ContextSet`] cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooManyContexts(pub usize);

impl fmt::Display for TooManyContexts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} contexts configured, at most {MAX_CONTEXTS} are supported",
            self.0
        )
    }
}

impl std::error::Error for TooManyContexts {}

/// The contexts a run knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contexts {
    contexts: Vec<Context>,
    /// By context: the contexts a function that carries it does not carry (see
    /// [`Contexts::overrides`]).
    overrides: Vec<ContextSet>,
}

impl Contexts {
    /// A table of `contexts`, in the order given.
    pub fn new(contexts: Vec<Context>) -> Result<Self, TooManyContexts> {
        if contexts.len() > MAX_CONTEXTS {
            return Err(TooManyContexts(contexts.len()));
        }
        let overrides = vec![ContextSet::default(); contexts.len()];
        Ok(Contexts {
            contexts,
            overrides,
        })
    }

    /// The same table, where a function that carries `context` does not carry any of
    /// `overridden` (each entry of `overrides`).
    pub fn with_overrides(mut self, overrides: &[(ContextId, ContextSet)]) -> Self {
        for &(context, overridden) in overrides {
            self.overrides[context.index()].extend(overridden);
        }
        self
    }

    /// The contexts that a function carrying `context` does not carry: where its declarations
    /// disagree (`coroutine_fn` on one, `coroutine_mixed_fn` on another), `context` is the
    /// one its callers were promised.
    pub fn overrides(&self, context: ContextId) -> ContextSet {
        self.overrides[context.index()]
    }

    /// The context named `name`, if any.
    pub fn by_name(&self, name: &str) -> Option<ContextId> {
        self.contexts
            .iter()
            .position(|c| c.name == name)
            .map(|i| ContextId(i as u8))
    }

    /// The name of `context`.
    pub fn name(&self, context: ContextId) -> &str {
        &self.contexts[context.index()].name
    }

    /// How `context` is recognised.
    pub fn recognition(&self, context: ContextId) -> &Recognition {
        &self.contexts[context.index()].recognition
    }

    /// How `context` is written in reports: `IO_CODE()` for a marker, `coroutine_fn` for an
    /// attribute.
    pub fn display(&self, context: ContextId) -> String {
        match self.recognition(context) {
            Recognition::Marker(_) => format!("{}()", self.name(context)),
            Recognition::Attribute(_) => self.name(context).to_string(),
        }
    }

    /// Every context with its definition, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (ContextId, &Context)> {
        self.contexts
            .iter()
            .enumerate()
            .map(|(i, c)| (ContextId(i as u8), c))
    }
}

/// Definitions that a build step generates from prototypes (QEMU's
/// `scripts/block-coroutine-wrapper.py`): for every prototype carrying one of `attributes` and
/// defined nowhere, a definition whose body calls the name `pattern` and `target` derive.
#[derive(Debug, Clone)]
pub struct Wrapper {
    /// The attribute words that ask for a wrapper.
    pub attributes: Vec<String>,
    /// Matches the prototype's name.
    pub pattern: regex::Regex,
    /// The called name, with `$1`-style references to `pattern`'s groups.
    pub target: String,
    /// Contexts the generated definition carries besides its prototype's.
    pub contexts: ContextSet,
    /// The kind of its edge to the wrapped function: [`UseKind::Generated`], or
    /// [`UseKind::Reference`] where the wrapper only hands the function to another thread (as a
    /// bottom half) instead of calling it.
    pub edge: UseKind,
    /// What else the generated body calls (edge kind [`UseKind::Generated`]), with `$1`-style
    /// references to `pattern`'s groups (`bdrv_poll_co` for a wrapper that polls), each with
    /// where it runs relative to the `[[guard]]`'s context.
    pub calls: Vec<(String, Guard)>,
    /// Where the call of the wrapped function runs relative to the `[[guard]]`'s context.
    pub target_guard: Guard,
    /// Headers the generated file includes, whose `static` definitions its calls may mean
    /// (`block/block-gen.h`), found as an `#include` of them would be.
    pub includes: Vec<String>,
}

impl Wrapper {
    /// The name a wrapper of `name` calls, if `pattern` matches it.
    pub fn target_of(&self, name: &str) -> Option<String> {
        let captures = self.pattern.captures(name)?;
        let mut target = String::new();
        captures.expand(&self.target, &mut target);
        Some(target)
    }

    /// The other names a wrapper of `name` calls (`name` must match `pattern`).
    pub fn calls_of(&self, name: &str) -> Vec<(String, Guard)> {
        let Some(captures) = self.pattern.captures(name) else {
            return Vec::new();
        };
        self.calls
            .iter()
            .map(|(call, guard)| {
                let mut expanded = String::new();
                captures.expand(call, &mut expanded);
                (expanded, *guard)
            })
            .collect()
    }
}

/// Which functions a reachability path may pass through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Through {
    /// Any function (check_calls.py's semantics).
    Any,
    /// Only functions with no context at all: each violation is blamed on the nearest
    /// annotated caller, and none is reported twice through a chain of annotated functions.
    Unannotated,
}

/// What a rule forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// Functions in context `from` must not reach, through a path of length >= 1, any function
    /// in context `forbidden`.
    Reachability {
        /// The context whose functions are checked.
        from: ContextId,
        /// The context they must not reach.
        forbidden: ContextId,
        /// Which functions the path may pass through.
        through: Through,
    },
    /// Direct callers of a function in context `callee` must carry one of `callers`.
    Direct {
        /// The context whose callers are checked.
        callee: ContextId,
        /// The contexts a caller may have.
        callers: ContextSet,
    },
    /// A function bound to a callback field declared with context `field` (`.open = f`,
    /// `x->open = f`) must carry one of `require` (if any) and none of `forbid`: it runs
    /// wherever the field is called.
    Binding {
        /// The field's context.
        field: ContextId,
        /// The contexts a bound function must carry one of; empty for no such demand.
        require: ContextSet,
        /// The contexts a bound function must not carry.
        forbid: ContextSet,
    },
}

/// A rule, with how reports name and explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// What the rule forbids.
    pub kind: RuleKind,
    /// Which uses are edges.
    pub edges: EdgeKinds,
    /// Its name in JSON output.
    pub name: String,
    /// Shown with each violation, if any.
    pub message: Option<String>,
    /// Follow only edges the graph knows, not the guessed ones ([`Edge::guessed`]): a path
    /// through a callback field or a name merge does not count.
    ///
    /// [`Edge::guessed`]: crate::graph::Edge::guessed
    pub certain: bool,
    /// Why the rule exists, for `callcheck rules` and `callcheck explain`.
    pub description: Option<String>,
    /// C code that breaks the rule, which `callcheck explain` checks and shows with its report.
    pub example: Option<String>,
    /// The guarded uses it does not follow (see the `[[guard]]` configuration): `Outside`
    /// for a path from the guard's context, `Inside` for a direct rule about callers outside
    /// it, `None` for the others.
    pub skip: Guard,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_kinds_are_a_set() {
        // Names, bit sets and packed edges index by discriminant: it must be the position.
        for (position, kind) in UseKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, position);
        }
        assert_eq!(UseKind::Macro.name(), "macro");
        assert!(EdgeKinds::ALL.iter().eq(UseKind::ALL));
        assert!(EdgeKinds::CALLS_ONLY.iter().eq([UseKind::Call]));
        let set = EdgeKinds::of([UseKind::Field, UseKind::Macro]);
        assert!(set.includes(UseKind::Macro) && !set.includes(UseKind::Call));
        assert!(
            set.intersection(EdgeKinds::ALL)
                .iter()
                .eq([UseKind::Field, UseKind::Macro])
        );
        assert_eq!(set.intersection(EdgeKinds::CALLS_ONLY).iter().count(), 0);
    }

    #[test]
    fn wrapper_targets_follow_the_pattern() {
        let wrapper = Wrapper {
            attributes: vec!["co_wrapper".into()],
            pattern: regex::Regex::new("^([^_]+)_(.+)$").unwrap(),
            target: "${1}_co_${2}".into(),
            contexts: ContextSet::default(),
            edge: UseKind::Generated,
            target_guard: Guard::Inside,
            calls: vec![
                ("bdrv_poll_co".into(), Guard::Outside),
                ("${1}_${2}_entry".into(), Guard::None),
            ],
            includes: Vec::new(),
        };
        assert_eq!(
            wrapper.target_of("bdrv_pwrite").as_deref(),
            Some("bdrv_co_pwrite")
        );
        assert_eq!(
            wrapper.calls_of("bdrv_pwrite"),
            [
                ("bdrv_poll_co".to_string(), Guard::Outside),
                ("bdrv_pwrite_entry".to_string(), Guard::None)
            ]
        );
        assert_eq!(wrapper.target_of("nounderscore"), None);
    }

    #[test]
    fn set_holds_each_context_once() {
        let mut set = ContextSet::default();
        assert!(set.is_empty());
        set.insert(ContextId(3));
        set.insert(ContextId(63));
        set.insert(ContextId(3));
        assert!(set.contains(ContextId(63)) && !set.contains(ContextId(0)));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [ContextId(3), ContextId(63)]
        );
        let mut other = ContextSet::default();
        other.insert(ContextId(0));
        assert!(!set.intersects(other));
        set.extend(other);
        assert!(set.intersects(other));
    }

    #[test]
    fn table_size_is_bounded() {
        let contexts = (0..=MAX_CONTEXTS)
            .map(|i| Context {
                name: format!("C{i}"),
                recognition: Recognition::Marker(format!("C{i}")),
            })
            .collect();
        assert_eq!(
            Contexts::new(contexts).unwrap_err(),
            TooManyContexts(MAX_CONTEXTS + 1)
        );
    }

    #[test]
    fn display_follows_recognition() {
        let contexts = Contexts::new(vec![
            Context {
                name: "IO_CODE".into(),
                recognition: Recognition::Marker("IO_CODE".into()),
            },
            Context {
                name: "coroutine_fn".into(),
                recognition: Recognition::Attribute(vec!["coroutine_fn".into()]),
            },
        ])
        .unwrap();
        let id = |name| contexts.by_name(name).unwrap();
        assert_eq!(contexts.display(id("IO_CODE")), "IO_CODE()");
        assert_eq!(contexts.display(id("coroutine_fn")), "coroutine_fn");
        assert_eq!(contexts.by_name("nope"), None);
    }
}
