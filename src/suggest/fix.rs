//! Edits written into the files in place.
//!
//! Each file is written whole to a temporary file in its own directory, given the original's
//! permissions, and renamed over it, so a reader sees the old or the new file, never half of
//! one. A file is written only where it really lives inside one of the trees given (its
//! canonical path is a given file, or under a given directory): a symbolic link is written
//! through only if its target is inside too, and the link itself stays a link. A file that
//! changed since it was read is left alone.

use super::edits::FileEdit;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What applying edits did.
#[derive(Debug, Default)]
pub struct Applied {
    /// The files written, as the edits name them.
    pub written: Vec<String>,
    /// The files not written, each with why.
    pub refused: Vec<String>,
}

/// Writes `edits` into their files, which must lie inside `roots` (files or directories).
pub fn apply(edits: &[FileEdit], roots: &[PathBuf]) -> Applied {
    let roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| fs::canonicalize(r).ok())
        .collect();
    let mut applied = Applied::default();
    for edit in edits {
        match write_one(edit, &roots) {
            Ok(()) => applied.written.push(edit.path.clone()),
            Err(why) => applied.refused.push(format!("{}: {why}", edit.path)),
        }
    }
    applied
}

/// True if `target` (canonical) is one of `roots` or inside a directory among them.
fn inside(target: &Path, roots: &[PathBuf]) -> bool {
    roots
        .iter()
        .any(|root| target == root || (root.is_dir() && target.starts_with(root)))
}

fn write_one(edit: &FileEdit, roots: &[PathBuf]) -> Result<(), String> {
    let target = fs::canonicalize(&edit.path).map_err(|e| e.to_string())?;
    if !inside(&target, roots) {
        return Err(format!(
            "not written: it lies outside the tree given ({})",
            target.display()
        ));
    }
    let current = fs::read(&target).map_err(|e| e.to_string())?;
    if current != edit.original {
        return Err("not written: it changed since it was read".into());
    }
    let metadata = fs::metadata(&target).map_err(|e| e.to_string())?;
    let directory = target.parent().ok_or("no parent directory")?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".callcheck-fix")
        .tempfile_in(directory)
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    temporary
        .write_all(&edit.edited())
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|e| format!("cannot write: {e}"))?;
    fs::set_permissions(temporary.path(), metadata.permissions())
        .map_err(|e| format!("cannot keep the mode: {e}"))?;
    temporary
        .persist(&target)
        .map_err(|e| format!("cannot rename into place: {}", e.error))?;
    Ok(())
}
