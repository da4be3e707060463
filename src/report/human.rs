//! The report a person reads in a terminal: one block per violation, each step of the path on
//! its own line with where it is defined, references told from calls, contexts shown, and the
//! rule's name and message.

use super::Report;
use crate::extract::UseKind;
use crate::suppress::{Suppressed, Suppressions};
use colored::Colorize;
use std::io::{self, Write};

/// Writes one block per violation:
///
/// ```text
/// error: blk_drain() is IO_OR_GS_CODE(), but calls GLOBAL_STATE_CODE() code
///      block/block-backend.c:31  blk_drain()  [IO_OR_GS_CODE]
///   -> block.c:10                bdrv_ref()  [GLOBAL_STATE_CODE]
///   = rule: io-or-gs-reaches-global-state
/// ```
///
/// A step taken through a reference, not a call, is marked `~>` and says where the reference
/// is. Violations that an `allow` accepted follow, each with its reason; a summary line ends the
/// report.
pub fn write(
    out: &mut impl Write,
    report: &Report,
    suppressed: &[Suppressed],
    suppressions: &Suppressions,
) -> io::Result<()> {
    let graph = report.graph;
    for violation in report.violations {
        writeln!(
            out,
            "{} {}",
            "error:".red().bold(),
            report.headline(violation).bold()
        )?;
        let mut hops = vec![(violation.function, None)];
        hops.extend(violation.path.iter().map(|s| (s.node, Some(s))));
        let width = hops
            .iter()
            .map(|(node, _)| report.location(*node).len())
            .max()
            .unwrap_or(0);
        let mut previous = violation.function;
        for (node, step) in hops {
            let arrow = match step.map(|s| s.kind) {
                None => "  ",
                Some(UseKind::Call) => "->",
                Some(UseKind::Reference) => "~>",
            };
            let location = format!("{:<width$}", report.location(node));
            write!(
                out,
                "  {} {}  {}",
                arrow.blue().bold(),
                location.dimmed(),
                format!("{}()", graph.name(node)).bold()
            )?;
            let contexts = report.context_names(node);
            if !contexts.is_empty() {
                write!(out, "  {}", format!("[{contexts}]").yellow())?;
            }
            if let Some(step) = step.filter(|s| s.kind == UseKind::Reference) {
                write!(
                    out,
                    "  {}",
                    format!(
                        "(referenced, not called, at {}:{})",
                        graph.file_of(previous),
                        step.line
                    )
                    .dimmed()
                )?;
            }
            writeln!(out)?;
            previous = node;
        }
        let rule = report.rule(violation);
        writeln!(out, "  {} rule: {}", "=".blue().bold(), rule.name)?;
        if let Some(message) = &rule.message {
            writeln!(out, "  {} note: {message}", "=".blue().bold())?;
        }
        writeln!(out)?;
    }
    for accepted in suppressed {
        let by = &suppressions.entries[accepted.by];
        let reason = if by.reason.is_empty() {
            "no reason given"
        } else {
            &by.reason
        };
        writeln!(
            out,
            "{} {}",
            "suppressed:".dimmed(),
            report.headline(&accepted.violation).dimmed()
        )?;
        writeln!(
            out,
            "  {} {} at {}: {reason}",
            "=".blue().bold(),
            by.what,
            by.location
        )?;
    }
    if !suppressed.is_empty() {
        writeln!(out)?;
    }
    let count = report.violations.len();
    let summary = match count {
        0 => "no violations".to_string(),
        1 => "1 violation".to_string(),
        n => format!("{n} violations"),
    };
    if count == 0 {
        writeln!(out, "{}", summary.green().bold())
    } else {
        writeln!(out, "{}", summary.red().bold())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::render;

    #[test]
    fn one_block_per_violation_with_each_hop() {
        colored::control::set_override(false);
        assert_eq!(
            render(|out, report| {
                super::write(out, report, &[], &crate::suppress::Suppressions::default())
            }),
            "error: io() is IO_CODE(), but calls GLOBAL_STATE_CODE() code\n     \
             dir/a.c:3  io()  [IO_CODE]\n  \
             -> dir/a.c:2  mid()\n  \
             ~> dir/a.c:1  gs()  [GLOBAL_STATE_CODE]  (referenced, not called, at dir/a.c:2)\n  \
             = rule: io-reaches-global-state\n\n\
             1 violation\n"
        );
    }
}
