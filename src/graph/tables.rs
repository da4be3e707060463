//! Cross-file tables of what the preprocessor would have expanded: attribute aliases and
//! function-like macros, merged by name over every file read.
//!
//! A macro is defined per translation unit in C; here every definition of a name counts, in
//! every file, the way definitions under different `#ifdef`s of one header all count.

use crate::context::ContextSet;
use crate::extract::Recognizer;
use crate::source::SourceFile;
use hashbrown::HashTable;
use rustc_hash::FxHashSet;

/// A map from names (matched by their precomputed hash, then text) to values.
pub(super) struct NameMap<'a, V> {
    table: HashTable<(u64, &'a str, V)>,
}

impl<'a, V> NameMap<'a, V> {
    pub(super) fn new() -> Self {
        NameMap {
            table: HashTable::new(),
        }
    }

    pub(super) fn get(&self, hash: u64, name: &str) -> Option<&V> {
        self.table
            .find(hash, |(h, n, _)| *h == hash && *n == name)
            .map(|(_, _, value)| value)
    }

    /// The value of `name`, inserted with `make` if there is none.
    pub(super) fn entry(&mut self, hash: u64, name: &'a str, make: impl FnOnce() -> V) -> &mut V {
        let entry = self
            .table
            .entry(hash, |(h, n, _)| *h == hash && *n == name, |(h, _, _)| *h);
        &mut entry.or_insert_with(|| (hash, name, make())).into_mut().2
    }

    pub(super) fn len(&self) -> usize {
        self.table.len()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&'a str, &V)> {
        self.table.iter().map(|(_, name, value)| (*name, value))
    }
}

/// A name in one file's name table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NameRef {
    pub(super) file: u32,
    pub(super) index: u32,
}

impl NameRef {
    pub(super) fn get(self, files: &[SourceFile]) -> (u64, &str) {
        let names = &files[self.file as usize].functions.names;
        (names.hash(self.index), names.get(self.index))
    }
}

/// The attribute aliases that stand for context words: `#define WORD A B`, transitively.
pub struct Aliases<'a> {
    /// Each alias that gives contexts, with them.
    contexts: NameMap<'a, ContextSet>,
    /// Aliases that lead back to themselves.
    cycles: Vec<&'a str>,
}

impl<'a> Aliases<'a> {
    /// Collects the aliases of `files` and keeps those whose words, expanded through other
    /// aliases, include attribute words of `recognizer`.
    pub(super) fn build(files: &'a [SourceFile], recognizer: &Recognizer) -> Self {
        let mut words: NameMap<'a, Vec<NameRef>> = NameMap::new();
        for (file_index, file) in files.iter().enumerate() {
            let extracted = &file.functions;
            for alias in &extracted.aliases {
                let name = extracted.names.get(alias.name);
                let list = words.entry(extracted.names.hash(alias.name), name, Vec::new);
                list.extend(extracted.words(alias.words).iter().map(|&index| NameRef {
                    file: file_index as u32,
                    index,
                }));
            }
        }
        let mut contexts = NameMap::new();
        let mut cycles = Vec::new();
        let mut names: Vec<&'a str> = words.iter().map(|(name, _)| name).collect();
        names.sort_unstable();
        for root in names {
            let (set, cyclic) = expand_alias(root, &words, files, recognizer);
            if cyclic {
                cycles.push(root);
            }
            if !set.is_empty() {
                *contexts.entry(
                    crate::extract::name_hash(root.as_bytes()),
                    root,
                    ContextSet::default,
                ) = set;
            }
        }
        Aliases { contexts, cycles }
    }

    /// The contexts alias `word` (with precomputed `hash`) stands for.
    pub(super) fn get(&self, hash: u64, word: &str) -> ContextSet {
        self.contexts.get(hash, word).copied().unwrap_or_default()
    }

    /// Every alias that gives contexts, sorted by name.
    pub fn iter(&self) -> Vec<(&'a str, ContextSet)> {
        let mut all: Vec<_> = self.contexts.iter().map(|(n, c)| (n, *c)).collect();
        all.sort_unstable_by_key(|(name, _)| *name);
        all
    }

    /// The aliases whose expansion leads back to themselves, sorted.
    pub fn cycles(&self) -> &[&'a str] {
        &self.cycles
    }
}

/// The contexts `root` stands for, and whether its expansion reaches `root` again.
fn expand_alias(
    root: &str,
    words: &NameMap<Vec<NameRef>>,
    files: &[SourceFile],
    recognizer: &Recognizer,
) -> (ContextSet, bool) {
    let mut set = ContextSet::default();
    let mut cyclic = false;
    let mut seen = FxHashSet::from_iter([root]);
    let mut stack = vec![root];
    while let Some(word) = stack.pop() {
        let hash = crate::extract::name_hash(word.as_bytes());
        let Some(expansion) = words.get(hash, word) else {
            continue;
        };
        for &part in expansion {
            let (_, text) = part.get(files);
            if let Some(contexts) = recognizer.attribute(text.as_bytes()) {
                set.extend(contexts);
            }
            if text == root {
                cyclic = true;
            }
            if seen.insert(text) {
                stack.push(text);
            }
        }
    }
    (set, cyclic)
}

/// Every function-like macro that invokes markers or calls something, by name.
pub(super) struct Macros<'a> {
    entries: NameMap<'a, MacroEntry>,
}

/// What the definitions of one macro name do, together.
#[derive(Default)]
struct MacroEntry {
    markers: ContextSet,
    calls: Vec<NameRef>,
}

/// What invoking a macro amounts to, expanded through the macros it invokes.
#[derive(Default)]
pub(super) struct Expansion<'a> {
    /// The markers invoked.
    pub(super) markers: ContextSet,
    /// The names called that are not macros, with their hashes, once each.
    pub(super) calls: Vec<(u64, &'a str)>,
}

impl<'a> Macros<'a> {
    /// The macros of `files`; none unless `wanted`.
    pub(super) fn build(files: &'a [SourceFile], wanted: bool) -> Self {
        let mut entries: NameMap<'a, MacroEntry> = NameMap::new();
        let files = if wanted { files } else { &[] };
        for (file_index, file) in files.iter().enumerate() {
            let extracted = &file.functions;
            for definition in &extracted.macros {
                let name = extracted.names.get(definition.name);
                let hash = extracted.names.hash(definition.name);
                let entry = entries.entry(hash, name, MacroEntry::default);
                entry.markers.extend(definition.markers);
                entry
                    .calls
                    .extend(
                        extracted
                            .words(definition.calls)
                            .iter()
                            .map(|&index| NameRef {
                                file: file_index as u32,
                                index,
                            }),
                    );
            }
        }
        Macros { entries }
    }

    /// True if `name` is a macro here.
    pub(super) fn contains(&self, hash: u64, name: &str) -> bool {
        self.entries.get(hash, name).is_some()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.len() == 0
    }

    /// What invoking macro `name` amounts to; a macro met again inside its own expansion is
    /// not expanded again, as the preprocessor does not.
    pub(super) fn expand(
        &self,
        hash: u64,
        name: &'a str,
        files: &'a [SourceFile],
    ) -> Expansion<'a> {
        let mut expansion = Expansion::default();
        let mut seen = FxHashSet::from_iter([(hash, name)]);
        let mut stack = vec![(hash, name)];
        while let Some((hash, name)) = stack.pop() {
            let Some(entry) = self.entries.get(hash, name) else {
                continue;
            };
            expansion.markers.extend(entry.markers);
            for &call in &entry.calls {
                let called = call.get(files);
                if !seen.insert(called) {
                    continue;
                }
                if self.entries.get(called.0, called.1).is_some() {
                    stack.push(called);
                } else {
                    expansion.calls.push(called);
                }
            }
        }
        expansion
    }
}
