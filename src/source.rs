//! Finding and reading the C files to check.
//!
//! Directories are walked with the `ignore` crate on several threads: `.gitignore` files are
//! respected (whether or not the tree is a git checkout), hidden files and directories are
//! skipped, symbolic links are not followed, and only `*.c` and `*.h` files are taken. A file
//! named on the command line is always read, whatever its name. Each file is read and extracted
//! by the thread that found it and its bytes are dropped right after, so memory holds the
//! extracted definitions, never the whole tree.

use crate::extract::{Extractor, FileFunctions, Markers};
use ignore::{WalkBuilder, WalkState};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One file that was read, with what was extracted from it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as reached from the argument given (`dir/sub/a.c` for the argument `dir`).
    pub path: String,
    /// Its function definitions.
    pub functions: FileFunctions,
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

/// True for the files a directory walk takes.
fn is_c_source(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("c" | "h"))
}

/// Walks `paths`, reads every C file found and extracts its definitions on `threads` threads.
/// The result does not depend on the number of threads.
pub fn read_sources(paths: &[PathBuf], threads: usize, markers: &Markers) -> Sources {
    let new_reader = || Reader {
        extractor: Extractor::new(markers),
        buffer: Vec::new(),
    };
    let (mut files, mut errors) = walk_and_read(paths, threads, new_reader, Reader::read);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    Sources { files, errors }
}

/// Walks and reads the files [`read_sources`] would, extracting nothing: the cost floor of a
/// run, for benchmarks. Returns the number of files and of bytes read.
pub fn read_only(paths: &[PathBuf], threads: usize) -> (usize, u64) {
    let read = |buffer: &mut Vec<u8>, path: &Path| {
        buffer.clear();
        match File::open(path).and_then(|mut file| file.read_to_end(buffer)) {
            Ok(len) => Ok(len as u64),
            Err(error) => Err(ReadError {
                path: path.display().to_string(),
                reason: error.to_string(),
            }),
        }
    };
    let (sizes, _) = walk_and_read(paths, threads, Vec::new, read);
    (sizes.len(), sizes.iter().sum())
}

/// Walks `paths` on `threads` threads and calls `read` on every file to take, with state that
/// each thread makes with `new_state` and keeps; returns what `read` returned, in no order.
fn walk_and_read<S: Send, T: Send>(
    paths: &[PathBuf],
    threads: usize,
    new_state: impl Fn() -> S + Sync,
    read: impl Fn(&mut S, &Path) -> Result<T, ReadError> + Sync,
) -> (Vec<T>, Vec<ReadError>) {
    let Some((first, rest)) = paths.split_first() else {
        return (Vec::new(), Vec::new());
    };
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    builder
        .threads(threads.max(1))
        .require_git(false)
        .follow_links(false);
    let found = Mutex::new((Vec::new(), Vec::new()));
    builder.build_parallel().run(|| {
        let (found, read) = (&found, &read);
        let mut state = new_state();
        Box::new(move |entry| {
            let outcome = match entry {
                Ok(entry) => {
                    let named = entry.depth() == 0;
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    (is_file && (named || is_c_source(entry.path())))
                        .then(|| read(&mut state, entry.path()))
                }
                Err(error) => Some(Err(walk_error(&error))),
            };
            if let Some(outcome) = outcome {
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

/// One thread's means of reading files: its extractor and a read buffer, both reused.
struct Reader<'m> {
    extractor: Extractor<'m>,
    buffer: Vec<u8>,
}

impl Reader<'_> {
    fn read(&mut self, path: &Path) -> Result<SourceFile, ReadError> {
        self.buffer.clear();
        let read = File::open(path).and_then(|mut file| file.read_to_end(&mut self.buffer));
        match read {
            Ok(_) => Ok(SourceFile {
                functions: self.extractor.extract(&self.buffer),
                path: path.display().to_string(),
            }),
            Err(error) => Err(ReadError {
                path: path.display().to_string(),
                reason: error.to_string(),
            }),
        }
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
