//! `callcheck:` comments: suppressions written in the source.

/// What a `callcheck:` comment asks for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PragmaKind {
    /// `callcheck: allow(A, B) reason`: accept the function's violations against these contexts.
    Allow {
        /// The context names, as written.
        contexts: Vec<String>,
        /// Index in [`FileFunctions::functions`](super::FileFunctions::functions) of the function it speaks for: the one whose
        /// body holds it, or the next definition after it at file scope. `None` if neither.
        function: Option<u32>,
    },
    /// `callcheck: ignore reason`: cut the edges made on this line.
    Ignore,
    /// A `callcheck:` comment that says neither.
    Unrecognised,
}

/// A `callcheck:` comment: a suppression written in the source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pragma {
    /// What it asks for.
    pub kind: PragmaKind,
    /// Line where the comment starts.
    pub line: u32,
    /// The words after the request, the reason a reader is given (may be empty).
    pub reason: String,
}

impl Pragma {
    /// Reads a comment that contains `callcheck:`.
    pub(super) fn parse(comment: &[u8], line: u32) -> Pragma {
        let text = String::from_utf8_lossy(comment);
        let text = text.trim_end();
        let text = text.strip_suffix("*/").unwrap_or(text);
        let after = text
            .find("callcheck:")
            .map_or("", |at| &text[at + "callcheck:".len()..])
            .trim();
        let (kind, reason) = if let Some(rest) = after.strip_prefix("allow(") {
            match rest.split_once(')') {
                Some((names, reason)) => {
                    let contexts = names
                        .split(',')
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty())
                        .collect();
                    let kind = PragmaKind::Allow {
                        contexts,
                        function: None,
                    };
                    (kind, reason)
                }
                None => (PragmaKind::Unrecognised, after),
            }
        } else if let Some(reason) = after.strip_prefix("ignore") {
            (PragmaKind::Ignore, reason)
        } else {
            (PragmaKind::Unrecognised, after)
        };
        Pragma {
            kind,
            line,
            reason: reason.trim().to_string(),
        }
    }
}
