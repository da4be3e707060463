//! Edits to a unified diff that `git apply` and `patch -p1` accept.
//!
//! The edits are insertions at known places, so the changed lines are known too: each hunk is
//! made from them, with three lines of context, and hunks whose context would touch are joined,
//! as `diff -u` does. (A general line diff of the whole file, as the `similar` crate made,
//! took 50 s for a file with 50,000 suggestions.) Files are named `a/PATH` and `b/PATH`,
//! relative to the current directory, and each line keeps its ending as the file has it, so a
//! CRLF file gets a CRLF patch.

use super::edits::FileEdit;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Writes the unified diff of `edits` to `out`.
pub fn write(out: &mut dyn Write, edits: &[FileEdit]) -> io::Result<()> {
    for edit in edits {
        let path = patch_path(&edit.path);
        out.write_all(format!("diff --git a/{path} b/{path}\n").as_bytes())?;
        let lines = lines(&edit.original);
        let changes = changed_lines(edit, &lines);
        if changes.is_empty() {
            continue;
        }
        out.write_all(format!("--- a/{path}\n+++ b/{path}\n").as_bytes())?;
        // Lines the new file has gained before the hunk being written.
        let mut gained: isize = 0;
        for hunk in hunks(&changes) {
            gained += write_hunk(out, &edit.original, &lines, hunk, gained)?;
        }
    }
    Ok(())
}

/// A run of consecutive lines of the old file that the edits change, and what replaces them.
struct Change {
    /// The old lines, by index (an empty range at the end for text added after the last line).
    old: Range<usize>,
    /// The new text of those lines.
    new: Vec<u8>,
}

/// The byte range of each line of `text`, its line ending included.
fn lines(text: &[u8]) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive(|&b| b == b'\n') {
        lines.push(start..start + line.len());
        start += line.len();
    }
    lines
}

/// The runs of lines `edit` changes, in order; `lines` are its original's.
fn changed_lines(edit: &FileEdit, lines: &[Range<usize>]) -> Vec<Change> {
    let text = &edit.original;
    let mut changes: Vec<Change> = Vec::new();
    let mut insertions = edit.insertions.iter().peekable();
    while let Some(first) = insertions.next() {
        // The line the insertion falls in: one at the end of a last line without a line ending
        // is in that line; one after a last line that has one adds text after it.
        let mut index = lines.partition_point(|line| line.end <= first.offset);
        if index == lines.len() && index > 0 && !text.ends_with(b"\n") {
            index -= 1;
        }
        let line = lines.get(index).cloned().unwrap_or(text.len()..text.len());
        let mut new = text[line.start..first.offset].to_vec();
        new.extend_from_slice(first.text.as_bytes());
        let mut at = first.offset;
        let in_line = |offset: usize| offset < line.end || line.end == text.len();
        while let Some(next) = insertions.next_if(|next| in_line(next.offset)) {
            new.extend_from_slice(&text[at..next.offset]);
            new.extend_from_slice(next.text.as_bytes());
            at = next.offset;
        }
        new.extend_from_slice(&text[at..line.end]);
        let old = index..(index + 1).min(lines.len());
        match changes.last_mut() {
            Some(last) if last.old.end == index => {
                last.old.end = old.end;
                last.new.extend_from_slice(&new);
            }
            _ => changes.push(Change { old, new }),
        }
    }
    changes
        .into_iter()
        .filter_map(|change| trimmed(change, text, lines))
        .collect()
}

/// `change` without the lines it leaves as they were at its start and end (an insertion of a
/// whole line only adds that line), or `None` if it changes nothing.
fn trimmed(change: Change, text: &[u8], lines: &[Range<usize>]) -> Option<Change> {
    let old: Vec<&[u8]> = lines[change.old.clone()]
        .iter()
        .map(|line| &text[line.clone()])
        .collect();
    let new: Vec<&[u8]> = change.new.split_inclusive(|&b| b == b'\n').collect();
    let same_start = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let same_end = old[same_start..]
        .iter()
        .rev()
        .zip(new[same_start..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_range = change.old.start + same_start..change.old.end - same_end;
    let new = new[same_start..new.len() - same_end].concat();
    (!old_range.is_empty() || !new.is_empty()).then_some(Change {
        old: old_range,
        new,
    })
}

/// The changes grouped into hunks: two changes share one while at most twice the context of
/// unchanged lines lies between them.
fn hunks(changes: &[Change]) -> impl Iterator<Item = &[Change]> {
    changes.chunk_by(|a, b| b.old.start.saturating_sub(a.old.end) <= 2 * CONTEXT)
}

/// Writes one hunk of `changes` to the old file `text` (split into `lines`), whose new file
/// has gained `gained` lines before it; returns the lines the hunk gains.
fn write_hunk(
    out: &mut dyn Write,
    text: &[u8],
    lines: &[Range<usize>],
    changes: &[Change],
    gained: isize,
) -> io::Result<isize> {
    let (first, last) = (&changes[0], &changes[changes.len() - 1]);
    let start = first.old.start.saturating_sub(CONTEXT);
    let end = (last.old.end + CONTEXT).min(lines.len());
    let new_lines = |change: &Change| change.new.split_inclusive(|&b| b == b'\n').count();
    let hunk_gain: isize = changes
        .iter()
        .map(|c| new_lines(c) as isize - c.old.len() as isize)
        .sum();
    let new_start = (start as isize + gained) as usize;
    let new_end = (end as isize + gained + hunk_gain) as usize;
    writeln!(
        out,
        "@@ -{} +{} @@",
        HunkRange(start, end),
        HunkRange(new_start, new_end)
    )?;
    let mut at = start;
    for change in changes {
        for line in &lines[at..change.old.start] {
            write_line(out, b' ', &text[line.clone()])?;
        }
        for line in &lines[change.old.clone()] {
            write_line(out, b'-', &text[line.clone()])?;
        }
        for line in change.new.split_inclusive(|&b| b == b'\n') {
            write_line(out, b'+', line)?;
        }
        at = change.old.end;
    }
    for line in &lines[at..end] {
        write_line(out, b' ', &text[line.clone()])?;
    }
    Ok(hunk_gain)
}

/// Writes one line of a hunk with its tag; a line without a line ending (the last of a file)
/// is followed by the marker that says so.
fn write_line(out: &mut dyn Write, tag: u8, line: &[u8]) -> io::Result<()> {
    out.write_all(&[tag])?;
    out.write_all(line)?;
    if !line.ends_with(b"\n") {
        out.write_all(b"\n\\ No newline at end of file\n")?;
    }
    Ok(())
}

/// The lines `start..end` of one side of a hunk, as its header writes them: `first,count`, just
/// `first` for one line, and the line before for none.
struct HunkRange(usize, usize);

impl std::fmt::Display for HunkRange {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let HunkRange(start, end) = *self;
        match end - start {
            1 => write!(f, "{}", start + 1),
            0 => write!(f, "{start},0"),
            len => write!(f, "{},{len}", start + 1),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::super::edits::Insertion;
    use super::*;

    /// The patch of inserting `insertions` (offset, text) into `text`, named `f.c`.
    fn patch(text: &str, insertions: &[(usize, &str)]) -> String {
        let edit = FileEdit {
            path: "f.c".to_string(),
            original: text.as_bytes().to_vec(),
            insertions: insertions
                .iter()
                .map(|&(offset, text)| Insertion {
                    offset,
                    text: text.to_string(),
                })
                .collect(),
        };
        let mut out = Vec::new();
        write(&mut out, &[edit]).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// `count` numbered lines, `l1` to `lN`.
    fn numbered(count: usize) -> String {
        (1..=count).map(|n| format!("l{n}\n")).collect()
    }

    #[test]
    fn changes_further_apart_than_twice_the_context_get_a_hunk_each() {
        let text = numbered(20);
        let line_start = |n: usize| text.find(&format!("l{n}\n")).unwrap();
        // A whole line added before l5, and l12 changed: seven unchanged lines between
        // them (l5 to l11), two hunks.
        let two = patch(
            &text,
            &[(line_start(5), "new\n"), (line_start(12) + 1, "x")],
        );
        assert_eq!(
            two,
            "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n\
             @@ -2,6 +2,7 @@\n l2\n l3\n l4\n+new\n l5\n l6\n l7\n\
             @@ -9,7 +10,7 @@\n l9\n l10\n l11\n-l12\n+lx12\n l13\n l14\n l15\n"
        );
        // l11 instead: six unchanged lines between them, one hunk.
        let one = patch(
            &text,
            &[(line_start(5), "new\n"), (line_start(11) + 1, "x")],
        );
        assert_eq!(one.matches("@@ -").count(), 1, "{one}");
        assert!(one.contains("@@ -2,13 +2,14 @@\n"), "{one}");
    }

    #[test]
    fn lines_keep_their_endings_and_a_missing_one_is_marked() {
        let text = "a\r\nb\r\nlast";
        let patch = patch(text, &[(0, "x"), (text.len(), "!")]);
        assert_eq!(
            patch,
            "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n\
             -a\r\n+xa\r\n b\r\n-last\n\\ No newline at end of file\n\
             +last!\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn a_file_without_insertions_has_no_hunk() {
        assert_eq!(patch("a\n", &[]), "diff --git a/f.c b/f.c\n");
        assert_eq!(patch("a\n", &[(1, "")]), "diff --git a/f.c b/f.c\n");
    }
}
