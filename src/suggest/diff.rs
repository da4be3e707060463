//! Edits to a unified diff that `git apply` and `patch -p1` accept.
//!
//! The diff itself comes from the `similar` crate (line diff, three lines of context); this
//! module names the files `a/PATH` and `b/PATH`, relative to the current directory, and keeps
//! each line's ending as the file has it, so a CRLF file gets a CRLF patch.

use super::edits::FileEdit;
use similar::TextDiff;
use std::io::{self, Write};
use std::path::Path;

/// Writes the unified diff of `edits` to `out`.
pub fn write(out: &mut dyn Write, edits: &[FileEdit]) -> io::Result<()> {
    for edit in edits {
        let edited = edit.edited();
        let diff = TextDiff::from_lines(edit.original.as_slice(), edited.as_slice());
        let path = patch_path(&edit.path);
        let mut unified = diff.unified_diff();
        unified
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"));
        out.write_all(format!("diff --git a/{path} b/{path}\n").as_bytes())?;
        unified.to_writer(&mut *out)?;
    }
    Ok(())
}

/// `path` as a patch names it: relative to the current directory where it is under it,
/// without a leading `./`.
fn patch_path(path: &str) -> String {
    let as_path = Path::new(path);
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| as_path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| as_path.to_path_buf());
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}
