//! Which violations a change touches: those whose function, or any function on whose path, is
//! defined in the changed files. The whole tree is still read, so a hook on a few staged files
//! sees the whole call graph.

use crate::check::Violation;
use crate::error::Error;
use crate::graph::Graph;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files changed since the git revision `rev` (committed, staged or not) in the git
/// repository that holds `path` (a file or directory checked), as paths callcheck can open
/// from the current directory. Git runs in that repository, not in the current directory.
pub fn changed_since(rev: &str, path: &Path) -> Result<Vec<PathBuf>, Error> {
    let dir = match path.is_dir() {
        true => path,
        false => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    };
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| Error::Git(format!("--changed-since: cannot run git: {e}")))
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(Error::Git(format!(
            "--changed-since needs a git repository, and {} is not in one",
            dir.display()
        )));
    }
    let top = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim_end_matches('\n'));
    let output = git(&["diff", "--name-only", "-z", rev, "--"])?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        let first = message.lines().next().unwrap_or("").trim();
        return Err(Error::Git(format!("git diff {rev} failed: {first}")));
    }
    // `git diff` names files relative to the repository's top.
    Ok(output
        .stdout
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| top.join(String::from_utf8_lossy(name).as_ref()))
        .collect())
}

/// Tells whether a violation touches a set of files. Paths are compared after resolving them,
/// so `./a.c`, `a.c` and `/abs/a.c` are one file.
pub struct FileFilter {
    changed: HashSet<PathBuf>,
    /// Whether each graph file (by index) is one of the changed files, resolved once.
    known: HashMap<u32, bool>,
}

impl FileFilter {
    /// A filter for `files`; files that do not exist (deleted by the change) are left out.
    pub fn new(files: &[PathBuf]) -> FileFilter {
        FileFilter {
            changed: files.iter().filter_map(|f| resolve(f)).collect(),
            known: HashMap::new(),
        }
    }

    /// True if `violation`'s function or any step of its path is defined in a changed file.
    pub fn touches(&mut self, graph: &Graph, violation: &Violation) -> bool {
        let mut hit = false;
        for node in violation.nodes() {
            let file = graph.function(node).file;
            let changed = &self.changed;
            let is_changed = *self.known.entry(file).or_insert_with(|| {
                resolve(Path::new(graph.file_of(node))).is_some_and(|p| changed.contains(&p))
            });
            hit |= is_changed;
        }
        hit
    }
}

fn resolve(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}
