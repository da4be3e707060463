//! Finding and reading the C files to check.
//!
//! Directories are walked with the `ignore` crate on several threads: `.gitignore` files are
//! respected (whether or not the tree is a git checkout), hidden files and directories are
//! skipped, symbolic links are not followed, and only `*.c` and `*.h` files are taken. A file
//! named on the command line is always read, whatever its name. Each file is read and extracted
//! by the thread that found it and its bytes are dropped right after, so memory holds the
//! extracted definitions, never the whole tree.

use crate::cache::{FileCache, Stamp, content_hash};
use crate::extract::{Extractor, FileFunctions, Recognizer, UseList};
use ignore::overrides::Override;
use ignore::{WalkBuilder, WalkState};
use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One file that was read, with what was extracted from it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as reached from the argument given (`dir/sub/a.c` for the argument `dir`).
    pub path: String,
    /// Its function definitions, boxed: a tree's files are collected in one list that grows
    /// by doubling, and a record held in place would make its slack, and each copy while it
    /// grows, as large as the records (about 650 bytes each, 55,000 files in Linux).
    pub functions: Box<FileFunctions>,
}

/// How many uses a shared chunk holds, at least (8 bytes each): large enough that freeing one
/// gives whole pages back to the system, small enough that the chunks of files resolved early
/// are freed early. A file with more uses has a chunk of its own.
const USES_PER_CHUNK: usize = 1 << 16;

/// Moves the uses of `files` into chunks of about [`USES_PER_CHUNK`] uses that consecutive
/// files share ([`UseList::share`]), so that the graph frees them a chunk at a time.
pub(crate) fn share_uses(files: &mut [SourceFile]) {
    let mut start = 0;
    let mut uses = 0;
    for end in 0..files.len() {
        uses += files[end].functions.uses.len();
        if uses >= USES_PER_CHUNK {
            share(&mut files[start..=end]);
            (start, uses) = (end + 1, 0);
        }
    }
    share(&mut files[start..]);
}

/// Moves the uses of `files` into one chunk.
fn share(files: &mut [SourceFile]) {
    if files.iter().any(|file| !file.functions.uses.is_empty()) {
        UseList::share(files.iter_mut().map(|file| &mut file.functions.uses));
    }
}

/// A file or directory that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The path, or the argument if no path is known.
    pub path: String,
    /// Why it could not be read.
    pub reason: String,
}

/// The result of reading a set of paths.
#[derive(Debug, Default)]
pub struct Sources {
    /// The files read, sorted by path.
    pub files: Vec<SourceFile>,
    /// What could not be read, sorted by path.
    pub errors: Vec<ReadError>,
}

/// How files are found and read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Threads that walk, read and extract.
    pub threads: usize,
    /// Files larger than this many bytes are skipped, with an error that says so.
    pub max_file_size: u64,
    /// Follow symbolic links (a link loop is then reported, not followed forever).
    pub follow_links: bool,
    /// Paths to leave out of the walk, if any.
    pub exclude: Option<Exclusions>,
    /// The file name endings a walk takes, without the dot (`c`, `h`, `c.inc`).
    pub extensions: Vec<String>,
}

/// Paths left out of a walk: globs matched on each path relative to a base directory (the
/// configuration's), however the walk's roots are spelled (`.`, `../dir`, an absolute path,
/// `a/../.`), and whether a glob names a directory through a symbolic link or what it leads
/// to; some globs (a preset's) also relative to the walk's root. Each root is resolved once,
/// when the walk starts, not each file.
#[derive(Debug, Clone)]
pub struct Exclusions {
    /// The globs, as `!glob` overrides matched on relative paths.
    globs: Override,
    /// The globs also matched on paths relative to the walk's root, if any.
    root_globs: Option<Override>,
    /// The base directory, resolved.
    base: PathBuf,
    /// The base directory made absolute, symbolic links kept, where that differs from `base`.
    base_as_written: Option<PathBuf>,
}

impl Exclusions {
    /// Exclusions of the paths that `globs` (built from `!glob` entries) match relative to
    /// `base`, and of those that `root_globs` match relative to `base` or to the walk's root.
    pub fn new(base: &Path, globs: Override, root_globs: Option<Override>) -> Exclusions {
        let resolved_base = resolved(base);
        let written = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
        Exclusions {
            globs,
            root_globs,
            base_as_written: (written != resolved_base).then_some(written),
            base: resolved_base,
        }
    }

    /// The root `path` of a walk, resolved, and as written and made absolute where that form
    /// must be matched too (a symbolic link on the way to the root or to the base), each with
    /// its path relative to the base in the same form, worked out once for the whole walk.
    fn root(&self, path: &Path) -> WalkRoot {
        let root = resolved(path);
        let written = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let differs = written != root || self.base_as_written.is_some();
        let base_as_written = self.base_as_written.as_ref().unwrap_or(&self.base);
        let written = differs.then(|| RootForm::new(written, base_as_written));
        WalkRoot {
            resolved: RootForm::new(root, &self.base),
            written,
        }
    }

    /// True if the entry at `rest` below the walk's `root` is left out.
    fn excludes(&self, root: &WalkRoot, rest: &Path, is_dir: bool) -> bool {
        let matched = |form: &RootForm, base: &Path| {
            let relative = match &form.relative {
                Some(prefix) if prefix.as_os_str().is_empty() => Cow::Borrowed(rest),
                Some(prefix) => Cow::Owned(prefix.join(rest)),
                // The base lies below the root, or elsewhere: only some entries are below it.
                None => match form.path.join(rest).strip_prefix(base) {
                    Ok(relative) => Cow::Owned(relative.to_path_buf()),
                    Err(_) => return false,
                },
            };
            self.globs.matched(&relative, is_dir).is_ignore()
        };
        let base_as_written = self.base_as_written.as_ref().unwrap_or(&self.base);
        matched(&root.resolved, &self.base)
            || root
                .written
                .as_ref()
                .is_some_and(|written| matched(written, base_as_written))
            || self
                .root_globs
                .as_ref()
                .is_some_and(|globs| globs.matched(rest, is_dir).is_ignore())
    }
}

/// A walk's root, in the forms [`Exclusions`] matches its entries in.
struct WalkRoot {
    /// Resolved.
    resolved: RootForm,
    /// As written and made absolute, where that differs.
    written: Option<RootForm>,
}

/// One form of a walk's root, and where it is relative to the base in the same form.
struct RootForm {
    path: PathBuf,
    /// The root relative to the base, if it is the base or below it.
    relative: Option<PathBuf>,
}

impl RootForm {
    fn new(path: PathBuf, base: &Path) -> RootForm {
        let relative = path.strip_prefix(base).ok().map(Path::to_path_buf);
        RootForm { path, relative }
    }
}

impl Exclusions {
    /// True if the file at `path` (absolute, as a build names it) is left out: the file, or a
    /// directory on its way from the base, matches a glob.
    pub fn excludes_file(&self, path: &Path) -> bool {
        let bases = std::iter::once(&self.base).chain(self.base_as_written.as_ref());
        bases
            .filter_map(|base| path.strip_prefix(base).ok())
            .any(|relative| {
                self.globs.matched(relative, false).is_ignore()
                    || relative
                        .ancestors()
                        .skip(1)
                        .take_while(|dir| !dir.as_os_str().is_empty())
                        .any(|dir| self.globs.matched(dir, true).is_ignore())
            })
    }
}

/// True if `path`'s bytes start with `root`'s and go on with a separator or end there.
fn starts_with_bytes(path: &Path, root: &Path) -> bool {
    let (path, root) = (
        path.as_os_str().as_encoded_bytes(),
        root.as_os_str().as_encoded_bytes(),
    );
    path.starts_with(root)
        && (path.len() == root.len()
            || root.ends_with(b"/")
            || std::path::is_separator(char::from(path[root.len()])))
}

/// `path` made absolute with symbolic links and `..` resolved, or as it is if it cannot be.
fn resolved(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            threads: 1,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            follow_links: false,
            exclude: None,
            extensions: DEFAULT_EXTENSIONS.iter().map(|e| e.to_string()).collect(),
        }
    }
}

/// The default [`ReadOptions::max_file_size`]: 64 MiB, far above any hand-written C file, so only
/// generated monsters are skipped.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

/// The file name endings a directory walk takes unless configured otherwise: C sources,
/// headers, and the implementation files that sources include (`*.c.inc`, `*.h.inc`).
pub const DEFAULT_EXTENSIONS: [&str; 4] = ["c", "h", "c.inc", "h.inc"];

/// True for the files a directory walk takes: names ending in `.` and one of `extensions`.
pub(crate) fn is_c_source(path: &Path, extensions: &[String]) -> bool {
    // Compared as bytes: a name that is not UTF-8 (`bad\xff.c`) is still a C file.
    let Some(name) = path.file_name().map(|n| n.as_encoded_bytes()) else {
        return false;
    };
    extensions.iter().any(|extension| {
        name.len() > extension.len() + 1
            && name.ends_with(extension.as_bytes())
            && name[name.len() - extension.len() - 1] == b'.'
    })
}

/// Walks `paths`, reads every C file found and extracts its definitions on several threads.
/// The result does not depend on the number of threads.
/// With a `cache`, a file whose entry matches is taken from it instead, and the files extracted
/// are stored in it.
pub fn read_sources(
    paths: &[PathBuf],
    options: &ReadOptions,
    recognizer: &Recognizer,
    cache: Option<&FileCache>,
) -> Sources {
    let new_reader = || Reader {
        extractor: Extractor::new(recognizer),
        buffer: Vec::new(),
        held: Vec::new(),
        held_uses: 0,
    };
    let read = |reader: &mut Reader, path: &Path| {
        let name = path.display().to_string();
        let functions = read_and_extract(
            path,
            &name,
            options.max_file_size,
            (&mut reader.extractor, &mut reader.buffer),
            cache,
        )?;
        let file = SourceFile {
            functions: Box::new(functions),
            path: name,
        };
        reader.held_uses += file.functions.uses.len();
        reader.held.push(file);
        Ok((reader.held_uses >= USES_PER_CHUNK).then(|| reader.release()))
    };
    let (files, mut errors) = walk_and_read(paths, options, new_reader, read, |reader| {
        Some(reader.release())
    });
    let mut files: Vec<SourceFile> = files.into_iter().flatten().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    Sources { files, errors }
}

/// Walks and reads the files [`read_sources`] would, extracting nothing: the cost floor of a
/// run, for benchmarks. Returns the number of files and of bytes read.
pub fn read_only(paths: &[PathBuf], options: &ReadOptions) -> (usize, u64) {
    let read = |buffer: &mut Vec<u8>, path: &Path| {
        read_file(path, options.max_file_size, buffer).map(|()| Some(buffer.len() as u64))
    };
    let (sizes, _) = walk_and_read(paths, options, Vec::new, read, |_| None);
    (sizes.len(), sizes.iter().sum())
}

/// Walks and reads the files [`read_sources`] would and returns their bytes, extracting
/// nothing: for benchmarks of the stages that work in memory.
pub fn read_contents(paths: &[PathBuf], options: &ReadOptions) -> Vec<Vec<u8>> {
    let read = |buffer: &mut Vec<u8>, path: &Path| {
        read_file(path, options.max_file_size, buffer).map(|()| Some(buffer.clone()))
    };
    walk_and_read(paths, options, Vec::new, read, |_| None).0
}

/// What extraction finds in the file at `path` (named `name` in reports), read with
/// `extractor` into `buffer`; with a `cache`, taken from it if its entry matches the file, and
/// else stored in it.
pub(crate) fn read_and_extract(
    path: &Path,
    name: &str,
    max_size: u64,
    (extractor, buffer): (&mut Extractor, &mut Vec<u8>),
    cache: Option<&FileCache>,
) -> Result<FileFunctions, ReadError> {
    let Some(cache) = cache else {
        read_file(path, max_size, buffer)?;
        return Ok(extractor.extract(buffer));
    };
    // Statted before it is read: a change while it is read leaves the entry stale, not wrong.
    let stamp = Stamp::of(path);
    if let Some(stamp) = stamp.filter(|stamp| stamp.size() <= max_size)
        && let Some(functions) = cache.lookup(name, stamp, buffer)
    {
        return Ok(functions);
    }
    read_file(path, max_size, buffer)?;
    // A new stamp over the same bytes (a checkout, a fresh clone) still matches by content.
    let content = content_hash(buffer);
    let mut entry = Vec::new();
    if let Some(functions) = cache.lookup_content(name, (stamp, content), &mut entry) {
        return Ok(functions);
    }
    let functions = extractor.extract(buffer);
    if let Some(stamp) = stamp {
        cache.store(name, (stamp, content), &functions);
    }
    Ok(functions)
}

/// Reads the file at `path` into `buffer` (cleared first), unless it is larger than `max_size`.
pub(crate) fn read_file(path: &Path, max_size: u64, buffer: &mut Vec<u8>) -> Result<(), ReadError> {
    let error = |reason: String| ReadError {
        path: path.display().to_string(),
        reason,
    };
    buffer.clear();
    let file = File::open(path).map_err(|e| error(e.to_string()))?;
    // Read at most one byte past the limit: that bounds a file that grows while read, and finds
    // one over the limit without asking every file its size first (one system call fewer per
    // file; hand-written C is never near the limit).
    if let Err(e) = (&file).take(max_size.saturating_add(1)).read_to_end(buffer) {
        return Err(error(e.to_string()));
    }
    if buffer.len() as u64 <= max_size {
        return Ok(());
    }
    // The bytes of a file over the limit are not kept by the thread's reused buffer.
    *buffer = Vec::new();
    Err(match file.metadata() {
        Ok(metadata) if metadata.len() > max_size => error(format!(
            "{} is over the {} limit (--max-file-size)",
            human_size(metadata.len()),
            human_size(max_size)
        )),
        // A stream (a FIFO, a device) or a file that grew while read: its size says nothing.
        _ => error(format!(
            "grew over the {} limit (--max-file-size) while read",
            human_size(max_size)
        )),
    })
}

/// A byte count the way people read it: `812 bytes`, `3.4 MiB`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Walks `paths` on several threads and calls `read` on every file to take, with state that
/// each thread makes with `new_state` and keeps, and `finish` on that state when the thread is
/// done; returns what `read` and `finish` handed over (`read` may hand over nothing yet), in
/// no order.
fn walk_and_read<S: Send, T: Send, F: Fn(&mut S) -> Option<T> + Sync>(
    paths: &[PathBuf],
    options: &ReadOptions,
    new_state: impl Fn() -> S + Sync,
    read: impl Fn(&mut S, &Path) -> Result<Option<T>, ReadError> + Sync,
    finish: F,
) -> (Vec<T>, Vec<ReadError>) {
    let Some((first, rest)) = paths.split_first() else {
        return (Vec::new(), Vec::new());
    };
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    builder
        .threads(options.threads.max(1))
        .require_git(false)
        .follow_links(options.follow_links);
    if let Some(exclude) = options.exclude.clone() {
        // Each root as given, and resolved; an entry is matched below the longest root that
        // its path starts with. The walker builds entry paths on the root as given, so a byte
        // prefix finds it without taking every path apart into components.
        let mut roots: Vec<(PathBuf, WalkRoot)> =
            paths.iter().map(|p| (p.clone(), exclude.root(p))).collect();
        roots.sort_by_key(|(given, ..)| std::cmp::Reverse(given.components().count()));
        builder.filter_entry(move |entry| {
            let path = entry.path();
            let root = roots
                .iter()
                .find(|(given, ..)| starts_with_bytes(path, given))
                .or_else(|| roots.iter().find(|(given, ..)| path.starts_with(given)));
            let Some((given, root)) = root else {
                return true;
            };
            let rest = path.strip_prefix(given).unwrap_or(path);
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            entry.depth() == 0 || !exclude.excludes(root, rest, is_dir)
        });
    }
    let found: Found<T> = Mutex::new((Vec::new(), Vec::new()));
    builder.build_parallel().run(|| {
        let (found, read) = (&found, &read);
        let mut state = Finishing {
            state: new_state(),
            finish: &finish,
            found,
        };
        Box::new(move |entry| {
            let outcome = match entry {
                Ok(entry) => {
                    let named = entry.depth() == 0;
                    let wanted = named || is_c_source(entry.path(), &options.extensions);
                    match entry.file_type() {
                        Some(t) if t.is_file() => {
                            wanted.then(|| read(&mut state.state, entry.path()))
                        }
                        // A FIFO would block the read, a device never end: said, not read.
                        Some(t) if wanted && is_special(t) => Some(Err(ReadError {
                            path: entry.path().display().to_string(),
                            reason: "not a regular file (a FIFO, socket or device)".to_string(),
                        })),
                        _ => None,
                    }
                }
                Err(error) => Some(Err(walk_error(&error))),
            };
            if let Some(outcome) = outcome.and_then(Result::transpose) {
                let mut found = found.lock().unwrap_or_else(|poison| poison.into_inner());
                match outcome {
                    Ok(file) => found.0.push(file),
                    Err(error) => found.1.push(error),
                }
            }
            WalkState::Continue
        })
    });
    found
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner())
}

/// True for a FIFO, a socket or a device: neither a file, a directory nor a link left
/// unfollowed.
fn is_special(file_type: std::fs::FileType) -> bool {
    !(file_type.is_file() || file_type.is_dir() || file_type.is_symlink())
}

/// What each walking thread found: the values read, and the files and directories that could
/// not be.
type Found<T> = Mutex<(Vec<T>, Vec<ReadError>)>;

/// A walking thread's state, which adds what `finish` makes of it to `found` when the thread
/// is done with it. The walker drops each thread's visitor, and so this state, before `run`
/// returns (its threads are scoped), so nothing a thread holds is lost.
struct Finishing<'w, S, T, F: Fn(&mut S) -> Option<T>> {
    state: S,
    finish: &'w F,
    found: &'w Found<T>,
}

impl<S, T, F: Fn(&mut S) -> Option<T>> Drop for Finishing<'_, S, T, F> {
    fn drop(&mut self) {
        if let Some(last) = (self.finish)(&mut self.state) {
            let mut found = self.found.lock().unwrap_or_else(|p| p.into_inner());
            found.0.push(last);
        }
    }
}

/// One thread's means of reading files: its extractor and a read buffer, both reused, and the
/// files it has read but not yet handed over.
struct Reader<'m> {
    extractor: Extractor<'m>,
    buffer: Vec<u8>,
    /// Files held until their uses fill a chunk (see [`share_uses`]).
    held: Vec<SourceFile>,
    /// The uses of the files held.
    held_uses: usize,
}

impl Reader<'_> {
    /// Hands over the files held, their uses moved into one shared chunk.
    fn release(&mut self) -> Vec<SourceFile> {
        share(&mut self.held);
        self.held_uses = 0;
        std::mem::take(&mut self.held)
    }
}

/// Turns a walk error into a path and a reason, the way a user reads them.
fn walk_error(error: &ignore::Error) -> ReadError {
    let mut error = error;
    let mut path = None;
    loop {
        match error {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.display().to_string());
                error = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = err;
            }
            ignore::Error::Loop { child, .. } => {
                return ReadError {
                    path: child.display().to_string(),
                    reason: "symbolic link loop".to_string(),
                };
            }
            other => {
                return ReadError {
                    path: path.unwrap_or_default(),
                    reason: other.to_string(),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_take_the_configured_endings() {
        let endings: Vec<String> = DEFAULT_EXTENSIONS.iter().map(|e| e.to_string()).collect();
        let takes = |name: &str| is_c_source(Path::new(name), &endings);
        assert!(takes("a/b.c") && takes("b.h") && takes("x/cipher.c.inc") && takes("t.h.inc"));
        assert!(!takes("a.cc") && !takes("b.inc") && !takes("c") && !takes(".c") && !takes("ac"));
        assert!(!is_c_source(Path::new("x.c.inc"), &["c".to_string()]));
    }

    #[test]
    fn a_file_over_the_limit_is_refused_with_its_size_and_its_bytes_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.c");
        std::fs::write(&path, [b'x'; 100]).unwrap();
        let mut buffer = b"the last file".to_vec();
        read_file(&path, 100, &mut buffer).unwrap();
        assert_eq!(
            buffer, [b'x'; 100],
            "read whole at the limit, over what was there"
        );
        let refused = read_file(&path, 99, &mut buffer).unwrap_err();
        assert_eq!(
            refused.reason,
            "100 bytes is over the 99 bytes limit (--max-file-size)"
        );
        assert_eq!(
            buffer.capacity(),
            0,
            "no thread keeps a file over the limit"
        );
        // The largest limit there is reads the file, rather than wrapping to nothing.
        read_file(&path, u64::MAX, &mut buffer).unwrap();
        assert_eq!(buffer.len(), 100);
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(812), "812 bytes");
        assert_eq!(human_size(64 << 20), "64.0 MiB");
        assert_eq!(human_size(3 * 1024 + 512), "3.5 KiB");
        assert_eq!(human_size(5 << 30), "5.0 GiB");
    }
}
