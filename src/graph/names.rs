//! Which definitions a name means: chains of same-name definitions, the rule that a file's own
//! `static` definition wins, and the contexts prototypes give.

use super::includes::Scope;
use super::{Function, OriginsTable};
use crate::context::ContextSet;
use crate::extract::{WordRange, name_hash};
use crate::model::NodeId;
use crate::source::SourceFile;
use hashbrown::HashTable;

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

/// Every definition (and generated wrapper) of each name, as a chain through `same_name` in node
/// order. Names are matched by their hash, then by text.
pub(super) struct DefinitionNames {
    /// Where each name's record is in `records`. It keeps no hash: the table's own bits of it
    /// tell nearly all other names apart before their text is compared.
    by_name: HashTable<u32>,
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
        let mut names = DefinitionNames {
            by_name: HashTable::with_capacity(functions.len()),
            same_name: vec![NO_NODE; functions.len()],
            records: Vec::with_capacity(functions.len() * RECORD_PER_NAME),
        };
        // Each definition goes to the front of its chain, from the last node to the first, so
        // that chains run in node order without keeping where each one ends.
        for node in (0..functions.len() as NodeId).rev() {
            let name = Self::text_of(node, functions, files);
            let hash = name_hash(name.as_bytes());
            match names.find(hash, name) {
                Some(at) => {
                    names.same_name[node as usize] = first_in(&names.records, at);
                    names.records[at..at + 4].copy_from_slice(&node.to_le_bytes());
                }
                None => names.insert(hash, name, node),
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
        // The table was sized for every definition: it grows, and hashes names again, only for
        // generated wrappers beyond that.
        let records = &self.records;
        let rehash = |&at: &u32| name_hash(text_in(records, at as usize));
        self.by_name.insert_unique(hash, at, rehash);
    }

    /// Where the record of `name`, which has `hash`, is in `records`.
    fn find(&self, hash: u64, name: &str) -> Option<usize> {
        let same = |&at: &u32| text_in(&self.records, at as usize) == name.as_bytes();
        self.by_name.find(hash, same).map(|&at| at as usize)
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
}
