//! Baselines: today's violations recorded, so that only new ones fail a run.
//!
//! An entry is keyed by what stays true when code moves: the rule, the function's name, its
//! context and the context it reaches. Line numbers and paths are left out, so editing around a
//! known violation does not turn it into a new one.

use crate::check::Violation;
use crate::error::Error;
use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The stable key of one violation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The rule's name.
    pub rule: String,
    /// The function's name.
    pub function: String,
    /// Its context (null for a direct rule).
    pub context: Option<String>,
    /// The context it reaches.
    pub calls: String,
}

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version.
    pub version: u32,
    /// The accepted violations, sorted.
    pub violations: BTreeSet<Entry>,
}

impl Baseline {
    /// The baseline of `report`'s violations.
    pub fn of(report: &Report) -> Baseline {
        Baseline {
            version: 1,
            violations: report.violations.iter().map(|v| entry(report, v)).collect(),
        }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, Error> {
        let error = |message| Error::Baseline {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| error(format!("cannot read the baseline: {e}")))?;
        serde_json::from_str(&text).map_err(|e| error(format!("not a callcheck baseline: {e}")))
    }

    /// Writes the baseline as pretty JSON, one entry per line, sorted: it diffs well.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let error = |message| Error::Baseline {
            path: path.to_path_buf(),
            message,
        };
        let mut text = serde_json::to_string_pretty(self).map_err(|e| error(e.to_string()))?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| error(format!("cannot write the baseline: {e}")))
    }

    /// Splits `report`'s violations into those the baseline does not hold (their indices), and
    /// counts the baseline entries that no violation matches any more (fixed since).
    pub fn compare(&self, report: &Report) -> (Vec<usize>, usize) {
        let mut matched = BTreeSet::new();
        let mut new = Vec::new();
        for (index, violation) in report.violations.iter().enumerate() {
            let key = entry(report, violation);
            if self.violations.contains(&key) {
                matched.insert(key);
            } else {
                new.push(index);
            }
        }
        (new, self.violations.len() - matched.len())
    }
}

fn entry(report: &Report, violation: &Violation) -> Entry {
    Entry {
        rule: report.rule(violation).name.clone(),
        function: report.graph.name(violation.function).to_string(),
        context: violation
            .context
            .map(|c| report.contexts.name(c).to_string()),
        calls: report.contexts.name(violation.forbidden).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::with_report;

    #[test]
    fn keys_survive_moves_and_new_ones_show() {
        let before = "void gs(void) { GLOBAL_STATE_CODE(); }\nvoid io(void) { IO_CODE(); gs(); }\n";
        let baseline = with_report(before, Baseline::of);
        assert_eq!(baseline.violations.len(), 1);
        let moved = format!("\n\n\n{before}void io2(void) {{ IO_OR_GS_CODE(); gs(); }}\n");
        let (new, fixed) = with_report(&moved, |report| baseline.compare(report));
        assert_eq!(
            (new.len(), fixed),
            (1, 0),
            "io moved lines and is known; io2 is new"
        );
        let fixed_text = "void gs(void) { GLOBAL_STATE_CODE(); }\nvoid io(void) { IO_CODE(); }\n";
        let (new, fixed) = with_report(fixed_text, |report| baseline.compare(report));
        assert_eq!((new.len(), fixed), (0, 1));
    }
}
