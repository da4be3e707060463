//! GCC-style diagnostics, which editors turn into a list to jump through (vim's quickfix, Emacs'
//! compilation-mode, VS Code problem matchers): an `error:` line at the function, then one
//! `note:` line per step of the path, at the call that takes it.

use super::Report;
use crate::diagnostics::Severity;
use colored::Colorize;
use std::io::{self, Write};

/// Writes one error and its notes per violation:
///
/// ```text
/// a.c:31:6: error: blk_drain() is IO_OR_GS_CODE(), but calls GLOBAL_STATE_CODE() code [rule]
/// a.c:37:9: note: blk_drain() calls bdrv_ref()
/// b.c:10:6: note: bdrv_ref() is GLOBAL_STATE_CODE()
/// ```
///
/// A guessed step's note ends with `[guessed]`; a binding rule's error is at the binding.
///
/// Then one line per diagnostic, `file:line: warning: message [code]` (`error:` with
/// `--strict`), without the line where the diagnostic concerns a whole file.
pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let graph = report.graph;
    for violation in report.violations {
        let (file, line, column) = report.subject_location(violation);
        let rule = report.rule(violation);
        writeln!(
            out,
            "{file}:{line}:{column}: {} {} [{}]",
            "error:".red().bold(),
            report.headline(violation),
            rule.name
        )?;
        for (from, step) in violation.steps() {
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                graph.path(step.file),
                step.line,
                step.column,
                "note:".cyan().bold(),
                report.step_text(violation, from, step)
            )?;
        }
        let from = violation.end();
        let last = graph.function(from);
        writeln!(
            out,
            "{}:{}:{}: {} {} is {}",
            graph.file_of(from),
            last.line,
            last.column,
            "note:".cyan().bold(),
            graph.display(from),
            report.contexts.display(violation.forbidden)
        )?;
        if let Some(message) = &rule.message {
            writeln!(
                out,
                "{file}:{line}:{column}: {} {message}",
                "note:".cyan().bold()
            )?;
        }
    }
    for diagnostic in report.diagnostics {
        let level = match diagnostic.severity {
            Severity::Warning => "warning:".magenta().bold(),
            Severity::Error => "error:".red().bold(),
        };
        let mut location = diagnostic.file.clone();
        for number in [diagnostic.line, diagnostic.column] {
            if number == 0 {
                break;
            }
            location = format!("{location}:{number}");
        }
        writeln!(
            out,
            "{location}: {level} {} [{}]",
            diagnostic.message,
            diagnostic.code.name()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::render;

    #[test]
    fn error_then_a_note_per_step() {
        colored::control::set_override(false);
        assert_eq!(
            render(super::write),
            "dir/a.c:3:6: error: io() is IO_CODE(), but calls GLOBAL_STATE_CODE() code \
             [io-reaches-global-state]\n\
             dir/a.c:6:5: note: io() calls mid()\n\
             dir/a.c:2:22: note: mid() refers to gs()\n\
             dir/a.c:1:6: note: gs() is GLOBAL_STATE_CODE()\n"
        );
    }
}
