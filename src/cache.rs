//! The extraction cache: what extraction found in each file, kept on disk between runs, so that
//! a run after a small change reads and extracts only the files that changed.
//!
//! One cache file serves one walk (its roots and working directory) under one fingerprint of
//! everything extraction depends on besides a file's bytes: the cache format, the binary
//! (version, size and modification time) and the [`Recognizer`] (contexts, markers, attributes,
//! deferred calls, guards, the macros `#if` conditions decide, what else is recorded). Both are
//! in its name, and the fingerprint in its header too. So runs that alternate between two
//! configurations each keep their own cache; the [`KEPT_PER_WALK`] caches of a walk used last
//! are kept, and older ones are deleted when a new one is written. Each entry is a file's
//! [`FileFunctions`] under its path, valid while the file's size, modification time and inode
//! stay those it was read with. A file is statted before it is read, so a change during the
//! read leaves the entry stale, not wrong; and one modified less than [`RACY_WINDOW`] before it
//! was read is not stored at all, since a second change in the same clock tick would keep its
//! stamp. Each entry has a checksum: one that does not match, or that does not decode, is a
//! miss, and the file is read again.
//!
//! An entry also holds a hash of its file's bytes ([`content_hash`], 128-bit XXH3). A file
//! whose stamp changed but whose bytes did not (a checkout, a rebase, a fresh clone in CI with
//! the cache directory restored, an editor saving an unchanged buffer) is read and hashed, and
//! its entry taken without extracting it; the new cache carries the new stamp, so the next run
//! takes it on the stamp alone.
//!
//! Layout: a header (the magic `callcheck-cache\n`, the fingerprint and the index's offset,
//! little-endian), the entries end to end, then the index (each path with its stamp, content
//! hash, place and checksum). The index is read when the cache is opened; entries are read one by one as files
//! are met, with positioned reads, so the cache is never held in memory whole. A run that
//! extracted any file writes a new cache and renames it over the old one, so a reader never
//! sees half a file and concurrent runs leave one or the other.

use crate::extract::{FileFunctions, Recognizer, name_hash};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::hash::Hasher;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The first bytes of a cache file.
const MAGIC: &[u8; 16] = b"callcheck-cache\n";

/// The version of the layout and of the encoding of entries; a change makes old caches misses.
const FORMAT: u32 = 4;

/// The header: magic, fingerprint, index offset.
const HEADER_LEN: u64 = 16 + 8 + 8;

/// How many caches (one per fingerprint) are kept for one walk: the ones used last.
pub const KEPT_PER_WALK: usize = 4;

/// How recently a file may have been modified and still be stored: a file changed twice within
/// one tick of the file system's clock keeps its stamp, so a young file is read again next time.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

/// What identifies a file's version on disk without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    size: u64,
    /// Modification time, in nanoseconds since the Unix epoch.
    modified: i128,
    /// Inode number (a file replaced by a rename gets a new one).
    inode: u64,
}

impl Stamp {
    /// The stamp of the file at `path`, or `None` if it cannot be statted.
    pub fn of(path: &Path) -> Option<Stamp> {
        let metadata = std::fs::metadata(path).ok()?;
        Some(Stamp {
            size: metadata.len(),
            modified: i128::from(metadata.mtime()) * 1_000_000_000
                + i128::from(metadata.mtime_nsec()),
            inode: metadata.ino(),
        })
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// True if the file was modified less than [`RACY_WINDOW`] before `now`, or in its future.
    fn is_racy(&self, now: SystemTime) -> bool {
        let now = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as i128);
        self.modified > now - RACY_WINDOW.as_nanos() as i128
    }
}

/// Where one file's entry is, and what it must match.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    /// The [`content_hash`] of the file's bytes.
    content: u128,
    offset: u64,
    len: u64,
    checksum: u64,
}

/// The hash of a file's bytes that an entry is matched by when the file's stamp changed: XXH3's
/// 128-bit form, so that two versions of a file share a hash by chance with odds of 2^-128.
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// The cache as it was on disk when the run started.
struct Stored {
    file: File,
    /// Each path's entry, and what this run found it to be ([`UNSEEN`], [`TAKEN`], [`STALE`]).
    entries: FxHashMap<String, (Entry, AtomicU8)>,
    /// The new stamps of entries taken by their content: written into the new cache's index.
    restamped: Mutex<FxHashMap<String, Stamp>>,
}

impl Stored {
    /// True if an entry did not match its file, or takes a new stamp: the cache is rewritten.
    fn outdated(&self) -> bool {
        let restamped = self.restamped.lock().unwrap_or_else(|p| p.into_inner());
        !restamped.is_empty()
            || self
                .entries
                .values()
                .any(|(_, state)| state.load(Ordering::Relaxed) == STALE)
    }
}

/// A stored entry this run has not looked up.
const UNSEEN: u8 = 0;

/// A stored entry this run took: its file exists and is unchanged.
const TAKEN: u8 = 1;

/// A stored entry that did not match its file, or did not read back.
const STALE: u8 = 2;

/// The new cache file, which this run writes as it extracts files: a header, then the entries
/// extracted, in the order they came.
#[derive(Default)]
struct Fresh {
    file: Option<tempfile::NamedTempFile>,
    /// Bytes written, header included.
    written: u64,
    entries: Vec<(String, Entry)>,
    /// The first write error: storing stops there.
    error: Option<String>,
}

impl Fresh {
    /// The new cache file, made with its header (its index offset still 0) when first needed.
    fn file(&mut self, path: &Path, fingerprint: u64) -> io::Result<&mut File> {
        if self.file.is_none() {
            let mut file =
                tempfile::NamedTempFile::new_in(path.parent().unwrap_or(Path::new(".")))?;
            let mut header = Vec::with_capacity(HEADER_LEN as usize);
            header.extend_from_slice(MAGIC);
            header.extend_from_slice(&fingerprint.to_le_bytes());
            header.extend_from_slice(&0u64.to_le_bytes());
            file.write_all(&header)?;
            self.written = HEADER_LEN;
            self.file = Some(file);
        }
        Ok(self
            .file
            .as_mut()
            .map(|file| file.as_file_mut())
            .unwrap_or_else(|| unreachable!()))
    }

    /// Appends `bytes` as `path`'s entry, with `stamp` and the hash of the file's `content`.
    fn append(
        &mut self,
        cache: (&Path, u64),
        path: String,
        (stamp, content): (Stamp, u128),
        bytes: &[u8],
    ) -> io::Result<()> {
        let file = self.file(cache.0, cache.1)?;
        file.write_all(bytes)?;
        let offset = self.written;
        self.written += bytes.len() as u64;
        self.entries.push((
            path,
            Entry {
                stamp,
                content,
                offset,
                len: bytes.len() as u64,
                checksum: name_hash(bytes),
            },
        ));
        Ok(())
    }
}

/// What a run did with the cache, for `--stats` and warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheReport {
    /// The cache file.
    pub path: PathBuf,
    /// Files taken from the cache.
    pub hits: usize,
    /// Of those, the files whose stamp had changed but whose bytes had not.
    pub content_hits: usize,
    /// Files stored in it after being read and extracted.
    pub stored: usize,
    /// Why the cache could not be read or written, if it could not: the run went on without.
    pub problem: Option<String>,
}

/// An open extraction cache, shared by the threads that read files.
pub struct FileCache {
    path: PathBuf,
    fingerprint: u64,
    stored: Option<Stored>,
    fresh: Mutex<Fresh>,
    hits: AtomicUsize,
    content_hits: AtomicUsize,
    /// Why the stored cache was not used, if it exists but could not be.
    problem: Option<String>,
}

impl FileCache {
    /// Opens the cache in `dir` for a walk identified by `scope` (its roots and working
    /// directory, say), for entries extracted under `fingerprint`. A missing cache, or one
    /// with another fingerprint, starts empty; one that cannot be read starts empty with a
    /// problem to report. Fails only if `dir` cannot be created.
    pub fn open(dir: &Path, scope: &str, fingerprint: u64) -> io::Result<FileCache> {
        std::fs::create_dir_all(dir)?;
        let walk = format!("{:016x}", name_hash(scope.as_bytes()));
        let path = dir.join(format!("{walk}-{fingerprint:016x}.cache"));
        let (stored, problem) = match File::open(&path) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => (None, None),
            Err(error) => (
                None,
                Some(format!("cannot read {}: {error}", path.display())),
            ),
            Ok(file) => match read_index(file, fingerprint) {
                Ok(stored) => (stored, None),
                Err(error) => (
                    None,
                    Some(format!(
                        "{} is damaged ({error}); it is rebuilt",
                        path.display()
                    )),
                ),
            },
        };
        Ok(FileCache {
            path,
            fingerprint,
            stored,
            fresh: Mutex::new(Fresh::default()),
            hits: AtomicUsize::new(0),
            content_hits: AtomicUsize::new(0),
            problem,
        })
    }

    /// The entry of the file at `path` if it has `stamp`, read with `buffer`; `None` if there is
    /// none or it does not match, decode or pass its checksum. A stamp that does not match
    /// leaves the entry to [`FileCache::lookup_content`], once the file is read.
    pub fn lookup(&self, path: &str, stamp: Stamp, buffer: &mut Vec<u8>) -> Option<FileFunctions> {
        let stored = self.stored.as_ref()?;
        let (entry, state) = stored.entries.get(path)?;
        if entry.stamp != stamp {
            return None;
        }
        self.take(stored, (entry, state), buffer)
    }

    /// The entry of the file at `path`, whose bytes hash to `content` (and which was statted as
    /// `stamp`, if it could be, before it was read), read with `buffer`; `None` if there is none
    /// or it was stored for other bytes, or does not decode or pass its checksum. An entry
    /// taken this way gets the new stamp, unless that is too recent to trust.
    pub fn lookup_content(
        &self,
        path: &str,
        (stamp, content): (Option<Stamp>, u128),
        buffer: &mut Vec<u8>,
    ) -> Option<FileFunctions> {
        let stored = self.stored.as_ref()?;
        let (entry, state) = stored.entries.get(path)?;
        if entry.content != content {
            state.store(STALE, Ordering::Relaxed);
            return None;
        }
        let functions = self.take(stored, (entry, state), buffer)?;
        self.content_hits.fetch_add(1, Ordering::Relaxed);
        if let Some(stamp) = stamp.filter(|stamp| !stamp.is_racy(SystemTime::now())) {
            let mut restamped = stored.restamped.lock().unwrap_or_else(|p| p.into_inner());
            restamped.insert(path.to_string(), stamp);
        }
        Some(functions)
    }

    /// The functions of a stored entry that matches its file, read with `buffer` and counted as
    /// taken; `None`, and the entry stale, if they do not pass the checksum or decode.
    fn take(
        &self,
        stored: &Stored,
        (entry, state): (&Entry, &AtomicU8),
        buffer: &mut Vec<u8>,
    ) -> Option<FileFunctions> {
        let Some(functions) = read_entry(&stored.file, entry, buffer) else {
            state.store(STALE, Ordering::Relaxed);
            return None;
        };
        self.hits.fetch_add(1, Ordering::Relaxed);
        state.store(TAKEN, Ordering::Relaxed);
        Some(functions)
    }

    /// Stores what extraction found in the file at `path`, whose bytes hash to `content` and
    /// which was statted as `stamp` before it was read, unless it was modified too recently to
    /// be trusted (see [`RACY_WINDOW`]).
    pub fn store(&self, path: &str, (stamp, content): (Stamp, u128), functions: &FileFunctions) {
        if stamp.is_racy(SystemTime::now()) {
            return;
        }
        let bytes = match bincode::serde::encode_to_vec(functions, bincode::config::standard()) {
            Ok(bytes) => bytes,
            Err(_) => return,
        };
        let mut fresh = self.fresh.lock().unwrap_or_else(|p| p.into_inner());
        if fresh.error.is_some() {
            return;
        }
        let appended = fresh.append(
            (&self.path, self.fingerprint),
            path.to_string(),
            (stamp, content),
            &bytes,
        );
        if let Err(error) = appended {
            fresh.error = Some(format!("cannot write in the cache directory: {error}"));
        }
    }

    /// Writes the cache back if this run changed it, and says what the run did with it.
    pub fn finish(self) -> CacheReport {
        let fresh = self.fresh.into_inner().unwrap_or_else(|p| p.into_inner());
        let outdated = self.stored.as_ref().is_some_and(Stored::outdated);
        let mut report = CacheReport {
            path: self.path.clone(),
            hits: self.hits.into_inner(),
            content_hits: self.content_hits.into_inner(),
            stored: fresh.entries.len(),
            problem: self.problem.or(fresh.error.clone()),
        };
        let changed = !fresh.entries.is_empty() || outdated || self.stored.is_none();
        if !changed {
            // Marked as used, so that pruning the walk's other caches keeps it.
            if let Some(stored) = &self.stored {
                let _ = stored.file.set_modified(SystemTime::now());
            }
            return report;
        }
        if fresh.error.is_none() {
            match write_cache(&self.path, self.fingerprint, self.stored, fresh) {
                Ok(()) => prune_walk(&self.path),
                Err(error) => {
                    report.stored = 0;
                    report.problem = Some(format!("cannot write {}: {error}", self.path.display()));
                }
            }
        }
        report
    }
}

/// A fingerprint of what extraction depends on besides a file's bytes: the cache format, this
/// binary, and `recognizer` (its `Debug` form lists every setting it holds).
pub fn fingerprint(recognizer: &Recognizer) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write_u32(FORMAT);
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    if let Some(stamp) = std::env::current_exe().ok().and_then(|exe| Stamp::of(&exe)) {
        hasher.write_u64(stamp.size);
        hasher.write_i128(stamp.modified);
    }
    hasher.write(format!("{recognizer:?}").as_bytes());
    hasher.finish()
}

/// The default cache directory: `$CALLCHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/callcheck`, else
/// `$HOME/.cache/callcheck`; `None` if none of these is set.
pub fn default_dir() -> Option<PathBuf> {
    let var = |name| std::env::var_os(name).filter(|value| !value.is_empty());
    var("CALLCHECK_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| var("XDG_CACHE_HOME").map(|dir| PathBuf::from(dir).join("callcheck")))
        .or_else(|| var("HOME").map(|dir| PathBuf::from(dir).join(".cache/callcheck")))
}

/// Reads the header and index of the cache in `file`: `None` if its fingerprint is another.
fn read_index(mut file: File, fingerprint: u64) -> Result<Option<Stored>, String> {
    let mut header = [0u8; HEADER_LEN as usize];
    file.read_exact(&mut header)
        .map_err(|_| "too short".to_string())?;
    if &header[..16] != MAGIC {
        return Err("not a callcheck cache".to_string());
    }
    let word = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().unwrap_or_default());
    if word(16) != fingerprint {
        return Ok(None);
    }
    let index_offset = word(24);
    if index_offset < HEADER_LEN {
        return Err("it was never finished".to_string());
    }
    file.seek(SeekFrom::Start(index_offset))
        .map_err(|error| error.to_string())?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|error| error.to_string())?;
    let (index, _): (Vec<(String, Entry)>, usize) =
        bincode::serde::decode_from_slice(&bytes, bincode::config::standard())
            .map_err(|_| "its index does not decode".to_string())?;
    // An entry must lie between the header and the index: one that does not would be read
    // into a buffer of any size.
    let inside = |entry: &Entry| {
        entry.offset >= HEADER_LEN
            && entry
                .offset
                .checked_add(entry.len)
                .is_some_and(|end| end <= index_offset)
    };
    if !index.iter().all(|(_, entry)| inside(entry)) {
        return Err("its index points outside it".to_string());
    }
    let entries = index
        .into_iter()
        .map(|(path, entry)| (path, (entry, AtomicU8::new(UNSEEN))))
        .collect();
    Ok(Some(Stored {
        file,
        entries,
        restamped: Mutex::default(),
    }))
}

/// The functions of `entry`, read from `file` into `buffer`, if they pass the checksum and
/// decode.
fn read_entry(file: &File, entry: &Entry, buffer: &mut Vec<u8>) -> Option<FileFunctions> {
    buffer.clear();
    buffer.resize(usize::try_from(entry.len).ok()?, 0);
    file.read_exact_at(buffer, entry.offset).ok()?;
    if name_hash(buffer) != entry.checksum {
        return None;
    }
    let (functions, read) =
        bincode::serde::decode_from_slice(buffer, bincode::config::standard()).ok()?;
    (read == buffer.len()).then_some(functions)
}

/// Finishes the new cache and renames it over `path`: after the fresh entries, the stored ones
/// still valid (not found stale, not extracted again, and of files that still exist), then the
/// index.
fn write_cache(
    path: &Path,
    fingerprint: u64,
    stored: Option<Stored>,
    mut fresh: Fresh,
) -> io::Result<()> {
    fresh.file(path, fingerprint)?;
    let mut offset = fresh.written;
    let mut index = std::mem::take(&mut fresh.entries);
    let Some(mut out) = fresh.file else {
        unreachable!("made above")
    };
    if let Some(stored) = stored {
        let restamped = stored
            .restamped
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        let replaced: FxHashSet<&str> = index.iter().map(|(p, _)| p.as_str()).collect();
        let mut kept: Vec<(String, Entry)> = stored
            .entries
            .into_iter()
            .filter(|(path, (_, state))| match state.load(Ordering::Relaxed) {
                TAKEN => true,
                // Not met by this run's walk: kept while its file exists.
                UNSEEN => !replaced.contains(path.as_str()) && Path::new(path).exists(),
                _ => false,
            })
            .map(|(path, (entry, _))| (path, entry))
            .collect();
        kept.sort_by_key(|(_, entry)| entry.offset);
        // Entries that lie end to end are copied as one run: after a small change, the whole
        // cache but a few entries is a handful of runs.
        let mut run = 0..0;
        for (path, mut entry) in kept {
            if let Some(&stamp) = restamped.get(&path) {
                entry.stamp = stamp;
            }
            if entry.offset != run.end {
                copy_range(&stored.file, run, out.as_file_mut())?;
                run = entry.offset..entry.offset;
            }
            run.end += entry.len;
            entry.offset = offset;
            offset += entry.len;
            index.push((path, entry));
        }
        copy_range(&stored.file, run, out.as_file_mut())?;
    }
    let bytes = bincode::serde::encode_to_vec(&index, bincode::config::standard())
        .map_err(io::Error::other)?;
    out.write_all(&bytes)?;
    out.seek(SeekFrom::Start(16 + 8))?;
    out.write_all(&offset.to_le_bytes())?;
    out.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Deletes the caches of the walk that `path` (named `WALK-FINGERPRINT.cache`) serves beyond the
/// [`KEPT_PER_WALK`] used last, and any left by an older version (named `WALK.cache`). A cache
/// that cannot be listed or deleted is left: it only takes room.
fn prune_walk(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return;
    };
    let Some((walk, _)) = name.split_once('-') else {
        return;
    };
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    let old_layout = format!("{walk}.cache");
    let mut others: Vec<(SystemTime, PathBuf)> = Vec::new();
    for entry in listing.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let of_walk = name
            .strip_prefix(walk)
            .is_some_and(|rest| rest.starts_with('-'));
        if name == old_layout {
            let _ = std::fs::remove_file(entry.path());
        } else if of_walk && name.ends_with(".cache") && entry.path() != path {
            let used = entry.metadata().and_then(|m| m.modified());
            others.push((used.unwrap_or(UNIX_EPOCH), entry.path()));
        }
    }
    // The ones used last first; the one just written is kept besides them.
    others.sort_by(|a, b| b.cmp(a));
    for (_, cache) in others.into_iter().skip(KEPT_PER_WALK - 1) {
        let _ = std::fs::remove_file(cache);
    }
}

/// Appends the bytes `range` of `from` to `to` (the kernel copies them, where it can).
fn copy_range(mut from: &File, range: std::ops::Range<u64>, to: &mut File) -> io::Result<()> {
    if range.is_empty() {
        return Ok(());
    }
    from.seek(SeekFrom::Start(range.start))?;
    let len = range.end - range.start;
    if io::copy(&mut from.take(len), to)? != len {
        return Err(io::Error::other("the old cache ended early"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;

    /// A recognizer of the default preset.
    fn recognizer() -> Recognizer {
        let config = crate::config::preset(crate::config::DEFAULT_PRESET).unwrap();
        config.recognizer(config.edges)
    }

    /// Writes `text` at `path`, an hour old.
    fn write_old(path: &Path, text: &str) -> Stamp {
        std::fs::write(path, text).unwrap();
        let file = File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        Stamp::of(path).unwrap()
    }

    /// The paths a cache in `dir` holds entries for, sorted.
    fn stored_paths(dir: &Path) -> Vec<String> {
        let cache = FileCache::open(dir, "scope", 7).unwrap();
        let mut paths: Vec<String> = cache.stored.unwrap().entries.into_keys().collect();
        paths.sort();
        paths
    }

    #[test]
    fn entries_come_back_equal_and_deleted_files_leave_at_the_next_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let recognizer = recognizer();
        let file = |name: &str| dir.path().join(name).display().to_string();
        let texts = [
            ("a.c", "void a(void) { GLOBAL_STATE_CODE(); b(); }"),
            ("b.c", "static int b(void) { return c(1) + a(); }"),
        ];
        let cache = FileCache::open(&dir.path().join("cache"), "scope", 7).unwrap();
        let mut stamps = Vec::new();
        for (name, text) in texts {
            let stamp = write_old(Path::new(&file(name)), text);
            let content = content_hash(text.as_bytes());
            let functions = extract(text.as_bytes(), &recognizer);
            cache.store(&file(name), (stamp, content), &functions);
            stamps.push(stamp);
        }
        assert_eq!(cache.finish().stored, 2);
        let cache_dir = dir.path().join("cache");
        assert_eq!(stored_paths(&cache_dir), [file("a.c"), file("b.c")]);

        // A second run takes both back as they were extracted.
        let cache = FileCache::open(&cache_dir, "scope", 7).unwrap();
        let mut buffer = Vec::new();
        for ((name, text), stamp) in texts.iter().zip(&stamps) {
            let back = cache.lookup(&file(name), *stamp, &mut buffer);
            assert_eq!(back, Some(extract(text.as_bytes(), &recognizer)));
        }
        // Another stamp is a miss.
        let newer = Stamp {
            size: stamps[0].size + 1,
            ..stamps[0]
        };
        assert_eq!(cache.lookup(&file("a.c"), newer, &mut buffer), None);
        cache.finish();

        // b.c is deleted; a.c changes, so the cache is rewritten without b.c.
        std::fs::remove_file(file("b.c")).unwrap();
        let cache = FileCache::open(&cache_dir, "scope", 7).unwrap();
        let text = "void a(void) { GLOBAL_STATE_CODE(); }";
        let stamp = write_old(Path::new(&file("a.c")), text);
        assert_eq!(cache.lookup(&file("a.c"), stamp, &mut buffer), None);
        let functions = extract(text.as_bytes(), &recognizer);
        cache.store(
            &file("a.c"),
            (stamp, content_hash(text.as_bytes())),
            &functions,
        );
        cache.finish();
        assert_eq!(stored_paths(&cache_dir), [file("a.c")]);

        // Another fingerprint sees no entry.
        let other = FileCache::open(&cache_dir, "scope", 8).unwrap();
        assert!(other.stored.is_none());
    }

    #[test]
    fn a_new_stamp_over_the_same_bytes_is_taken_by_content_and_restamped() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = dir.path().join("cache");
        let recognizer = recognizer();
        let path = dir.path().join("a.c");
        let name = path.display().to_string();
        let text = "void a(void) { GLOBAL_STATE_CODE(); b(); }";
        let stamp = write_old(&path, text);
        let content = content_hash(text.as_bytes());
        let functions = extract(text.as_bytes(), &recognizer);
        let cache = FileCache::open(&cache_dir, "scope", 7).unwrap();
        cache.store(&name, (stamp, content), &functions);
        cache.finish();

        // Written again with the same bytes: a new stamp, and a miss on it alone.
        let file = File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(60))
            .unwrap();
        let new = Stamp::of(&path).unwrap();
        assert_ne!(new, stamp);
        let mut buffer = Vec::new();
        let cache = FileCache::open(&cache_dir, "scope", 7).unwrap();
        assert_eq!(cache.lookup(&name, new, &mut buffer), None);
        let taken = cache.lookup_content(&name, (Some(new), content), &mut buffer);
        assert_eq!(taken, Some(functions.clone()));
        let report = cache.finish();
        assert_eq!((report.hits, report.content_hits, report.stored), (1, 1, 0));

        // The rewritten cache holds the new stamp: the next run takes it on the stamp alone.
        let cache = FileCache::open(&cache_dir, "scope", 7).unwrap();
        assert_eq!(cache.lookup(&name, new, &mut buffer), Some(functions));
        assert_eq!(cache.lookup(&name, stamp, &mut buffer), None);
        // Other bytes do not match, and their entry is dropped.
        let cache = FileCache::open(&cache_dir, "scope", 7).unwrap();
        let other = content_hash(b"void a(void) {}");
        let taken = cache.lookup_content(&name, (Some(new), other), &mut buffer);
        assert_eq!(taken, None);
        assert_eq!(cache.finish().content_hits, 0);
        assert!(stored_paths(&cache_dir).is_empty());
    }

    #[test]
    fn a_walk_keeps_the_caches_it_used_last() {
        let dir = tempfile::tempdir().unwrap();
        let walk = format!("{:016x}", name_hash(b"scope"));
        // A cache of an older version, and one of another walk, which is not touched.
        let old = dir.path().join(format!("{walk}.cache"));
        let other_walk = dir.path().join("0123456789abcdef-0000000000000001.cache");
        std::fs::write(&old, "old").unwrap();
        std::fs::write(&other_walk, "other").unwrap();
        let names = || {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let cache_of = |fingerprint: u64| format!("{walk}-{fingerprint:016x}.cache");
        // Six configurations in turn, each used a second later than the one before.
        for fingerprint in 1..=6u64 {
            let cache = FileCache::open(dir.path(), "scope", fingerprint).unwrap();
            cache.finish();
            let path = dir.path().join(cache_of(fingerprint));
            let file = File::options().write(true).open(&path).unwrap();
            let used = SystemTime::now() - Duration::from_secs(100 - fingerprint);
            file.set_modified(used).unwrap();
        }
        let mut expected: Vec<String> = (3..=6).map(cache_of).collect();
        expected.push("0123456789abcdef-0000000000000001.cache".to_string());
        expected.sort();
        assert_eq!(names(), expected);
        // Using the oldest kept one marks it used: a new one then drops the next oldest.
        FileCache::open(dir.path(), "scope", 3).unwrap().finish();
        FileCache::open(dir.path(), "scope", 7).unwrap().finish();
        let mut expected: Vec<String> = [3, 5, 6, 7].map(cache_of).to_vec();
        expected.push("0123456789abcdef-0000000000000001.cache".to_string());
        expected.sort();
        assert_eq!(names(), expected);
    }

    #[test]
    fn an_index_that_points_outside_the_cache_is_damage_not_a_huge_read() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FileCache::open(dir.path(), "scope", 3).unwrap();
        let path = cache.path.clone();
        let stamp = Stamp {
            size: 1,
            modified: 0,
            inode: 1,
        };
        let write = |entry: Entry, index_offset: u64| {
            let mut bytes = MAGIC.to_vec();
            bytes.extend_from_slice(&3u64.to_le_bytes());
            bytes.extend_from_slice(&index_offset.to_le_bytes());
            let index = vec![("a.c".to_string(), entry)];
            let config = bincode::config::standard();
            bytes.extend(bincode::serde::encode_to_vec(&index, config).unwrap());
            std::fs::write(&path, bytes).unwrap();
        };
        let huge = Entry {
            stamp,
            content: 0,
            offset: HEADER_LEN,
            len: u64::MAX / 2,
            checksum: 0,
        };
        write(huge, HEADER_LEN);
        let problem = FileCache::open(dir.path(), "scope", 3).unwrap().problem;
        assert!(problem.unwrap().contains("points outside it"));
        write(Entry { len: 0, ..huge }, 0);
        let problem = FileCache::open(dir.path(), "scope", 3).unwrap().problem;
        assert!(problem.unwrap().contains("never finished"));
        // An empty entry at the index is inside: the cache opens.
        write(Entry { len: 0, ..huge }, HEADER_LEN);
        let opened = FileCache::open(dir.path(), "scope", 3).unwrap();
        assert_eq!(opened.problem, None);
        assert_eq!(opened.lookup("a.c", stamp, &mut Vec::new()), None);
    }

    #[test]
    fn a_file_modified_in_the_racy_window_is_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("young.c");
        std::fs::write(&path, "void f(void) {}").unwrap();
        let cache = FileCache::open(&dir.path().join("cache"), "scope", 1).unwrap();
        let stamp = Stamp::of(&path).unwrap();
        cache.store(
            &path.display().to_string(),
            (stamp, content_hash(b"void f(void) {}")),
            &FileFunctions::default(),
        );
        assert_eq!(cache.finish().stored, 0);
        assert!(stamp.is_racy(SystemTime::now()));
        let old = SystemTime::now() + RACY_WINDOW + Duration::from_secs(1);
        assert!(!stamp.is_racy(old));
    }
}
