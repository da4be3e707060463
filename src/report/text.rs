//! check_calls.py's text format, the default: a drop-in for the script's output.

use super::Report;
use colored::Colorize;
use std::io::{self, Write};

/// Writes the violations in check_calls.py's format, one block per violation:
///
/// ```text
/// Error: blk_drain() is IO_OR_GS_CODE(), but calls GLOBAL_STATE_CODE() code
///        blk_drain() -> bdrv_ref() -> GLOBAL_STATE_CODE()
///
/// ```
///
/// A direct rule's violation reads `Error: f() is not coroutine_fn, but calls coroutine_fn
/// code`; a path to an attribute context ends at the function that carries it (a marker's path
/// ends with the marker, as check_calls.py wrote it); a rule's message follows as a `note:`.
/// A callback field is written `BlockDriver.bdrv_open`, without parentheses, and a generated
/// wrapper is followed by `[generated]`.
/// With colour on, `Error:` is red; the text is otherwise the same.
pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let graph = report.graph;
    for violation in report.violations {
        let name = graph.display(violation.function);
        writeln!(
            out,
            "{} {}",
            "Error:".red().bold(),
            report.headline(violation)
        )?;
        write!(out, "       {name}")?;
        for step in &violation.path {
            write!(out, " -> {}", graph.display(step.node))?;
        }
        if report.ends_with_marker(violation) {
            write!(out, " -> {}", report.contexts.display(violation.forbidden))?;
        }
        writeln!(out)?;
        if let Some(message) = &report.rule(violation).message {
            writeln!(out, "       note: {message}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::render;

    #[test]
    fn check_calls_format() {
        colored::control::set_override(false);
        assert_eq!(
            render(super::write),
            "Error: io() is IO_CODE(), but calls GLOBAL_STATE_CODE() code\n       \
             io() -> mid() -> gs() -> GLOBAL_STATE_CODE()\n\n"
        );
    }
}
