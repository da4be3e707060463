//! What a built graph keeps of the files it was made of: their paths, their `callcheck:`
//! comments, the names of their definitions and two counts.
//!
//! Everything else extracted from a file is read only while the graph is built. Dropping it
//! then frees the memory of the reading threads whole, so the system gets it back before the
//! check allocates its own; kept, it would be most of a large tree's peak.

use crate::extract::{NameTable, Pragma};
use crate::source::SourceFile;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// The graph's files, by index in path order.
#[derive(Debug, Default)]
pub(super) struct KeptFiles {
    /// The path of each file.
    paths: NameTable,
    /// The `callcheck:` comments, with the index of their file, in file order.
    pragmas: Vec<(u32, Pragma)>,
    /// The names of definitions and generated wrappers, which
    /// [`Function`](super::Function)s point into once the graph is built.
    pub(super) names: NameTable,
    /// Live `#if` conditions decided, over all files.
    pub(super) conditions_decided: usize,
    /// Live `#if` conditions left open, over all files.
    pub(super) conditions_open: usize,
    /// Whether each file's function bodies were skimmed, by file index.
    skimmed: Vec<bool>,
    /// The skimmed files whose uses are known all the same for some definitions (see
    /// [`FileFunctions::known_definitions`]): those definitions, by index in their file's,
    /// ascending.
    ///
    /// [`FileFunctions::known_definitions`]: crate::extract::FileFunctions::known_definitions
    known_definitions: FxHashMap<u32, Vec<u32>>,
}

impl KeptFiles {
    /// Keeps of `files` what the graph needs once built, and drops the rest. `owners` lists, in
    /// node order, the file and per-file name index of each definition and generated wrapper;
    /// the kept names table holds their names in that order.
    ///
    /// The kept tables are sized before they are filled: made while every file is still alive,
    /// tables grown by doubling would be the run's peak (34 MiB more on Linux).
    pub(super) fn keep(files: Vec<SourceFile>, owners: &[(u32, u32)]) -> KeptFiles {
        let name_of = |&(file, name): &(u32, u32)| files[file as usize].functions.name(name);
        // In parallel: reading each name twice, from tables scattered over the heap, is most
        // of the cost, and the threads' cache misses overlap.
        let name_bytes = owners.par_iter().map(|owner| name_of(owner).len()).sum();
        let path_bytes = files.iter().map(|file| file.path.len()).sum();
        let mut kept = KeptFiles {
            names: NameTable::with_capacity(owners.len(), name_bytes),
            paths: NameTable::with_capacity(files.len(), path_bytes),
            ..KeptFiles::default()
        };
        for owner in owners {
            kept.names.push_str(name_of(owner));
        }
        for (index, file) in files.iter().enumerate() {
            kept.paths.push_str(&file.path);
            let functions = &file.functions;
            kept.conditions_decided += functions.conditions_decided as usize;
            kept.conditions_open += functions.conditions_open as usize;
            kept.skimmed.push(functions.skimmed);
            if functions.skimmed && !functions.known_definitions.is_empty() {
                let known = functions.known_definitions.to_vec();
                kept.known_definitions.insert(index as u32, known);
            }
            // Copied, not moved: all that is kept is allocated anew, away from what is freed.
            let pragmas = functions.pragmas.iter().cloned();
            kept.pragmas
                .extend(pragmas.map(|pragma| (index as u32, pragma)));
        }
        // Freed in parallel: Linux's 55,000 files hold as many sets of tables all over the heap.
        files.into_par_iter().for_each(drop);
        kept
    }

    /// The number of files.
    pub(super) fn len(&self) -> usize {
        self.paths.len()
    }

    /// The path of file `index`.
    pub(super) fn path(&self, index: u32) -> &str {
        self.paths.get(index)
    }

    /// True if the uses of definition `definition` (by index in its file's) of file `file` are
    /// not known: its body was skimmed, or its uses dropped.
    pub(super) fn uses_unknown(&self, file: u32, definition: u32) -> bool {
        self.skimmed[file as usize]
            && (self.known_definitions.get(&file))
                .is_none_or(|known| known.binary_search(&definition).is_err())
    }

    /// True if the bodies of some file were skimmed, all or some of them.
    pub(super) fn skims(&self) -> bool {
        self.skimmed.contains(&true)
    }

    /// The number of files whose function bodies were all skimmed.
    pub(super) fn skimmed_count(&self) -> usize {
        let skimmed = self.skimmed.iter().filter(|&&skimmed| skimmed).count();
        skimmed - self.known_definitions.len()
    }

    /// The `callcheck:` comments, with the index of their file, in file order.
    pub(super) fn pragmas(&self) -> &[(u32, Pragma)] {
        &self.pragmas
    }
}
