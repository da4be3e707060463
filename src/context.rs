//! Contexts (where a function may run) and the rules between them.

use std::fmt;

/// The most contexts one configuration can name: a [`ContextSet`] is a 64-bit mask.
pub const MAX_CONTEXTS: usize = 64;

/// Index of a context in its [`Contexts`] table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContextId(u8);

impl ContextId {
    /// The index of this context in its table.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A set of contexts, as carried by one function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ContextSet(u64);

impl ContextSet {
    /// Adds `context` to the set.
    pub fn insert(&mut self, context: ContextId) {
        self.0 |= 1 << context.0;
    }

    /// True if `context` is in the set.
    pub fn contains(self, context: ContextId) -> bool {
        self.0 & (1 << context.0) != 0
    }

    /// True if the set has no context.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The contexts in the set, in table order.
    pub fn iter(self) -> impl Iterator<Item = ContextId> {
        (0..MAX_CONTEXTS as u8)
            .filter(move |&i| self.0 & (1 << i) != 0)
            .map(ContextId)
    }
}

/// A rule: functions in context `from` must not reach, through a call path of length >= 1,
/// any function in context `forbidden`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The context whose functions are checked.
    pub from: ContextId,
    /// The context they must not reach.
    pub forbidden: ContextId,
}

/// The contexts a run knows, each recognised by a marker macro invoked in a function body.
#[derive(Debug, Clone)]
pub struct Contexts {
    names: Vec<String>,
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

impl Contexts {
    /// A table of contexts named (and recognised) by the marker macros `names`.
    pub fn new(names: Vec<String>) -> Result<Self, TooManyContexts> {
        if names.len() > MAX_CONTEXTS {
            return Err(TooManyContexts(names.len()));
        }
        Ok(Contexts { names })
    }

    /// The context whose marker is `name`, if any.
    pub fn by_name(&self, name: &str) -> Option<ContextId> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| ContextId(i as u8))
    }

    /// The name of `context`.
    pub fn name(&self, context: ContextId) -> &str {
        &self.names[context.index()]
    }

    /// Every context with its name, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (ContextId, &str)> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (ContextId(i as u8), n.as_str()))
    }
}

/// The contexts and rules of QEMU's block layer, as checked by `check_calls.py`: `IO_CODE()` must
/// not reach `GLOBAL_STATE_CODE()` nor `IO_OR_GS_CODE()`, and `IO_OR_GS_CODE()` must not reach
/// `GLOBAL_STATE_CODE()`.
pub fn qemu_block() -> (Contexts, Vec<Rule>) {
    let contexts = Contexts::new(
        ["GLOBAL_STATE_CODE", "IO_CODE", "IO_OR_GS_CODE"]
            .map(String::from)
            .to_vec(),
    )
    .expect("three contexts fit in a set");
    let id = |name| contexts.by_name(name).expect("context defined above");
    let rules = vec![
        Rule {
            from: id("IO_CODE"),
            forbidden: id("GLOBAL_STATE_CODE"),
        },
        Rule {
            from: id("IO_CODE"),
            forbidden: id("IO_OR_GS_CODE"),
        },
        Rule {
            from: id("IO_OR_GS_CODE"),
            forbidden: id("GLOBAL_STATE_CODE"),
        },
    ];
    (contexts, rules)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn table_size_is_bounded() {
        let names = (0..=MAX_CONTEXTS).map(|i| format!("C{i}")).collect();
        assert_eq!(
            Contexts::new(names).unwrap_err(),
            TooManyContexts(MAX_CONTEXTS + 1)
        );
    }

    #[test]
    fn qemu_block_rules_match_check_calls() {
        let (contexts, rules) = qemu_block();
        let named: Vec<_> = rules
            .iter()
            .map(|r| (contexts.name(r.from), contexts.name(r.forbidden)))
            .collect();
        assert_eq!(
            named,
            [
                ("IO_CODE", "GLOBAL_STATE_CODE"),
                ("IO_CODE", "IO_OR_GS_CODE"),
                ("IO_OR_GS_CODE", "GLOBAL_STATE_CODE")
            ]
        );
    }
}
