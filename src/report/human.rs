//! The report a person reads in a terminal: one block per violation, each step of the path on
//! its own line with where it is defined, references told from calls, contexts shown, and the
//! rule's name and message.

use super::causes::sentence;
use super::{GUESSED, Report};
use crate::check::{Step, Violation};
use crate::graph::Graph;
use crate::model::{NodeId, UseKind};
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
/// A step that is not a direct call has its own arrow and says what it is and where: `~>` a
/// reference, `=>` a member call or a field's binding, `+>` a call in a macro, `*>` a generated
/// wrapper's call (a generated wrapper is marked as such). A guessed step (through a callback
/// field or a name merge) ends with `[guessed]`. A binding rule's violation starts at the
/// binding. Violations that an `allow` accepted follow, each with its reason; a count ends the
/// report, then the causes (see [`super::causes`]), the ten with most violations. With
/// [`Report::group_by_cause`] the violations come in one block per cause, under its sentence.
pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let causes = super::causes::causes(report);
    if report.group_by_cause {
        for cause in &causes {
            writeln!(
                out,
                "{} {}",
                "cause:".magenta().bold(),
                sentence(report.graph, cause).bold()
            )?;
            writeln!(out)?;
            for &index in &cause.violations {
                write_violation(out, report, &report.violations[index])?;
            }
        }
    } else {
        for violation in report.violations {
            write_violation(out, report, violation)?;
        }
    }
    for accepted in report.suppressed {
        let by = &report.suppressions[accepted.by];
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
            by.location()
        )?;
    }
    if !report.suppressed.is_empty() {
        writeln!(out)?;
    }
    let count = report.violations.len();
    let summary = match count {
        0 => "no violations".to_string(),
        1 => "1 violation".to_string(),
        n => format!("{n} violations"),
    };
    if count == 0 {
        return writeln!(out, "{}", summary.green().bold());
    }
    writeln!(out, "{}", summary.red().bold())?;
    let heading = match causes.len() {
        1 => "1 cause:".to_string(),
        n => format!("{n} causes:"),
    };
    writeln!(out, "{}", heading.bold())?;
    for cause in causes.iter().take(SHOWN_CAUSES) {
        writeln!(out, "  {}", sentence(report.graph, cause))?;
    }
    if causes.len() > SHOWN_CAUSES {
        let rest = &causes[SHOWN_CAUSES..];
        let violations: usize = rest.iter().map(|c| c.violations.len()).sum();
        writeln!(
            out,
            "  ... and {} more causes of {violations} violations (--group-by cause shows all)",
            rest.len()
        )?;
    }
    Ok(())
}

/// How many causes the summary names.
const SHOWN_CAUSES: usize = 10;

/// Writes one violation's block.
fn write_violation(out: &mut impl Write, report: &Report, violation: &Violation) -> io::Result<()> {
    let graph = report.graph;
    writeln!(
        out,
        "{} {}",
        "error:".red().bold(),
        report.headline(violation).bold()
    )?;
    let binding = report.is_binding(violation);
    // Each row: a function, and the step into it with the function that makes it.
    let hops: Vec<(NodeId, Option<(NodeId, &Step)>)> = std::iter::once((violation.function, None))
        .chain(violation.steps().map(|(from, s)| (s.node, Some((from, s)))))
        .collect();
    let width = hops
        .iter()
        .map(|(node, _)| report.location(*node).len())
        .max()
        .unwrap_or(0);
    for (node, hop) in hops {
        let step = hop.map(|(_, s)| s);
        let arrow = step.map_or("  ", |s| super::arrow(s.kind));
        let location = format!("{:<width$}", report.location(node));
        write!(
            out,
            "  {} {}  {}",
            arrow.blue().bold(),
            location.dimmed(),
            graph.display(node).bold()
        )?;
        let contexts = report.context_names(node);
        if !contexts.is_empty() {
            write!(out, "  {}", format!("[{contexts}]").yellow())?;
        }
        let note = match (hop, binding) {
            (Some((_, s)), true) => Some(format!("(bound at {}:{})", graph.path(s.file), s.line)),
            (Some((from, s)), false) => hop_note(graph, from, s),
            (None, _) => None,
        };
        if let Some(note) = note {
            write!(out, "  {}", note.dimmed())?;
        }
        if step.is_some_and(|s| s.guessed) {
            write!(out, "  {}", GUESSED.magenta())?;
        }
        writeln!(out)?;
    }
    let rule = report.rule(violation);
    writeln!(out, "  {} rule: {}", "=".blue().bold(), rule.name)?;
    if let Some(message) = &rule.message {
        writeln!(out, "  {} note: {message}", "=".blue().bold())?;
    }
    writeln!(out)
}

/// What a step that is not a plain call is, and where it is written.
fn hop_note(graph: &Graph, from: NodeId, step: &Step) -> Option<String> {
    let at = format!("{}:{}", graph.path(step.file), step.line);
    let note = match step.kind {
        UseKind::Call => return None,
        UseKind::Reference => format!("(referenced, not called, at {at})"),
        UseKind::Field if graph.function(from).kind.is_field() => {
            format!("(bound to the field at {at})")
        }
        UseKind::Field => format!("(member call at {at})"),
        UseKind::Macro => format!("(called in a macro invoked at {at})"),
        UseKind::Generated => format!("(generated wrapper, from the prototype at {at})"),
    };
    Some(note)
}

#[cfg(test)]
mod tests {
    use super::super::testing::render;

    #[test]
    fn one_block_per_violation_with_each_hop() {
        colored::control::set_override(false);
        assert_eq!(
            render(|out, report| { super::write(out, report) }),
            "error: io() is IO_CODE(), but calls GLOBAL_STATE_CODE() code\n     \
             dir/a.c:3  io()  [IO_CODE]\n  \
             -> dir/a.c:2  mid()\n  \
             ~> dir/a.c:1  gs()  [GLOBAL_STATE_CODE]  (referenced, not called, at dir/a.c:2)\n  \
             = rule: io-reaches-global-state\n\n\
             1 violation\n\
             1 cause:\n  \
             1 violation reaches gs() via mid()\n"
        );
    }
}
