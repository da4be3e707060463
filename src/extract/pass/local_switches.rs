//! The file's own `#define`s and `#undef`s, for the `#if` conditions below them.
//!
//! A condition asks what the last live `#define` or `#undef` of a name says. Scanning every
//! earlier directive for each name a condition reads made a file with many of both quadratic
//! (20,000 `#define`s and 20,000 `#ifdef`s took 8 s). Directives are instead chained by the hash
//! of the name they define, most recent first; the chains are built only when a condition is
//! evaluated, so a header that is all `#define`s and no conditions costs a push for each.

use crate::extract::condition::{self, Definition};
use crate::extract::name_hash;
use crate::lexer::directive_parts;
use rustc_hash::FxHashMap;

/// The end of a chain of directives.
const NO_DIRECTIVE: u32 = u32::MAX;

/// The live `#define`s and `#undef`s of a file so far. Reused from file to file.
#[derive(Debug, Default)]
pub(in crate::extract) struct LocalSwitches {
    /// Each directive's start, and whether it certainly happens (every enclosing branch is
    /// known to be taken).
    directives: Vec<(usize, bool)>,
    /// For each directive chained so far, the one before it that names a name of the same
    /// hash, or [`NO_DIRECTIVE`].
    previous: Vec<u32>,
    /// The last directive chained for each name hash.
    last: FxHashMap<u64, u32>,
}

impl LocalSwitches {
    /// Forgets the last file's directives, keeping the room they took.
    pub(in crate::extract) fn clear(&mut self) {
        self.directives.clear();
        self.previous.clear();
        self.last.clear();
    }

    /// Notes the directive starting at `start`.
    pub(super) fn push(&mut self, start: usize, certain: bool) {
        self.directives.push((start, certain));
    }

    /// What the last directive of `source` that names `name` says: `None` if none does,
    /// `Some(None)` if it may not have happened. Sees the directives pushed before the last
    /// [`LocalSwitches::chain`].
    pub(super) fn lookup(&self, source: &[u8], name: &[u8]) -> Option<Option<Definition>> {
        let mut at = self
            .last
            .get(&name_hash(name))
            .copied()
            .unwrap_or(NO_DIRECTIVE);
        while at != NO_DIRECTIVE {
            let (start, certain) = self.directives[at as usize];
            if let Some(definition) = says(source, start, name) {
                return Some(certain.then_some(definition));
            }
            at = self.previous[at as usize];
        }
        None
    }

    /// Chains the directives of `source` pushed since the last call, for lookups.
    pub(super) fn chain(&mut self, source: &[u8]) {
        for index in self.previous.len()..self.directives.len() {
            let (start, _) = self.directives[index];
            let previous = match named(source, start) {
                Some(name) => self
                    .last
                    .insert(name_hash(name), index as u32)
                    .unwrap_or(NO_DIRECTIVE),
                None => NO_DIRECTIVE,
            };
            self.previous.push(previous);
        }
    }
}

/// The name a `#define` or `#undef` at `start` names: its leading run of letters, digits and
/// `_`, or `None` for another directive or none.
fn named(source: &[u8], start: usize) -> Option<&[u8]> {
    let (directive, rest) = directive_parts(&source[start..]);
    if directive != b"define" && directive != b"undef" {
        return None;
    }
    let rest = rest.trim_ascii_start();
    let len = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

/// What the `#define` or `#undef` at `start` says of `name`, if it names it.
fn says(source: &[u8], start: usize, name: &[u8]) -> Option<Definition> {
    let (directive, rest) = directive_parts(&source[start..]);
    let undef = match directive {
        b"undef" => true,
        b"define" => false,
        _ => return None,
    };
    let body = rest.trim_ascii_start().strip_prefix(name)?;
    if body
        .first()
        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    Some(match (undef, body.first()) {
        (true, _) => Definition::Undefined,
        // A function-like macro: defined, with no value a condition can use.
        (false, Some(b'(')) => Definition::Defined(None),
        (false, _) => Definition::Defined(condition::integer(body_text(body))),
    })
}

/// The first line of a macro body without its comments and surrounding blanks (enough for
/// `#define X 1 // on`).
fn body_text(body: &[u8]) -> &[u8] {
    let line = &body[..memchr::memchr(b'\n', body).unwrap_or(body.len())];
    let end = memchr::memmem::find(line, b"//")
        .into_iter()
        .chain(memchr::memmem::find(line, b"/*"))
        .min()
        .unwrap_or(line.len());
    line[..end].trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The switches of `source`, every line of which is a directive that happens for certain
    /// unless it ends in `// maybe`.
    fn switches(source: &str) -> LocalSwitches {
        let mut switches = LocalSwitches::default();
        let mut start = 0;
        for line in source.split_inclusive('\n') {
            switches.push(start, !line.contains("// maybe"));
            start += line.len();
        }
        switches
    }

    #[test]
    fn the_last_directive_naming_a_name_says_what_it_is() {
        let source = "#define A 1\n#define AB 2\n#undef A\n#define F(x) x\n#define B 0x10\n\
                      #define A 3\n#define C 1 // maybe\n#define A_ 4\n#pragma once\n";
        let mut switches = switches(source);
        switches.chain(source.as_bytes());
        let lookup = |name: &str| switches.lookup(source.as_bytes(), name.as_bytes());
        assert_eq!(lookup("A"), Some(Some(Definition::Defined(Some(3)))));
        assert_eq!(lookup("AB"), Some(Some(Definition::Defined(Some(2)))));
        assert_eq!(lookup("A_"), Some(Some(Definition::Defined(Some(4)))));
        assert_eq!(lookup("F"), Some(Some(Definition::Defined(None))));
        assert_eq!(lookup("B"), Some(Some(Definition::Defined(Some(16)))));
        assert_eq!(lookup("C"), Some(None));
        assert_eq!(lookup("D"), None);
        assert_eq!(lookup("once"), None);
    }

    #[test]
    fn directives_pushed_after_a_lookup_are_seen_by_the_next() {
        let source = "#define X 1\n#undef X\n";
        let mut switches = LocalSwitches::default();
        switches.push(0, true);
        switches.chain(source.as_bytes());
        let first = switches.lookup(source.as_bytes(), b"X");
        assert_eq!(first, Some(Some(Definition::Defined(Some(1)))));
        switches.push("#define X 1\n".len(), true);
        switches.chain(source.as_bytes());
        let second = switches.lookup(source.as_bytes(), b"X");
        assert_eq!(second, Some(Some(Definition::Undefined)));
        switches.clear();
        switches.chain(source.as_bytes());
        assert_eq!(switches.lookup(source.as_bytes(), b"X"), None);
    }
}
