//! Which files each file reads through `#include`, and so which other files' `static`
//! definitions it sees.
//!
//! An include is resolved the way a compiler searches, within the files read: `"path"` first
//! against the including file's directory, then (both forms) against each include directory in
//! order, then to the one file whose path ends with `/path`, if exactly one does. An include
//! that none of these finds (a system or library header, a generated file, an ambiguous name)
//! is counted as unresolved and read as nothing.
//!
//! A file sees the files it includes, directly or transitively. An included implementation
//! file (`*.c.inc`, `*.h.inc`: a name ending in `.inc`) is part of the files that include it:
//! it also sees them and everything they include.

use crate::extract::name_hash;
use crate::source::SourceFile;
use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

/// The resolved includes of a set of files.
#[derive(Debug, Default)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct Includes {
    /// The files each file includes, in source order, each once: those of file `f` (in path
    /// order, as [`super::Graph::path`] numbers them) are `included_files[ends[f - 1]..ends[f]]`.
    /// One list end to end, so a walk of the include graph (one per file on Linux) reads it
    /// in order rather than through a pointer per file.
    included_files: Vec<u32>,
    /// Where each file's list ends in `included_files`.
    ends: Vec<u32>,
    /// For each included implementation file, the files that include it.
    includers: FxHashMap<u32, Vec<u32>>,
    /// For each file, whether anything includes it: only such a file's statics are ever seen
    /// from another file.
    included: Vec<bool>,
    /// Includes that resolved to no file read.
    pub(super) unresolved: usize,
}
/// Finds files by path, as an include names them.
#[derive(Debug)]
pub(super) struct PathIndex {
    /// File indices by the hash of their normalized path (the first file of each path): the
    /// paths themselves are in `normalized`, kept once.
    by_path: HashTable<u32>,
    /// File indices by the hash of their base name, for path-suffix matches.
    by_base: FxHashMap<u64, Vec<u32>>,
    /// Each file's normalized path, by index.
    normalized: Vec<String>,
}

impl PathIndex {
    /// Indexes `files` by normalized path, on the thread pool.
    pub(super) fn new(files: &[SourceFile]) -> Self {
        // In parallel: most of the cost is reading each path from the heap and copying it.
        let normalized = files.par_iter().map(|file| normalized(&file.path));
        PathIndex::of_normalized(normalized.map(Cow::into_owned).collect())
    }

    /// [`PathIndex::new`] on the calling thread alone; `None` if `stop` is set before it is
    /// done.
    pub(super) fn new_here(files: &[SourceFile], stop: &AtomicBool) -> Option<Self> {
        let mut paths = Vec::with_capacity(files.len());
        for chunk in files.chunks(STOP_CHECKS_EVERY) {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            paths.extend(chunk.iter().map(|file| normalized(&file.path).into_owned()));
        }
        Some(PathIndex::of_normalized(paths))
    }

    /// Indexes the files whose normalized paths are `normalized`, by index.
    fn of_normalized(normalized: Vec<String>) -> Self {
        let mut by_path = HashTable::with_capacity(normalized.len());
        let mut by_base: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        let path_of = |file: &u32| normalized[*file as usize].as_str();
        for (i, path) in normalized.iter().enumerate() {
            let rehash = |file: &u32| name_hash(path_of(file).as_bytes());
            let same = |file: &u32| path_of(file) == path;
            by_path
                .entry(name_hash(path.as_bytes()), same, rehash)
                .or_insert(i as u32);
            let base = name_hash(base_name(path).as_bytes());
            by_base.entry(base).or_default().push(i as u32);
        }
        PathIndex {
            by_path,
            by_base,
            normalized,
        }
    }

    /// The file whose normalized path is `path`.
    fn file(&self, path: &str) -> Option<u32> {
        let path_of = |file: &u32| self.normalized[*file as usize].as_str();
        let found = self
            .by_path
            .find(name_hash(path.as_bytes()), |file| path_of(file) == path);
        found.copied()
    }

    /// The file an include of `path` means, searched for from `from`'s directory (unless
    /// `from` is `None`, as for `<path>`), then from each of `dirs`, then by unique suffix.
    pub(super) fn resolve(&self, path: &str, from: Option<u32>, dirs: &[String]) -> Option<u32> {
        self.resolve_with(path, from, dirs, &mut Lookups::default())
    }

    /// [`PathIndex::resolve`] with scratch space: a buffer, and the answers of the searches
    /// that do not depend on the including file (most files include the same headers).
    fn resolve_with(
        &self,
        path: &str,
        from: Option<u32>,
        dirs: &[String],
        lookups: &mut Lookups,
    ) -> Option<u32> {
        let wanted = normalized(path);
        if wanted.starts_with('/') {
            return self.file(&wanted);
        }
        if let Some(from) = from {
            let own_dir = dir_name(&self.normalized[from as usize]);
            if let Some(found) = self.find_in(own_dir, &wanted, &mut lookups.buffer) {
                return Some(found);
            }
        }
        if let Some(&found) = lookups.answers.get(wanted.as_ref()) {
            return found;
        }
        let found = dirs
            .iter()
            .find_map(|dir| self.find_in(dir, &wanted, &mut lookups.buffer))
            .or_else(|| self.unique_suffix(&wanted));
        lookups.answers.insert(wanted.into(), found);
        found
    }

    /// The file `dir/wanted`, if one was read.
    fn find_in(&self, dir: &str, wanted: &str, buffer: &mut String) -> Option<u32> {
        buffer.clear();
        if !dir.is_empty() {
            buffer.push_str(dir);
            buffer.push('/');
        }
        buffer.push_str(wanted);
        // A normalized directory and a normalized relative path make a normalized path, unless
        // the path climbs out with `..`.
        if wanted.starts_with("..") {
            self.file(&normalize(buffer))
        } else {
            self.file(buffer)
        }
    }

    /// The one file whose path is `wanted` or ends with `/wanted`, if exactly one is.
    fn unique_suffix(&self, wanted: &str) -> Option<u32> {
        let base = name_hash(base_name(wanted).as_bytes());
        let mut matches = self.by_base.get(&base)?.iter().filter(|&&f| {
            let candidate = &self.normalized[f as usize];
            candidate == wanted
                || candidate.len() > wanted.len()
                    && candidate.ends_with(wanted)
                    && candidate.as_bytes()[candidate.len() - wanted.len() - 1] == b'/'
        });
        let first = *matches.next()?;
        matches.next().is_none().then_some(first)
    }

    /// The files that the includes of `file` (number `index`) find, each once and never
    /// itself, in source order, and how many includes find no file.
    fn resolve_file(
        &self,
        index: u32,
        file: &SourceFile,
        dirs: &[String],
        lookups: &mut Lookups,
    ) -> (Vec<u32>, usize) {
        let mut direct = Vec::new();
        let mut unresolved = 0;
        for include in &file.functions.includes {
            let from = (!include.system).then_some(index);
            match self.resolve_with(&include.path, from, dirs, lookups) {
                Some(found) if found != index => {
                    if !direct.contains(&found) {
                        direct.push(found);
                    }
                }
                Some(_) => {}
                None => unresolved += 1,
            }
        }
        (direct, unresolved)
    }
}

/// Scratch space of include resolution, one per thread.
#[derive(Default)]
struct Lookups {
    buffer: String,
    answers: FxHashMap<Box<str>, Option<u32>>,
}

/// What the includes of each file, in order, resolve to: the files they find, each once, and
/// how many find no file.
pub(super) type Resolved = Vec<(Vec<u32>, usize)>;

/// How many files a thread that may be told to stop works on between looks at the flag.
const STOP_CHECKS_EVERY: usize = 64;

impl Includes {
    /// Resolves, against `index` and the include directories `dirs` (normalized paths, in
    /// search order), the includes of the files of `files` after the first `resolved.len()`,
    /// whose results `resolved` holds, one file per task on the thread pool.
    pub(super) fn resolve(
        files: &[SourceFile],
        index: &PathIndex,
        dirs: &[String],
        mut resolved: Resolved,
    ) -> Self {
        let done = resolved.len();
        let rest = (files[done..].par_iter().enumerate())
            .map_init(Lookups::default, |lookups, (i, file)| {
                index.resolve_file((done + i) as u32, file, dirs, lookups)
            });
        resolved.par_extend(rest);
        Includes::of_resolved(files, resolved)
    }

    /// Resolves, as [`Includes::resolve`] does, the includes of `files` from the first one on
    /// the calling thread alone, until `stop` is set: what each file's includes resolve to, for
    /// as many files as it got to.
    pub(super) fn resolve_here(
        files: &[SourceFile],
        index: &PathIndex,
        dirs: &[String],
        stop: &AtomicBool,
    ) -> Resolved {
        let mut lookups = Lookups::default();
        let mut resolved = Vec::with_capacity(files.len());
        for (i, file) in files.iter().enumerate() {
            if i % STOP_CHECKS_EVERY == 0 && stop.load(Ordering::Relaxed) {
                break;
            }
            resolved.push(index.resolve_file(i as u32, file, dirs, &mut lookups));
        }
        resolved
    }

    /// The includes of `files`, from what each file's includes resolved to.
    fn of_resolved(files: &[SourceFile], resolved: Resolved) -> Self {
        let mut includes = Includes {
            included: vec![false; files.len()],
            included_files: Vec::with_capacity(
                resolved.iter().map(|(direct, _)| direct.len()).sum(),
            ),
            ends: Vec::with_capacity(files.len()),
            ..Includes::default()
        };
        for (i, (direct, unresolved)) in resolved.into_iter().enumerate() {
            includes.unresolved += unresolved;
            for &included in &direct {
                includes.included[included as usize] = true;
                if is_implementation(&files[included as usize].path) {
                    includes
                        .includers
                        .entry(included)
                        .or_default()
                        .push(i as u32);
                    // The implementation file sees its includer's statics.
                    includes.included[i] = true;
                }
            }
            includes.included_files.extend_from_slice(&direct);
            includes.ends.push(includes.included_files.len() as u32);
        }
        includes
    }

    /// The files `file` includes, in source order, each once.
    fn direct(&self, file: u32) -> &[u32] {
        let end = self.ends[file as usize] as usize;
        let start = match file {
            0 => 0,
            _ => self.ends[file as usize - 1] as usize,
        };
        &self.included_files[start..end]
    }

    /// Marks `file` as included (by a file the build generates).
    pub(super) fn mark_included(&mut self, file: u32) {
        if let Some(included) = self.included.get_mut(file as usize) {
            *included = true;
        }
    }

    /// True if some file includes `file`.
    pub(super) fn is_included(&self, file: u32) -> bool {
        self.included.get(file as usize).copied().unwrap_or(false)
    }

    /// For each file, whether a file `is_unit` says is compiled on its own reaches it through
    /// includes (directly or transitively; a unit reaches itself).
    pub(super) fn reached_from_units(&self, is_unit: impl Fn(u32) -> bool) -> Vec<bool> {
        let mut reached = vec![false; self.ends.len()];
        let mut stack: Vec<u32> = (0..self.ends.len() as u32)
            .filter(|&f| is_unit(f))
            .collect();
        for &unit in &stack {
            reached[unit as usize] = true;
        }
        while let Some(at) = stack.pop() {
            for &next in self.direct(at) {
                if !std::mem::replace(&mut reached[next as usize], true) {
                    stack.push(next);
                }
            }
        }
        reached
    }
}

/// Which definitions of a macro a use means, given the file of each (`files`): those the using
/// file sees (`sees`: its own, its headers'); if it sees none, those in files that something
/// includes (`included`: a header's, never another program's own); failing that, every one.
/// One flag per definition.
pub(super) fn meant_definitions(
    files: &[u32],
    sees: &mut dyn FnMut(u32) -> bool,
    included: &dyn Fn(u32) -> bool,
) -> Vec<bool> {
    let mut meant: Vec<bool> = files.iter().map(|&file| sees(file)).collect();
    if !meant.contains(&true) {
        meant = files.iter().map(|&file| included(file)).collect();
    }
    if !meant.contains(&true) {
        meant.fill(true);
    }
    meant
}

/// The files one file sees, worked out the first time a `static` definition in another file
/// that something includes asks: what it includes, transitively, the files an included
/// implementation file is part of (its includers, and what they include), and any extra files
/// (a generated file's headers) with what they include. One scope serves many files in turn,
/// so the marks are a generation number per file, never cleared.
pub(super) struct Scope<'i> {
    includes: &'i Includes,
    file: u32,
    extra: &'i [u32],
    /// `marks[f] == generation`: file `f` is seen.
    marks: Vec<u32>,
    generation: u32,
    ready: bool,
    stack: Vec<u32>,
}

impl<'i> Scope<'i> {
    /// A scope for the files of `includes`; [`Scope::reset`] says whose.
    pub(super) fn new(includes: &'i Includes) -> Self {
        Scope {
            includes,
            file: 0,
            extra: &[],
            marks: vec![0; includes.ends.len()],
            generation: 0,
            ready: false,
            stack: Vec::new(),
        }
    }

    /// Starts over for `file`, which also sees `extra` and what they include.
    pub(super) fn reset(&mut self, file: u32, extra: &'i [u32]) {
        self.file = file;
        self.extra = extra;
        self.ready = false;
    }

    /// True if the file sees `other`'s `static` definitions (its own are always seen).
    pub(super) fn sees(&mut self, other: u32) -> bool {
        if other == self.file {
            return true;
        }
        if !self.includes.is_included(other) {
            return false;
        }
        if !self.ready {
            self.mark_visible();
        }
        self.marks[other as usize] == self.generation
    }

    fn mark_visible(&mut self) {
        self.ready = true;
        self.generation += 1;
        if self.generation == u32::MAX {
            self.marks.fill(0);
            self.generation = 1;
        }
        let generation = self.generation;
        let includes = self.includes;
        let stack = &mut self.stack;
        stack.clear();
        stack.push(self.file);
        stack.extend(self.extra.iter().copied());
        if let Some(includers) = includes.includers.get(&self.file) {
            stack.extend(includers.iter().copied());
        }
        for &start in stack.iter() {
            self.marks[start as usize] = generation;
        }
        while let Some(at) = stack.pop() {
            for &next in includes.direct(at) {
                let mark = &mut self.marks[next as usize];
                if *mark != generation {
                    *mark = generation;
                    stack.push(next);
                }
            }
        }
    }

    /// The file whose scope this is.
    pub(super) fn file(&self) -> u32 {
        self.file
    }
}

/// True for an included implementation file, read as part of its includers (`*.c.inc`).
pub(super) fn is_implementation(path: &str) -> bool {
    path.ends_with(".inc")
}

/// `path` normalized, borrowed when it already is (as most paths are, once a leading `./` is
/// taken off): one pass over its bytes.
fn normalized(path: &str) -> Cow<'_, str> {
    let mut path = path;
    // A walk from `.` names every file `./dir/file.c`: the same path as `dir/file.c`.
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/');
    }
    let bytes = path.as_bytes();
    let mut clean = !bytes.is_empty() && bytes.last() != Some(&b'/');
    let mut start = 0;
    for (i, byte) in bytes
        .iter()
        .copied()
        .enumerate()
        .chain([(bytes.len(), b'/')])
    {
        if !clean {
            break;
        }
        match byte {
            b'\\' => clean = false,
            b'/' => {
                let part = &bytes[start..i];
                clean = !(part.is_empty() && i != 0) && part != b"." && part != b"..";
                start = i + 1;
            }
            _ => {}
        }
    }
    if clean {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(normalize(path))
    }
}

/// `path` with `.` components and `dir/..` pairs taken out, `/` separated.
pub fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

fn dir_name(path: &str) -> &str {
    path.rfind('/')
        .map_or("", |at| &path[..at.max(usize::from(at == 0))])
}

fn base_name(path: &str) -> &str {
    path.rfind('/').map_or(path, |at| &path[at + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> Vec<SourceFile> {
        paths
            .iter()
            .map(|p| SourceFile {
                path: p.to_string(),
                functions: Box::default(),
            })
            .collect()
    }

    #[test]
    fn resolving_stopped_part_way_then_finished_on_the_pool_finds_what_one_pass_finds() {
        let sources = [
            (
                "a.c",
                "#include \"b.h\"\n#include <d.h>\n#include \"nowhere.h\"\n",
            ),
            ("b.h", "#include \"c/d.h\"\n#include \"b.h\"\n"),
            ("c/d.h", "#include \"../b.h\"\n"),
            ("e.c.inc", "#include \"b.h\"\n"),
            ("f.c", "#include \"e.c.inc\"\n#include \"b.h\"\n"),
        ];
        let recognizer = crate::extract::Recognizer::new(&Default::default());
        let files: Vec<SourceFile> = (sources.iter())
            .map(|(path, text)| SourceFile {
                path: path.to_string(),
                functions: Box::new(crate::extract::extract(text.as_bytes(), &recognizer)),
            })
            .collect();
        let dirs = ["c".to_string()];
        let paths = PathIndex::new(&files);
        let whole = Includes::resolve(&files, &paths, &dirs, Vec::new());
        assert_eq!((whole.direct(0), whole.unresolved), (&[1, 2][..], 1));
        for stopped_at in 0..=files.len() {
            let go_on = AtomicBool::new(false);
            let begun = Includes::resolve_here(&files[..stopped_at], &paths, &dirs, &go_on);
            assert_eq!(begun.len(), stopped_at);
            let finished = Includes::resolve(&files, &paths, &dirs, begun);
            assert_eq!(finished, whole, "stopped after {stopped_at} files");
        }
        let stopped = AtomicBool::new(true);
        assert!(Includes::resolve_here(&files, &paths, &dirs, &stopped).is_empty());
        assert!(PathIndex::new_here(&files, &stopped).is_none());
    }

    #[test]
    fn paths_normalize_lexically() {
        assert_eq!(normalize("./a/./b/../c.h"), "a/c.h");
        assert_eq!(normalize("../x.h"), "../x.h");
        assert_eq!(normalize("/r/./q/../a.c"), "/r/a.c");
        assert_eq!(normalize("."), "");
        for path in [
            "a/b.h",
            "/r/a.c",
            "a//b",
            "./a",
            "a/../b",
            "a/",
            "",
            "a\\b",
            "../x",
            "./",
            "./.",
            "././/a/b.c",
            "./../x",
            ".//a",
            "./a/./b",
            "./.hidden/a",
            "..//a",
        ] {
            assert_eq!(normalized(path), normalize(path), "{path}");
        }
        // What a walk from `.` gives is taken as it is, past its `./`.
        assert!(matches!(
            normalized("./block/io.c"),
            Cow::Borrowed("block/io.c")
        ));
        assert_eq!(dir_name("a/b.c"), "a");
        assert_eq!(dir_name("b.c"), "");
        assert_eq!(dir_name("/b.c"), "/");
    }

    #[test]
    fn own_directory_then_include_dirs_then_unique_suffix() {
        let files = files(&[
            "t/block/qcow2.h",
            "t/include/block/block.h",
            "t/include/qemu/osdep.h",
            "t/a/util.h",
            "t/b/util.h",
            "t/block/util.h",
        ]);
        let index = PathIndex::new(&files);
        let dirs = vec!["t/include".to_string(), "t".to_string()];
        let from = Some(0); // t/block/qcow2.h
        assert_eq!(
            index.resolve("util.h", from, &dirs),
            Some(5),
            "own dir first"
        );
        assert_eq!(
            index.resolve("util.h", None, &dirs),
            None,
            "<> skips it; ambiguous"
        );
        assert_eq!(index.resolve("block/block.h", from, &dirs), Some(1));
        assert_eq!(
            index.resolve("block/qcow2.h", None, &dirs),
            Some(0),
            "from `t`"
        );
        assert_eq!(
            index.resolve("qemu/osdep.h", None, &[]),
            Some(2),
            "unique suffix"
        );
        assert_eq!(index.resolve("osdep.h", None, &[]), Some(2));
        assert_eq!(
            index.resolve("sdep.h", None, &[]),
            None,
            "whole components only"
        );
        assert_eq!(index.resolve("stdio.h", None, &dirs), None);
    }
}
