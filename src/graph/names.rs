//! Which definitions a name means: chains of same-name definitions, the rule that a file's own
//! `static` definition wins, and the contexts prototypes give.

use super::Function;
use super::includes::Scope;
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
            for node in names.all(hash, name, functions, files) {
                let function = &mut functions[node as usize];
                let applies = if prototype.is_static {
                    function.is_static && function.file == file_index as u32
                } else {
                    !function.is_static
                };
                if applies {
                    let before = function.contexts;
                    function.contexts.extend(contexts);
                    function.origins_mut().prototype.extend(contexts);
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

/// The definitions of one name: the first and last of a chain through `same_name`. It keeps no
/// hash: the table's own bits of it tell nearly all other names apart before their text is
/// compared, and a table as large as Linux's is 8 MB smaller without.
pub(super) struct NameChain {
    pub(super) first: NodeId,
    pub(super) last: NodeId,
}

/// Every definition (and generated wrapper) of each name, as a chain through `same_name` in node
/// order. Names are matched by their hash, then by text.
pub(super) struct DefinitionNames {
    pub(super) by_name: HashTable<NameChain>,
    pub(super) same_name: Vec<NodeId>,
}

impl DefinitionNames {
    /// Room for `definitions` definitions (at most as many names), so that adding them never
    /// grows the table: while a table grows, the old one and the new one twice its size are
    /// both alive, which on Linux's 650,000 functions is the heap's peak.
    pub(super) fn with_capacity(definitions: usize) -> DefinitionNames {
        DefinitionNames {
            by_name: HashTable::with_capacity(definitions),
            same_name: Vec::with_capacity(definitions),
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

    /// Adds `node`, which must be the highest so far, to the chain of its name.
    pub(super) fn add(&mut self, node: NodeId, functions: &[Function], files: &[SourceFile]) {
        let name = Self::text_of(node, functions, files);
        let hash = name_hash(name.as_bytes());
        self.same_name.push(NO_NODE);
        let same = |chain: &NameChain| Self::text_of(chain.first, functions, files) == name;
        match self.by_name.find_mut(hash, same) {
            Some(chain) => {
                self.same_name[chain.last as usize] = node;
                chain.last = node;
            }
            None => {
                let chain = NameChain {
                    first: node,
                    last: node,
                };
                // The table was sized for every definition: it grows, and hashes names again,
                // only for generated wrappers beyond that.
                let rehash = |chain: &NameChain| {
                    name_hash(Self::text_of(chain.first, functions, files).as_bytes())
                };
                self.by_name.insert_unique(hash, chain, rehash);
            }
        }
    }

    /// The first definition of `name`, or [`NO_NODE`].
    pub(super) fn first(
        &self,
        hash: u64,
        name: &str,
        functions: &[Function],
        files: &[SourceFile],
    ) -> NodeId {
        let same = |chain: &NameChain| Self::text_of(chain.first, functions, files) == name;
        self.by_name
            .find(hash, same)
            .map_or(NO_NODE, |chain| chain.first)
    }

    /// The chain of definitions starting at `first`.
    pub(super) fn chain(&self, first: NodeId) -> impl Iterator<Item = NodeId> + Clone + '_ {
        std::iter::successors(Some(first).filter(|&n| n != NO_NODE), |&n| {
            Some(self.same_name[n as usize]).filter(|&n| n != NO_NODE)
        })
    }

    /// Every definition of `name`.
    pub(super) fn all(
        &self,
        hash: u64,
        name: &str,
        functions: &[Function],
        files: &[SourceFile],
    ) -> Vec<NodeId> {
        self.chain(self.first(hash, name, functions, files))
            .collect()
    }
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
