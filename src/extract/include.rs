//! `#include` directives: which files a file asks the preprocessor to read in its place.

use std::ops::Range;

/// One `#include "path"` or `#include <path>` outside `#if 0` code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Include {
    /// The path as written between the quotes or angle brackets.
    pub path: Box<str>,
    /// Written `<path>`: the including file's own directory is not searched.
    pub system: bool,
    /// 1-based line of the directive.
    pub line: u32,
}

/// True if the directive at `span` (from its `#`) is an `#include`.
pub(super) fn is_include(source: &[u8], span: &Range<usize>) -> bool {
    let text = &source[span.start + 1..span.end];
    text.trim_ascii_start().starts_with(b"include")
}

/// The path and the kind of the `#include` directive at `span`, or `None` for a computed
/// include (`#include MACRO`) or one without a closing quote.
pub(super) fn parse(source: &[u8], span: Range<usize>) -> Option<(Box<str>, bool)> {
    let text = source[span.start + 1..span.end].trim_ascii_start();
    let rest = text.strip_prefix(b"include")?;
    let rest = rest
        .strip_prefix(b"_next")
        .unwrap_or(rest)
        .trim_ascii_start();
    let (close, system) = match rest.first()? {
        b'"' => (b'"', false),
        b'<' => (b'>', true),
        _ => return None,
    };
    let end = memchr::memchr(close, &rest[1..])?;
    let path = std::str::from_utf8(&rest[1..1 + end]).ok()?;
    (!path.is_empty()).then(|| (path.into(), system))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<(String, bool)> {
        let span = 0..text.len();
        if !is_include(text.as_bytes(), &span) {
            return None;
        }
        parse(text.as_bytes(), span).map(|(path, system)| (path.into(), system))
    }

    #[test]
    fn quoted_and_angled_paths() {
        assert_eq!(
            parsed("#include \"qemu/osdep.h\""),
            Some(("qemu/osdep.h".into(), false))
        );
        assert_eq!(
            parsed("#  include <stdio.h> /* c */"),
            Some(("stdio.h".into(), true))
        );
        assert_eq!(parsed("#include_next <x.h>"), Some(("x.h".into(), true)));
    }

    #[test]
    fn computed_or_broken_includes_are_none() {
        assert_eq!(parsed("#include TRACE_HEADER"), None);
        assert_eq!(parsed("#include \"unclosed"), None);
        assert_eq!(parsed("#include \"\""), None);
        assert_eq!(parsed("#define X 1"), None);
        assert_eq!(parsed("#"), None);
    }
}
