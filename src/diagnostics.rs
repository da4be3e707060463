//! Everything a run reports besides violations: files it skipped, files whose extraction may be
//! incomplete, `callcheck:` comments it could not use, and suppressions that suppress nothing.
//!
//! Each is a [`Diagnostic`] with a stable code, a severity, and where it is. Every format shows
//! them: the text formats on stderr, JSON in its `diagnostics` array, SARIF as tool
//! notifications, gcc as `warning:` lines. `--strict` raises every warning to an error.

use crate::context::Contexts;
use crate::graph::{Graph, Overridden};
use crate::source::{ReadError, SourceFile};
use serde::Serialize;
use std::fmt;

/// How many extraction warnings stderr shows before it summarises the rest in one line.
pub const SHOWN: usize = 5;

/// What a diagnostic is about; its [`Code::name`] is stable, for tools and SARIF rule ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A file or directory that could not be read, or that was over the size limit.
    UnreadableFile,
    /// Braces that did not balance, or a comment or literal that runs to the end of the file.
    IncompleteExtraction,
    /// A `callcheck:` comment that is not understood, names an unknown context, or is attached
    /// to no function.
    InvalidSuppression,
    /// A suppression that suppressed nothing in this run.
    StaleSuppression,
    /// A function whose declarations carry contexts one of which overrides another.
    ConflictingContexts,
}

impl Code {
    /// Every code, in the order of their descriptions.
    pub const ALL: [Code; 5] = [
        Code::UnreadableFile,
        Code::IncompleteExtraction,
        Code::InvalidSuppression,
        Code::StaleSuppression,
        Code::ConflictingContexts,
    ];

    /// The code as tools see it: `unreadable-file`, `incomplete-extraction`,
    /// `invalid-suppression`, `stale-suppression`.
    pub fn name(self) -> &'static str {
        match self {
            Code::UnreadableFile => "unreadable-file",
            Code::IncompleteExtraction => "incomplete-extraction",
            Code::InvalidSuppression => "invalid-suppression",
            Code::StaleSuppression => "stale-suppression",
            Code::ConflictingContexts => "conflicting-contexts",
        }
    }

    /// One sentence that says what the code means.
    pub fn description(self) -> &'static str {
        match self {
            Code::UnreadableFile => "a file could not be read and was skipped",
            Code::IncompleteExtraction => {
                "braces or a comment or literal do not close: the file's extraction may be \
                 incomplete"
            }
            Code::InvalidSuppression => "a callcheck: comment could not be used",
            Code::StaleSuppression => "a suppression no longer suppresses anything",
            Code::ConflictingContexts => {
                "a function's declarations disagree: one context overrides another, and rules \
                 see only the overriding one"
            }
        }
    }
}

/// How serious a diagnostic is. Errors fail the run (exit status 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Shown; the run's status does not change.
    Warning,
    /// Shown; the run fails.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding that is not a violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What it is about.
    pub code: Code,
    /// How serious it is.
    pub severity: Severity,
    /// The file it is about (a path as read, or the configuration file).
    pub file: String,
    /// 1-based line, 0 when it concerns the whole file.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
    /// What is wrong, without the location.
    pub message: String,
}

impl Diagnostic {
    /// A warning of `code` at `file:line`.
    pub fn warning(code: Code, file: impl Into<String>, line: u32, message: String) -> Self {
        Diagnostic {
            code,
            severity: Severity::Warning,
            file: file.into(),
            line,
            column: 0,
            message,
        }
    }

    /// `file:line`, or `file` alone when there is no line.
    pub fn location(&self) -> String {
        match self.line {
            0 => self.file.clone(),
            line => format!("{}:{line}", self.file),
        }
    }

    /// The line stderr shows after `callcheck: `. The wording is the one callcheck has always
    /// used, so scripts that read stderr keep working.
    pub fn stderr_line(&self) -> String {
        let severity = self.severity;
        match self.code {
            Code::UnreadableFile => match severity {
                Severity::Warning => format!("skipped {}: {}", self.file, self.message),
                Severity::Error => format!("error: skipped {}: {}", self.file, self.message),
            },
            Code::IncompleteExtraction => format!(
                "{severity}: extraction may be incomplete in {}: {}",
                self.file, self.message
            ),
            Code::InvalidSuppression | Code::ConflictingContexts => {
                format!("{severity}: {}: {}", self.location(), self.message)
            }
            Code::StaleSuppression => format!(
                "{severity}: stale suppression at {}: {}",
                self.location(),
                self.message
            ),
        }
    }
}

/// One diagnostic per path that could not be read.
pub fn unreadable(errors: &[ReadError]) -> impl Iterator<Item = Diagnostic> + '_ {
    errors.iter().map(|error| {
        Diagnostic::warning(
            Code::UnreadableFile,
            error.path.clone(),
            0,
            error.reason.clone(),
        )
    })
}

/// One warning per function whose contexts disagree, at its definition: which contexts its
/// declarations give, from where, and the one rules read.
pub fn conflicting_contexts(
    graph: &Graph,
    contexts: &Contexts,
    found: &[Overridden],
) -> Vec<Diagnostic> {
    found
        .iter()
        .map(|conflict| {
            let node = conflict.node;
            let described = |context| {
                let origins = graph.origins(node, context).join(", ");
                format!("{} ({origins})", contexts.display(context))
            };
            let overridden: Vec<String> = conflict.overridden.iter().map(described).collect();
            let function = graph.function(node);
            Diagnostic::warning(
                Code::ConflictingContexts,
                graph.path(function.file),
                function.line,
                format!(
                    "{}() is {} and {}: rules read it as {}",
                    graph.name(node),
                    overridden.join(" and "),
                    described(conflict.by),
                    contexts.display(conflict.by),
                ),
            )
        })
        .collect()
}

/// One diagnostic per file whose extraction may be incomplete: braces that did not balance, or
/// a comment or literal that runs to the end of the file. Files are taken in the order given;
/// the line is the first problem's.
pub fn incomplete_extractions(files: &[SourceFile]) -> Vec<Diagnostic> {
    files
        .iter()
        .filter_map(|file| {
            let extracted = &file.functions;
            let mut problems = Vec::new();
            let mut lines = Vec::new();
            if let Some(open) = extracted.unclosed {
                let plural = if open.count == 1 { "" } else { "s" };
                problems.push(format!(
                    "{} unclosed brace{plural} from line {}",
                    open.count, open.line
                ));
                lines.push(open.line);
            }
            if let Some(&line) = extracted.stray_closing_braces.first() {
                problems.push(format!("unmatched '}}' at line {line}"));
                lines.push(line);
            }
            if let Some(open) = extracted.unterminated {
                let what = if open.comment { "comment" } else { "literal" };
                problems.push(format!(
                    "unterminated {what} from line {} runs to the end of the file",
                    open.line
                ));
                lines.push(open.line);
            }
            (!problems.is_empty()).then(|| {
                Diagnostic::warning(
                    Code::IncompleteExtraction,
                    file.path.clone(),
                    lines.into_iter().min().unwrap_or(0),
                    problems.join(", "),
                )
            })
        })
        .collect()
}

/// Raises every warning to an error, as `--strict` asks.
pub fn make_strict(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics {
        diagnostic.severity = Severity::Error;
    }
}

/// The lines stderr shows for `diagnostics`: each one's [`Diagnostic::stderr_line`], except that
/// beyond [`SHOWN`] incomplete extractions, or [`SHOWN`] stale suppressions, the rest of each
/// are counted in one line after the last one shown.
pub fn stderr_lines(diagnostics: &[Diagnostic]) -> Vec<String> {
    let summarised = [
        (
            Code::IncompleteExtraction,
            "file",
            "files",
            "where extraction may be incomplete",
        ),
        (
            Code::StaleSuppression,
            "stale suppression",
            "stale suppressions",
            "",
        ),
    ];
    let mut lines = Vec::new();
    let mut counts = [0usize; 2];
    // Where each summary goes (after the last line shown of its code), and its severity.
    let mut summaries: [Option<(usize, Severity)>; 2] = [None; 2];
    for diagnostic in diagnostics {
        if let Some(at) = summarised.iter().position(|s| s.0 == diagnostic.code) {
            counts[at] += 1;
            if counts[at] > SHOWN {
                if let Some((_, severity)) = &mut summaries[at] {
                    *severity = (*severity).max(diagnostic.severity);
                }
                continue;
            }
            summaries[at] = Some((lines.len() + 1, Severity::Warning));
        }
        lines.push(diagnostic.stderr_line());
    }
    // Inserted from the last position back, so earlier positions stay right.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for (at, (_, one, many, what)) in summarised.iter().enumerate() {
        let more = counts[at].saturating_sub(SHOWN);
        if let (true, Some((position, severity))) = (more > 0, summaries[at]) {
            let noun = if more == 1 { one } else { many };
            let text = format!("{severity}: {more} more {noun} {what}");
            inserts.push((position, text.trim_end().to_string()));
        }
    }
    inserts.sort_by_key(|insert| std::cmp::Reverse(insert.0));
    for (position, text) in inserts {
        lines.insert(position, text);
    }
    lines
}

/// True if any diagnostic is an error.
pub fn any_error(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::qemu_block;
    use crate::extract::{Recognizer, extract};

    fn file(path: &str, text: &str) -> SourceFile {
        let (contexts, _) = qemu_block();
        SourceFile {
            path: path.into(),
            functions: Box::new(extract(text.as_bytes(), &Recognizer::new(&contexts))),
        }
    }

    #[test]
    fn one_diagnostic_per_file_with_every_problem() {
        let files = [
            file("ok.c", "void f(void) { }\n"),
            file("bad.c", "}\nvoid f(void) {\n/* open"),
        ];
        let found = incomplete_extractions(&files);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].file.as_str(), found[0].line), ("bad.c", 1));
        assert_eq!(
            found[0].stderr_line(),
            "warning: extraction may be incomplete in bad.c: 1 unclosed brace from line 2, \
             unmatched '}' at line 1, unterminated comment from line 3 runs to the end of the file"
        );
    }

    #[test]
    fn beyond_five_extraction_warnings_the_rest_is_counted() {
        let mut diagnostics: Vec<Diagnostic> = (0..8)
            .map(|i| {
                Diagnostic::warning(Code::IncompleteExtraction, format!("f{i}.c"), 1, "x".into())
            })
            .collect();
        diagnostics.push(Diagnostic::warning(
            Code::StaleSuppression,
            "a.c",
            3,
            "ignore no longer suppresses anything".into(),
        ));
        for line in 0..7 {
            diagnostics.push(Diagnostic::warning(
                Code::StaleSuppression,
                "b.c",
                line,
                "allow(IO_CODE) no longer suppresses anything".into(),
            ));
        }
        let lines = stderr_lines(&diagnostics);
        assert_eq!(lines.len(), SHOWN + 2 + SHOWN);
        assert_eq!(lines.last().unwrap(), "warning: 3 more stale suppressions");
        assert_eq!(
            lines[SHOWN],
            "warning: 3 more files where extraction may be incomplete"
        );
        assert_eq!(
            lines[SHOWN + 1],
            "warning: stale suppression at a.c:3: ignore no longer suppresses anything"
        );
    }

    #[test]
    fn strict_turns_warnings_into_errors() {
        let mut diagnostics = vec![Diagnostic::warning(
            Code::UnreadableFile,
            "big.c",
            0,
            "larger than 1 bytes".into(),
        )];
        assert!(!any_error(&diagnostics));
        make_strict(&mut diagnostics);
        assert!(any_error(&diagnostics));
        assert_eq!(
            diagnostics[0].stderr_line(),
            "error: skipped big.c: larger than 1 bytes"
        );
    }

    #[test]
    fn codes_have_distinct_names() {
        let names: std::collections::BTreeSet<_> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
