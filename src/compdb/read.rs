//! Reading what a build compiles: its translation units and, transitively, the headers they
//! include.
//!
//! The units are read first, all at once on the thread pool; the includes they name are found
//! on disk the way the compiler searches (a `"path"` in the including file's directory first,
//! then each include directory of the build, the units' `-iquote`, `-I`, `-isystem` and
//! `-idirafter` together, in the order they first appear), and the headers found are read
//! next, round after round, until no new file turns up. Each file is read once. An include
//! found nowhere (a system header the compiler finds in its own directories) is not read.
//!
//! Paths are named as the user sees them: relative to the current directory when below it, else
//! absolute.

use super::{Database, normalized};
use crate::cache::FileCache;
use crate::diagnostics::{Code, Diagnostic};
use crate::extract::{Extractor, Include, Recognizer};
use crate::source::{
    ReadError, ReadOptions, SourceFile, Sources, is_c_source, read_and_extract, share_uses,
};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use thin_vec::ThinVec;

/// What reading a build found.
#[derive(Debug, Default)]
pub struct BuildSources {
    /// The files read (units and headers), sorted by path, and those that could not be.
    pub sources: Sources,
    /// One warning per unit whose file does not exist or whose command does not split.
    pub warnings: Vec<Diagnostic>,
    /// The build's include directories, named as the files are, for the graph's resolution.
    pub include_dirs: Vec<String>,
}

/// How paths are shown: relative to the current directory when below it.
struct Naming {
    cwd: Vec<PathBuf>,
}

impl Naming {
    fn new() -> Naming {
        let mut cwd = Vec::new();
        if let Ok(dir) = std::env::current_dir() {
            if let Ok(resolved) = std::fs::canonicalize(&dir)
                && resolved != dir
            {
                cwd.push(resolved);
            }
            cwd.insert(0, dir);
        }
        Naming { cwd }
    }

    fn name(&self, path: &Path) -> String {
        let relative = self.cwd.iter().find_map(|cwd| path.strip_prefix(cwd).ok());
        match relative {
            Some(relative) => relative.display().to_string(),
            None => path.display().to_string(),
        }
    }
}

/// Reads `database`'s units whose names end in one of `options.extensions` and every header
/// they include, searched for in the build's include directories and then in `extra_dirs`
/// (absolute). Paths `options.exclude` leaves out are not read. With a `cache`, files whose
/// entry matches are taken from it, and the others stored in it.
pub fn read(
    database: &Database,
    extra_dirs: &[PathBuf],
    options: &ReadOptions,
    recognizer: &Recognizer,
    cache: Option<&FileCache>,
) -> BuildSources {
    let naming = Naming::new();
    let mut found = BuildSources::default();
    let excluded = |path: &Path| {
        options
            .exclude
            .as_ref()
            .is_some_and(|exclude| exclude.excludes_file(path))
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    // Which of them are in `dirs`: a build gives each unit the same long list of flags, and
    // looking through the list for each would be quadratic in it.
    let mut known_dirs: FxHashSet<&Path> = FxHashSet::default();
    let mut seen: FxHashSet<PathBuf> = FxHashSet::default();
    let mut frontier: Vec<PathBuf> = Vec::new();
    // The files each unit's file includes before its first line (`-include`).
    let mut forced: FxHashMap<PathBuf, Vec<PathBuf>> = FxHashMap::default();
    for unit in &database.units {
        for dir in unit.flags.include_dirs.iter().chain(extra_dirs) {
            if known_dirs.insert(dir) {
                dirs.push(dir.clone());
            }
        }
        if !is_c_source(&unit.file, &options.extensions) || excluded(&unit.file) {
            continue;
        }
        if !seen.insert(unit.file.clone()) {
            continue;
        }
        if !unit.file.is_file() {
            let what = if unit.file.exists() {
                "not a regular file"
            } else {
                "missing"
            };
            found.warnings.push(Diagnostic::warning(
                Code::UnreadableFile,
                naming.name(&unit.file),
                0,
                format!("listed in {} but {what}", database.path.display()),
            ));
            continue;
        }
        frontier.push(unit.file.clone());
        let list = forced.entry(unit.file.clone()).or_default();
        for file in &unit.flags.forced_includes {
            if !list.contains(file) {
                list.push(file.clone());
            }
        }
    }
    for file in &database.unsplit {
        found.warnings.push(Diagnostic::warning(
            Code::IncompleteExtraction,
            naming.name(file),
            0,
            format!(
                "its command in {} has unbalanced quotes: read without its flags",
                database.path.display()
            ),
        ));
    }
    for file in forced.values().flatten() {
        if seen.insert(file.clone()) && !excluded(file) {
            frontier.push(file.clone());
        }
    }
    let new_reader = || Reader {
        extractor: Extractor::new(recognizer),
        buffer: Vec::new(),
        found: FxHashMap::default(),
    };
    while !frontier.is_empty() {
        let round: Vec<(Result<SourceFile, ReadError>, Vec<PathBuf>)> = frontier
            .par_iter()
            .map_init(new_reader, |reader, path| {
                reader.read(path, &dirs, (options, cache), &naming)
            })
            .collect();
        frontier.clear();
        for (file, includes) in round {
            match file {
                Ok(file) => found.sources.files.push(file),
                Err(error) => found.sources.errors.push(error),
            }
            for include in includes {
                if !excluded(&include) && seen.insert(include.clone()) {
                    frontier.push(include);
                }
            }
        }
    }
    for file in &mut found.sources.files {
        add_forced_includes(file, &forced);
    }
    found.sources.files.sort_by(|a, b| a.path.cmp(&b.path));
    // In path order, the order the graph resolves them in, so each chunk is freed early.
    share_uses(&mut found.sources.files);
    found.sources.errors.sort_by(|a, b| a.path.cmp(&b.path));
    found.include_dirs = dirs.iter().map(|dir| naming.name(dir)).collect();
    found
}

/// Puts `file`'s forced includes before its own, written relative to its directory so the
/// graph finds exactly them.
fn add_forced_includes(file: &mut SourceFile, forced: &FxHashMap<PathBuf, Vec<PathBuf>>) {
    let absolute = normalized(&std::path::absolute(&file.path).unwrap_or_default());
    let Some(list) = forced.get(&absolute).filter(|l| !l.is_empty()) else {
        return;
    };
    let dir = absolute.parent().unwrap_or(Path::new("/"));
    let mut includes: ThinVec<Include> = list
        .iter()
        .map(|target| Include {
            path: relative(dir, target).into(),
            system: false,
            line: 0,
        })
        .collect();
    includes.append(&mut file.functions.includes);
    file.functions.includes = includes;
}

/// `to` written relative to the directory `from` (both absolute and normalized).
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// One thread's means of reading: its extractor, a read buffer, and the includes it has
/// found in the include directories, by the name written.
struct Reader<'m> {
    extractor: Extractor<'m>,
    buffer: Vec<u8>,
    found: FxHashMap<Box<str>, Option<PathBuf>>,
}

impl Reader<'_> {
    /// Reads and extracts `path` (or takes it from `cache`), and finds the files it includes.
    fn read(
        &mut self,
        path: &Path,
        dirs: &[PathBuf],
        (options, cache): (&ReadOptions, Option<&FileCache>),
        naming: &Naming,
    ) -> (Result<SourceFile, ReadError>, Vec<PathBuf>) {
        let name = naming.name(path);
        let read = read_and_extract(
            path,
            &name,
            options.max_file_size,
            (&mut self.extractor, &mut self.buffer),
            cache,
        );
        let functions = match read {
            Ok(functions) => functions,
            Err(mut error) => {
                error.path = name;
                return (Err(error), Vec::new());
            }
        };
        let own_dir = path.parent().unwrap_or(Path::new("/"));
        let includes = functions
            .includes
            .iter()
            .filter_map(|include| self.find(include, own_dir, dirs))
            .collect();
        let file = SourceFile {
            path: name,
            functions: Box::new(functions),
        };
        (Ok(file), includes)
    }

    /// The file `include` names, from a file in `own_dir`, if one exists.
    fn find(&mut self, include: &Include, own_dir: &Path, dirs: &[PathBuf]) -> Option<PathBuf> {
        let written = Path::new(&*include.path);
        if written.is_absolute() {
            return written.is_file().then(|| normalized(written));
        }
        if !include.system {
            let candidate = own_dir.join(written);
            if candidate.is_file() {
                return Some(normalized(&candidate));
            }
        }
        if let Some(found) = self.found.get(&include.path) {
            return found.clone();
        }
        let found = dirs
            .iter()
            .map(|dir| dir.join(written))
            .find(|candidate| candidate.is_file())
            .map(|candidate| normalized(&candidate));
        self.found.insert(include.path.clone(), found.clone());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_directory() {
        let rel = |from: &str, to: &str| relative(Path::new(from), Path::new(to));
        assert_eq!(rel("/t/block", "/t/build/config.h"), "../build/config.h");
        assert_eq!(rel("/t", "/t/a/b.h"), "a/b.h");
        assert_eq!(rel("/t/a/b", "/x.h"), "../../../x.h");
    }
}
