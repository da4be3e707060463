//! Which definitions a name means: chains of same-name definitions, the rule that a file's own
//! `static` definition wins, and the contexts prototypes give.

use super::includes::Scope;
use super::prefetch::prefetch;
use super::{Function, OriginsTable};
use crate::context::ContextSet;
use crate::extract::{WordRange, name_hash};
use crate::model::NodeId;
use crate::source::SourceFile;

/// Gives each definition the contexts of its prototypes (and of the aliases written in them):
/// a static prototype speaks for the static definition of its own file, any other for every
/// non-static definition of its name. Returns how many contexts only a prototype gave.
pub(super) fn apply_prototypes(
    files: &[SourceFile],
    functions: &mut [Function],
    origins: &mut OriginsTable,
    names: &DefinitionNames,
    head_contexts: &impl Fn(&SourceFile, WordRange) -> ContextSet,
) -> usize {
    let mut added = 0;
    for (file_index, file) in files.iter().enumerate() {
        let table = &file.functions.names;
        for prototype in &file.functions.prototypes {
            let mut contexts = prototype.contexts;
            contexts.extend(head_contexts(file, prototype.words));
            if contexts.is_empty() {
                continue;
            }
            let (hash, name) = (table.hash(prototype.name), table.get(prototype.name));
            for node in names.all(hash, name) {
                let function = &mut functions[node as usize];
                let applies = if prototype.is_static {
                    function.is_static && function.file == file_index as u32
                } else {
                    !function.is_static
                };
                if applies {
                    let before = function.contexts;
                    function.contexts.extend(contexts);
                    origins.get_mut(function).prototype.extend(contexts);
                    added += function.contexts.iter().count() - before.iter().count();
                }
            }
        }
    }
    added
}

/// The end of a chain of same-name definitions.
pub(super) const NO_NODE: NodeId = NodeId::MAX;

/// A name whose definitions have not been looked up yet.
pub(super) const NOT_LOOKED_UP: NodeId = NodeId::MAX - 1;

/// A name's record in [`DefinitionNames::records`]: the first definition of the name's chain
/// as a little-endian `u32`, then its length in one byte and its bytes, or for a name of this
/// many bytes or more, this byte, the length as a little-endian `u32` and the bytes.
const LONG_NAME: u8 = u8::MAX;

/// Bytes of [`DefinitionNames::records`] reserved per definition: a little more than a name's
/// record takes on average (25 in Linux), so that the records are not copied while they grow at
/// the graph's peak, and what is not used is given back at once.
const RECORD_PER_NAME: usize = 28;

/// The tag of an empty slot of [`DefinitionNames::tags`].
const EMPTY: u8 = 0;

/// How many lookups apart the stages of [`DefinitionNames::fetch_ahead`] are.
const STAGE: usize = 4;

/// How many definitions [`DefinitionNames::of_definitions`] hashes at a time, to fetch their
/// slots ahead.
const CHUNK: usize = 1024;

/// Every definition (and generated wrapper) of each name, as a chain through `same_name` in node
/// order. Names are matched by their hash, then by text.
pub(super) struct DefinitionNames {
    /// The names' open-addressed table, one byte per slot: [`EMPTY`], or a tag of the hash of
    /// the name in the slot, which tells nearly every other name apart without reading its text.
    /// A name is in the first slot with its tag from the one its hash's low bits pick. A power
    /// of two of slots, at most three quarters full.
    tags: Vec<u8>,
    /// For each full slot, where its name's record is in `records`.
    offsets: Vec<u32>,
    /// How many names the slots hold.
    len: usize,
    /// For each node, the next definition of its name, or [`NO_NODE`].
    same_name: Vec<NodeId>,
    /// Each name's first definition and text, end to end. A lookup compares its name with this
    /// copy, and finds the first definition beside it: reaching the first definition's own name
    /// table instead goes through the node, its file and the table's offsets, a cache miss each,
    /// for every name of every file (7.8 million times on Linux), which took a third of the
    /// graph's time.
    records: Vec<u8>,
}

impl DefinitionNames {
    /// The names of `functions`, every one a definition. The table is sized for them all (at
    /// most as many names), so that it never grows while they are added: while a table grows,
    /// the old one and the new one twice its size are both alive, which on Linux's 650,000
    /// functions would be the heap's peak.
    pub(super) fn of_definitions(functions: &[Function], files: &[SourceFile]) -> DefinitionNames {
        let slots = slots_for(functions.len());
        let mut names = DefinitionNames {
            tags: vec![EMPTY; slots],
            offsets: vec![0; slots],
            len: 0,
            same_name: vec![NO_NODE; functions.len()],
            records: Vec::with_capacity(functions.len() * RECORD_PER_NAME),
        };
        // Each definition goes to the front of its chain, from the last node to the first, so
        // that chains run in node order without keeping where each one ends.
        let mut texts = Vec::with_capacity(CHUNK);
        let mut hashes = Vec::with_capacity(CHUNK);
        for end in (0..functions.len()).rev().step_by(CHUNK) {
            let chunk = (end.saturating_sub(CHUNK - 1)..=end)
                .rev()
                .map(|n| n as NodeId);
            texts.clear();
            texts.extend(
                chunk
                    .clone()
                    .map(|node| Self::text_of(node, functions, files)),
            );
            hashes.clear();
            hashes.extend(texts.iter().map(|text| name_hash(text.as_bytes())));
            for (at, (node, (&hash, &name))) in chunk.zip(hashes.iter().zip(&texts)).enumerate() {
                names.fetch_ahead(&hashes, at);
                match names.find(hash, name) {
                    Some(at) => {
                        names.same_name[node as usize] = first_in(&names.records, at);
                        names.records[at..at + 4].copy_from_slice(&node.to_le_bytes());
                    }
                    None => names.insert(hash, name, node),
                }
            }
        }
        names.records.shrink_to_fit();
        names
    }

    /// Adds generated wrapper `node`, the highest so far, whose name no node has yet.
    pub(super) fn add_new(&mut self, node: NodeId, functions: &[Function], files: &[SourceFile]) {
        let name = Self::text_of(node, functions, files);
        let hash = name_hash(name.as_bytes());
        debug_assert_eq!(self.find(hash, name), None);
        self.same_name.push(NO_NODE);
        self.insert(hash, name, node);
    }

    /// Starts the chain of `name`, which has `hash`, at `node`: appends the name's record.
    fn insert(&mut self, hash: u64, name: &str, node: NodeId) {
        // Offsets are `u32`s, as node numbers are: records of 4 GiB would take some 200
        // million distinct function names.
        let at = self.records.len() as u32;
        self.records.extend_from_slice(&node.to_le_bytes());
        match u8::try_from(name.len()) {
            Ok(len) if len != LONG_NAME => self.records.push(len),
            _ => {
                self.records.push(LONG_NAME);
                self.records
                    .extend_from_slice(&(name.len() as u32).to_le_bytes());
            }
        }
        self.records.extend_from_slice(name.as_bytes());
        // The table was sized for every definition: it grows only for generated wrappers
        // beyond that.
        if slots_for(self.len + 1) > self.tags.len() {
            self.grow();
        }
        self.place(hash, at);
        self.len += 1;
    }

    /// Puts the record at `at`, of a name with `hash`, in the first empty slot from its own.
    fn place(&mut self, hash: u64, at: u32) {
        let mask = self.tags.len() - 1;
        let mut slot = hash as usize & mask;
        while self.tags[slot] != EMPTY {
            slot = (slot + 1) & mask;
        }
        self.tags[slot] = tag_of(hash);
        self.offsets[slot] = at;
    }

    /// Doubles the slots, placing every name again.
    fn grow(&mut self) {
        let slots = self.tags.len() * 2;
        let tags = std::mem::replace(&mut self.tags, vec![EMPTY; slots]);
        let offsets = std::mem::replace(&mut self.offsets, vec![0; slots]);
        for (_, at) in tags
            .into_iter()
            .zip(offsets)
            .filter(|&(tag, _)| tag != EMPTY)
        {
            let hash = name_hash(text_in(&self.records, at as usize));
            self.place(hash, at);
        }
    }

    /// The slots a name with `hash` may be in, in the order it is looked for there: those with
    /// its tag from its own slot up to the first empty one.
    fn candidates(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let mask = self.tags.len() - 1;
        let tag = tag_of(hash);
        let mut slot = hash as usize & mask;
        std::iter::from_fn(move || {
            loop {
                let here = slot;
                slot = (slot + 1) & mask;
                match self.tags[here] {
                    EMPTY => return None,
                    found if found == tag => return Some(here),
                    _ => {}
                }
            }
        })
    }

    /// Where the record of `name`, which has `hash`, is in `records`.
    fn find(&self, hash: u64, name: &str) -> Option<usize> {
        self.candidates(hash)
            .map(|slot| self.offsets[slot] as usize)
            .find(|&at| text_in(&self.records, at) == name.as_bytes())
    }

    /// Fetches ahead what the lookups of names with `hashes` after the one at `at` will read:
    /// each lookup reads a tag, an offset and a record that no lookup nearby reads, three cache
    /// misses over tables as large as the tree's names, one after the other. Fetched a few
    /// lookups apart ([`STAGE`]), the tag first, then the offset its slot gives, then the
    /// record, the misses of several lookups overlap instead. Only a hint: what a lookup finds
    /// does not depend on it.
    fn fetch_ahead(&self, hashes: &[u64], at: usize) {
        if let Some(&hash) = hashes.get(at + 3 * STAGE) {
            prefetch(&self.tags[hash as usize & (self.tags.len() - 1)]);
        }
        if let Some(&hash) = hashes.get(at + 2 * STAGE)
            && let Some(slot) = self.candidates(hash).next()
        {
            prefetch(&self.offsets[slot]);
        }
        if let Some(&hash) = hashes.get(at + STAGE)
            && let Some(slot) = self.candidates(hash).next()
        {
            prefetch(&self.records[self.offsets[slot] as usize]);
        }
    }

    /// The name of definition `node`.
    fn text_of<'f>(node: NodeId, functions: &[Function], files: &'f [SourceFile]) -> &'f str {
        let function = &functions[node as usize];
        files[function.file as usize]
            .functions
            .names
            .get(function.name)
    }

    /// The first definition of `name`, or [`NO_NODE`].
    pub(super) fn first(&self, hash: u64, name: &str) -> NodeId {
        self.find(hash, name)
            .map_or(NO_NODE, |at| first_in(&self.records, at))
    }

    /// Appends to `out` the first definition of each of `names`, whose hashes are `hashes`: the
    /// answers of [`first`](Self::first), faster for many names (see
    /// [`fetch_ahead`](Self::fetch_ahead)).
    pub(super) fn first_of_each(&self, hashes: &[u64], names: &[&str], out: &mut Vec<NodeId>) {
        out.reserve(names.len());
        for (at, (&hash, name)) in hashes.iter().zip(names).enumerate() {
            self.fetch_ahead(hashes, at);
            out.push(self.first(hash, name));
        }
    }

    /// The chain of definitions starting at `first`.
    pub(super) fn chain(&self, first: NodeId) -> impl Iterator<Item = NodeId> + Clone + '_ {
        std::iter::successors(Some(first).filter(|&n| n != NO_NODE), |&n| {
            Some(self.same_name[n as usize]).filter(|&n| n != NO_NODE)
        })
    }

    /// Every definition of `name`.
    pub(super) fn all(&self, hash: u64, name: &str) -> Vec<NodeId> {
        self.chain(self.first(hash, name)).collect()
    }
}

/// The number of slots for `names` names: a power of two, with a quarter of them or more empty
/// (an absent name's probe ends at an empty slot: the fuller the table, the longer it goes).
fn slots_for(names: usize) -> usize {
    (names + names / 3).max(16).next_power_of_two()
}

/// The tag a slot keeps of `hash`: its top byte, never [`EMPTY`] (the low bits pick the slot).
fn tag_of(hash: u64) -> u8 {
    ((hash >> 56) as u8).max(1)
}

/// The first definition in the record at `at`.
fn first_in(records: &[u8], at: usize) -> NodeId {
    let bytes: [u8; 4] = records[at..at + 4].try_into().unwrap_or_default();
    NodeId::from_le_bytes(bytes)
}

/// The text in the record at `at`.
fn text_in(records: &[u8], at: usize) -> &[u8] {
    let at = at + 4;
    let (start, len) = match records[at] {
        LONG_NAME => {
            let len: [u8; 4] = records[at + 1..at + 5].try_into().unwrap_or_default();
            (at + 5, u32::from_le_bytes(len) as usize)
        }
        len => (at + 1, usize::from(len)),
    };
    &records[start..start + len]
}

/// Fills `out` with the definitions a name used in `scope`'s file means, from the chain
/// starting at `first`: the file's own `static` definition if there is one, else the `static`
/// definitions of the files it sees through includes (each includer sees its own headers'),
/// else every non-static one.
pub(super) fn meanings(
    names: &DefinitionNames,
    functions: &[Function],
    first: NodeId,
    scope: &mut Scope,
    out: &mut Vec<NodeId>,
) {
    out.clear();
    let file = scope.file();
    let mut static_elsewhere = false;
    for n in names.chain(first) {
        let f = &functions[n as usize];
        if f.is_static {
            if f.file == file {
                out.push(n);
                return;
            }
            static_elsewhere = true;
        }
    }
    // Most statics elsewhere are in files nothing includes; `sees` answers those at once.
    if static_elsewhere {
        out.extend(names.chain(first).filter(|&n| {
            let f = &functions[n as usize];
            f.is_static && scope.sees(f.file)
        }));
        if !out.is_empty() {
            return;
        }
    }
    out.extend(
        names
            .chain(first)
            .filter(|&n| !functions[n as usize].is_static),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_any_length_read_back_from_their_records() {
        let mut names = DefinitionNames::of_definitions(&[], &[]);
        let long = "n".repeat(300);
        let edge = "e".repeat(usize::from(LONG_NAME));
        let texts = ["f", "", long.as_str(), edge.as_str(), "g_h"];
        for (node, name) in texts.iter().enumerate() {
            names.same_name.push(NO_NODE);
            names.insert(name_hash(name.as_bytes()), name, node as NodeId);
        }
        for (node, name) in texts.iter().enumerate() {
            assert_eq!(
                names.first(name_hash(name.as_bytes()), name),
                node as NodeId
            );
        }
        assert_eq!(names.first(name_hash(b"g"), "g"), NO_NODE);
    }

    #[test]
    fn a_grown_table_answers_lookups_one_by_one_and_in_bulk_alike() {
        // From 16 slots, 5,000 names grow the table nine times; every other wanted name is
        // absent, so probes end at empty slots as often as at their names.
        let mut names = DefinitionNames::of_definitions(&[], &[]);
        let defined: Vec<String> = (0..5000).map(|i| format!("f{i}")).collect();
        for (node, name) in defined.iter().enumerate() {
            names.same_name.push(NO_NODE);
            names.insert(name_hash(name.as_bytes()), name, node as NodeId);
        }
        let wanted: Vec<String> = (0..10_000)
            .rev()
            .map(|i| {
                if i % 2 == 0 {
                    format!("f{}", i / 2)
                } else {
                    format!("g{i}")
                }
            })
            .collect();
        let texts: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let hashes: Vec<u64> = texts.iter().map(|t| name_hash(t.as_bytes())).collect();
        let mut bulk = Vec::new();
        names.first_of_each(&hashes, &texts, &mut bulk);
        let expected: Vec<NodeId> = (0..10_000u32)
            .rev()
            .map(|i| if i % 2 == 0 { i / 2 } else { NO_NODE })
            .collect();
        assert_eq!(bulk, expected);
        let one_by_one: Vec<NodeId> = texts
            .iter()
            .zip(&hashes)
            .map(|(text, &hash)| names.first(hash, text))
            .collect();
        assert_eq!(one_by_one, expected);
    }
}
