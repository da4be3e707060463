//! Warnings about files whose extraction may be incomplete, worded for the person reading them.

use crate::source::SourceFile;

/// How many per-file warnings are shown before the rest are summarised in one line.
pub const SHOWN: usize = 5;

/// One warning per file whose extraction may be incomplete: braces that did not balance, or a
/// comment or literal that runs to the end of the file. Files are taken in the order given.
pub fn extraction_warnings(files: &[SourceFile]) -> Vec<String> {
    files
        .iter()
        .filter_map(|file| {
            let extracted = &file.functions;
            let mut problems = Vec::new();
            if let Some(open) = extracted.unclosed {
                let plural = if open.count == 1 { "" } else { "s" };
                problems.push(format!(
                    "{} unclosed brace{plural} from line {}",
                    open.count, open.line
                ));
            }
            if let Some(&line) = extracted.stray_closing_braces.first() {
                problems.push(format!("unmatched '}}' at line {line}"));
            }
            if let Some(open) = extracted.unterminated {
                let what = if open.comment { "comment" } else { "literal" };
                problems.push(format!(
                    "unterminated {what} from line {} runs to the end of the file",
                    open.line
                ));
            }
            (!problems.is_empty()).then(|| {
                format!(
                    "extraction may be incomplete in {}: {}",
                    file.path,
                    problems.join(", ")
                )
            })
        })
        .collect()
}

/// The first [`SHOWN`] warnings, then one line that counts the rest.
pub fn summarised(warnings: Vec<String>) -> Vec<String> {
    let more = warnings.len().saturating_sub(SHOWN);
    let mut shown: Vec<String> = warnings.into_iter().take(SHOWN).collect();
    if more > 0 {
        shown.push(format!(
            "{more} more file{} where extraction may be incomplete",
            if more == 1 { "" } else { "s" }
        ));
    }
    shown
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
            functions: extract(text.as_bytes(), &Recognizer::new(&contexts)),
        }
    }

    #[test]
    fn one_line_per_file_with_every_problem() {
        let files = [
            file("ok.c", "void f(void) { }\n"),
            file("bad.c", "}\nvoid f(void) {\n/* open"),
        ];
        assert_eq!(
            extraction_warnings(&files),
            [
                "extraction may be incomplete in bad.c: 1 unclosed brace from line 2, \
              unmatched '}' at line 1, unterminated comment from line 3 runs to the end of \
              the file"
            ]
        );
    }

    #[test]
    fn beyond_five_the_rest_is_counted() {
        let warnings: Vec<String> = (0..8).map(|i| format!("w{i}")).collect();
        let shown = summarised(warnings);
        assert_eq!(shown.len(), SHOWN + 1);
        assert_eq!(
            shown[SHOWN],
            "3 more files where extraction may be incomplete"
        );
        assert_eq!(summarised(vec!["a".into()]), ["a"]);
    }
}
