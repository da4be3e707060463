//! Cross-file tables of what the preprocessor would have expanded: attribute aliases and
//! function-like macros, merged by name over every file read.
//!
//! A macro is defined per translation unit in C; here every definition of a name counts, in
//! every file, the way definitions under different `#ifdef`s of one header all count.

use super::includes::meant_definitions;
use crate::context::ContextSet;
use crate::extract::{CastSuffix, CastTarget, Recognizer};
use crate::source::SourceFile;
use hashbrown::HashTable;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, Mutex};

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

    /// True if no name is in the map.
    pub(super) fn is_empty(&self) -> bool {
        self.table.is_empty()
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
pub(super) struct Aliases<'a> {
    /// Each alias that gives contexts, with them.
    contexts: NameMap<'a, ContextSet>,
    /// Aliases that give contexts and lead back to themselves.
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
        // Number the aliases in name order; an alias's successors are the words that are
        // aliases themselves. Each strongly connected component stands for what its members'
        // words and the components it reaches stand for: one pass in Tarjan's order, linear in
        // the size of the alias graph whatever its depth or cycles.
        let mut names: Vec<&'a str> = words.iter().map(|(name, _)| name).collect();
        names.sort_unstable();
        let mut index_of: NameMap<'a, u32> = NameMap::new();
        for (index, name) in names.iter().enumerate() {
            *index_of.entry(crate::extract::name_hash(name.as_bytes()), name, || 0) = index as u32;
        }
        let mut own = vec![ContextSet::default(); names.len()];
        let mut successors = vec![Vec::new(); names.len()];
        for (index, name) in names.iter().enumerate() {
            let hash = crate::extract::name_hash(name.as_bytes());
            for &part in words.get(hash, name).into_iter().flatten() {
                let (hash, text) = part.get(files);
                if let Some(contexts) = recognizer.attribute(text.as_bytes()) {
                    own[index].extend(contexts);
                }
                if let Some(&next) = index_of.get(hash, text) {
                    successors[index].push(next);
                }
            }
        }
        let mut stands_for = vec![ContextSet::default(); names.len()];
        let mut cyclic = vec![false; names.len()];
        for component in strongly_connected_components(&successors) {
            let mut set = ContextSet::default();
            for &member in &component {
                set.extend(own[member as usize]);
                for &next in &successors[member as usize] {
                    // Components reached were finished before this one.
                    set.extend(stands_for[next as usize]);
                }
            }
            let is_cycle =
                component.len() > 1 || successors[component[0] as usize].contains(&component[0]);
            for &member in &component {
                stands_for[member as usize] = set;
                cyclic[member as usize] = is_cycle;
            }
        }
        let mut contexts = NameMap::new();
        let mut cycles = Vec::new();
        for (index, name) in names.iter().enumerate() {
            // A cycle of words that stand for no context is harmless, and common: the same
            // macro defined both ways under different #ifdefs (`#define A B` and `#define B A`).
            if cyclic[index] && !stands_for[index].is_empty() {
                cycles.push(*name);
            }
            if !stands_for[index].is_empty() {
                let hash = crate::extract::name_hash(name.as_bytes());
                *contexts.entry(hash, name, ContextSet::default) = stands_for[index];
            }
        }
        Aliases { contexts, cycles }
    }

    /// The contexts alias `word` (with precomputed `hash`) stands for.
    pub(super) fn get(&self, hash: u64, word: &str) -> ContextSet {
        self.contexts.get(hash, word).copied().unwrap_or_default()
    }

    /// Every alias that gives contexts, sorted by name.
    pub(super) fn sorted(&self) -> Vec<(&'a str, ContextSet)> {
        let mut all: Vec<_> = self.contexts.iter().map(|(n, c)| (n, *c)).collect();
        all.sort_unstable_by_key(|(name, _)| *name);
        all
    }

    /// The aliases that give contexts and whose expansion leads back to themselves, sorted.
    pub(super) fn cycles(&self) -> &[&'a str] {
        &self.cycles
    }
}

/// The strongly connected components of the graph `successors`, each listed after every
/// component it reaches (Tarjan's algorithm, without recursion).
fn strongly_connected_components(successors: &[Vec<u32>]) -> Vec<Vec<u32>> {
    const UNVISITED: u32 = u32::MAX;
    let n = successors.len();
    let mut order = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for root in 0..n as u32 {
        if order[root as usize] != UNVISITED {
            continue;
        }
        let mut calls = vec![(root, 0usize)];
        order[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        while let Some(&mut (node, ref mut edge)) = calls.last_mut() {
            let v = node as usize;
            if let Some(&w) = successors[v].get(*edge) {
                *edge += 1;
                let w_index = w as usize;
                if order[w_index] == UNVISITED {
                    order[w_index] = next;
                    low[w_index] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w_index] = true;
                    calls.push((w, 0));
                } else if on_stack[w_index] {
                    low[v] = low[v].min(order[w_index]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent as usize] = low[parent as usize].min(low[v]);
            }
            if low[v] == order[v] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member as usize] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// The types struct members point to (`struct BlockDriverState { BlockDriver *drv; }`), by
/// struct and member; a member declared with different types in different places has none.
pub(super) struct PointerMembers<'a> {
    types: FxHashMap<(&'a str, &'a str), Option<&'a str>>,
    /// The types of the variables declared at file scope; `None` where declarations disagree.
    globals: FxHashMap<&'a str, Option<&'a str>>,
    /// The types typedefs name (`qemu_irq` -> `IRQState`); `None` where they disagree.
    aliases: FxHashMap<&'a str, Option<&'a str>>,
}

/// How many typedefs deep a type name is followed.
const MAX_ALIAS_DEPTH: usize = 4;

impl<'a> PointerMembers<'a> {
    pub(super) fn build(files: &'a [SourceFile]) -> Self {
        let mut types: FxHashMap<(&'a str, &'a str), Option<&'a str>> = FxHashMap::default();
        let mut aliases: FxHashMap<&'a str, Option<&'a str>> = FxHashMap::default();
        let mut globals: FxHashMap<&'a str, Option<&'a str>> = FxHashMap::default();
        for file in files {
            let extracted = &file.functions;
            let name = |index| extracted.names.get(index);
            for global in &extracted.globals {
                let type_name = name(global.type_name);
                agree(&mut globals, name(global.name), type_name);
            }
            for alias in &extracted.type_aliases {
                let target = name(alias.target);
                agree(&mut aliases, name(alias.name), target);
            }
            for member in &extracted.pointer_members {
                let key = (name(member.struct_type), name(member.member));
                let pointee = name(member.pointee);
                agree(&mut types, key, pointee);
            }
        }
        PointerMembers {
            types,
            aliases,
            globals,
        }
    }

    /// The type of the variable `name` declared at file scope, if every declaration of it
    /// agrees.
    pub(super) fn global(&self, name: &str) -> Option<&'a str> {
        self.globals.get(name).copied().flatten()
    }

    /// The type a typedef name stands for, through typedefs of typedefs (`qemu_irq` ->
    /// `IRQState`); the name itself if it is no typedef or its typedefs disagree.
    pub(super) fn canonical(&self, name: &'a str) -> &'a str {
        let mut name = name;
        for _ in 0..MAX_ALIAS_DEPTH {
            match self.aliases.get(name) {
                Some(Some(target)) => name = target,
                _ => break,
            }
        }
        name
    }

    /// The struct type reached from `base` through the members `through`, if every step is
    /// known, with typedef names replaced by the types they name.
    pub(super) fn follow(
        &self,
        base: &'a str,
        through: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        through
            .into_iter()
            .try_fold(self.canonical(base), |struct_type, member| {
                let next = self.types.get(&(struct_type, member)).copied().flatten()?;
                Some(self.canonical(next))
            })
    }
}

/// The typedefs of function types, by name: the attribute contexts of every one of that name.
pub(super) struct FunctionTypes<'a> {
    types: FxHashMap<&'a str, ContextSet>,
}

impl<'a> FunctionTypes<'a> {
    pub(super) fn build(files: &'a [SourceFile]) -> Self {
        let mut types: FxHashMap<&'a str, ContextSet> = FxHashMap::default();
        for file in files {
            let extracted = &file.functions;
            for typedef in &extracted.function_types {
                let name = extracted.names.get(typedef.name);
                types.entry(name).or_default().extend(typedef.attributes);
            }
        }
        FunctionTypes { types }
    }

    /// The attribute contexts of function type `name`, if it is one.
    pub(super) fn get(&self, name: &str) -> Option<ContextSet> {
        self.types.get(name).copied()
    }
}

/// What a cast macro casts to, with names resolved to text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cast<'a> {
    Type(&'a str),
    FirstParam,
    Via(&'a str, Option<&'a str>),
}

/// How many macros deep a cast is followed (`OBJECT_GET_CLASS` -> `OBJECT_CLASS_CHECK`).
const MAX_CAST_DEPTH: usize = 4;

/// The cast macros of every file, by name; a name whose definitions disagree casts to nothing
/// known.
pub(super) struct CastMacros<'a> {
    casts: FxHashMap<Cow<'a, str>, Option<Cast<'a>>>,
}

impl<'a> CastMacros<'a> {
    pub(super) fn build(files: &'a [SourceFile]) -> Self {
        let mut casts: FxHashMap<Cow<'a, str>, Option<Cast<'a>>> = FxHashMap::default();
        for file in files {
            let extracted = &file.functions;
            let name = |index| extracted.names.get(index);
            for cast in &extracted.cast_macros {
                let target = match cast.target {
                    CastTarget::Type(t) => Cast::Type(name(t)),
                    CastTarget::FirstParam => Cast::FirstParam,
                    CastTarget::Via { name: via, arg } => Cast::Via(name(via), arg.map(name)),
                };
                let key = match cast.suffix {
                    CastSuffix::None => Cow::Borrowed(name(cast.name)),
                    suffix => Cow::Owned(format!("{}{}", name(cast.name), suffix.text())),
                };
                agree(&mut casts, key, target);
            }
        }
        CastMacros { casts }
    }

    /// The struct type `name(first_arg, ...)` casts to, if its definitions show one.
    pub(super) fn cast_type(&self, name: &str, first_arg: Option<&'a str>) -> Option<&'a str> {
        let (mut name, mut first_arg) = (name, first_arg);
        for _ in 0..MAX_CAST_DEPTH {
            match self.casts.get(name).copied().flatten()? {
                Cast::Type(t) => return Some(t),
                Cast::FirstParam => return first_arg,
                Cast::Via(via, arg) => {
                    first_arg = match arg {
                        Some(arg) => Some(arg),
                        None => first_arg,
                    };
                    name = via;
                }
            }
        }
        None
    }
}

/// Every function-like macro that invokes markers or calls something, by name.
pub(super) struct Macros<'a> {
    entries: NameMap<'a, MacroEntry>,
    /// The expansion of each macro invoked so far, by the definitions it was expanded from
    /// ([`ALL_DEFINITIONS`] or a bit per definition), computed once (files resolve in
    /// parallel).
    expanded: Mutex<FxHashMap<ExpansionKey<'a>, Arc<Expansion<'a>>>>,
}

/// A macro's hash and name, and the definitions it is expanded from.
type ExpansionKey<'a> = (u64, &'a str, u64);

/// The definitions a macro is expanded from when the invoking file sees all or none of them.
const ALL_DEFINITIONS: u64 = u64::MAX;

/// What the definitions of one macro name do, together, and each on its own.
#[derive(Default)]
struct MacroEntry {
    markers: ContextSet,
    calls: Vec<NameRef>,
    definitions: Vec<MacroDefinition>,
}

/// One `#define` of a macro name: its file, its markers and its calls (a range of
/// [`MacroEntry::calls`]).
struct MacroDefinition {
    file: u32,
    markers: ContextSet,
    calls: Range<u32>,
}

impl MacroEntry {
    /// The definitions a use means ([`meant_definitions`]; `sees` and `included` answer for
    /// a defining file), as a bit per definition: [`ALL_DEFINITIONS`] when the name has one
    /// defining file, when every definition is meant, or when there are too many to tell
    /// apart.
    fn seen(&self, sees: &mut dyn FnMut(u32) -> bool, included: &dyn Fn(u32) -> bool) -> u64 {
        let definitions = &self.definitions;
        let first_file = definitions.first().map(|d| d.file);
        if definitions.len() > 64 || definitions.iter().all(|d| Some(d.file) == first_file) {
            return ALL_DEFINITIONS;
        }
        let files: Vec<u32> = definitions.iter().map(|d| d.file).collect();
        let meant = meant_definitions(&files, sees, included);
        if !meant.contains(&false) {
            return ALL_DEFINITIONS;
        }
        (0..).zip(meant).fold(
            0,
            |mask, (bit, meant)| {
                if meant { mask | 1u64 << bit } else { mask }
            },
        )
    }
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
                let start = entry.calls.len() as u32;
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
                entry.definitions.push(MacroDefinition {
                    file: file_index as u32,
                    markers: definition.markers,
                    calls: start..entry.calls.len() as u32,
                });
            }
        }
        Macros {
            entries,
            expanded: Mutex::default(),
        }
    }

    /// True if there is no macro to expand: macro edges are off.
    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What invoking `name` amounts to, if it is a macro here, in a file that sees the files
    /// `sees` says it does: where its definitions are in several files, those the use means
    /// ([`meant_definitions`]; `included` tells the files something includes). A macro met again inside its
    /// own expansion is not expanded again, as the preprocessor does not; the macros it invokes
    /// are taken with all their definitions.
    pub(super) fn expand(
        &self,
        hash: u64,
        name: &'a str,
        files: &'a [SourceFile],
        sees: &mut dyn FnMut(u32) -> bool,
        included: &dyn Fn(u32) -> bool,
    ) -> Option<Arc<Expansion<'a>>> {
        let definitions = self.entries.get(hash, name)?.seen(sees, included);
        let key = (hash, name, definitions);
        let cached = |macros: &Self| {
            let expanded = macros.expanded.lock().unwrap_or_else(|e| e.into_inner());
            expanded.get(&key).cloned()
        };
        if let Some(expansion) = cached(self) {
            return Some(expansion);
        }
        let expansion = Arc::new(self.compute(hash, name, definitions, files));
        let mut expanded = self.expanded.lock().unwrap_or_else(|e| e.into_inner());
        expanded.insert(key, Arc::clone(&expansion));
        Some(expansion)
    }

    /// The expansion of `name` from `definitions` (a bit each, or all), walked through every
    /// macro it reaches.
    fn compute(
        &self,
        hash: u64,
        name: &'a str,
        definitions: u64,
        files: &'a [SourceFile],
    ) -> Expansion<'a> {
        let mut expansion = Expansion::default();
        let mut seen = FxHashSet::from_iter([(hash, name)]);
        let mut stack = vec![(hash, name)];
        let mut top = true;
        while let Some((hash, name)) = stack.pop() {
            let Some(entry) = self.entries.get(hash, name) else {
                continue;
            };
            let (markers, calls) = if std::mem::take(&mut top) && definitions != ALL_DEFINITIONS {
                let chosen = entry
                    .definitions
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| definitions & (1 << bit) != 0)
                    .map(|(_, definition)| definition);
                let mut markers = ContextSet::default();
                let mut calls = Vec::new();
                for definition in chosen {
                    markers.extend(definition.markers);
                    let range = definition.calls.start as usize..definition.calls.end as usize;
                    calls.extend_from_slice(&entry.calls[range]);
                }
                (markers, Cow::Owned(calls))
            } else {
                (entry.markers, Cow::Borrowed(&entry.calls[..]))
            };
            expansion.markers.extend(markers);
            for &call in calls.iter() {
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

/// Records that `key` means `value`: a key that several definitions give different values
/// means nothing (`None`), so that an ambiguous name is never followed.
fn agree<K: std::hash::Hash + Eq, V: PartialEq>(
    map: &mut FxHashMap<K, Option<V>>,
    key: K,
    value: V,
) {
    map.entry(key)
        .and_modify(|known| {
            if known.as_ref() != Some(&value) {
                *known = None;
            }
        })
        .or_insert(Some(value));
}

#[cfg(test)]
mod tests {
    use super::strongly_connected_components;

    #[test]
    fn components_come_after_the_components_they_reach() {
        // 0 -> 1 -> 2 -> 1, 3 -> 3, 4 alone, 0 -> 4.
        let successors = vec![vec![1, 4], vec![2], vec![1], vec![3], vec![]];
        let mut components = strongly_connected_components(&successors);
        for component in &mut components {
            component.sort_unstable();
        }
        let position = |node: u32| components.iter().position(|c| c.contains(&node)).unwrap();
        assert_eq!(components.len(), 4);
        assert_eq!(components[position(1)], [1, 2]);
        assert!(position(1) < position(0) && position(4) < position(0));
        assert_eq!(components[position(3)], [3]);
    }

    #[test]
    fn deep_chains_need_no_recursion() {
        let n = 200_000;
        let successors: Vec<Vec<u32>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        let components = strongly_connected_components(&successors);
        assert_eq!(components.len(), 1);
        assert_eq!(components[0].len(), n as usize);
    }
}
