//! What every unit of a build agrees on about a macro.
//!
//! A header is read once, not once per unit that includes it, so it sees one set of macros:
//! those the units agree on. A macro `-D`efined to the same value in every unit is defined; one
//! `-U`ndefined (last) in every unit is undefined; one defined in some units but not in others,
//! or to different values, is *open*: unknown, whatever the configuration's `undefined` globs
//! say, so both branches of its `#ifdef` are read. The same set serves the units' own files:
//! that is the simplification that keeps one extraction per file.

use super::Unit;
use std::collections::BTreeMap;

/// The macros a build's units agree and disagree on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agreement {
    /// `NAME=VALUE` for each macro every unit defines to the same value.
    pub defined: Vec<String>,
    /// Each macro every unit undefines.
    pub undefined: Vec<String>,
    /// Each macro some unit defines and another does not, or defines differently.
    pub open: Vec<String>,
}

/// What the units so far say about one macro.
enum Seen<'a> {
    /// The same in each unit that mentions it: its value, or `None` for undefined; and how
    /// many units mention it.
    Same(Option<&'a str>, usize),
    /// Different in two units.
    Differs,
}

impl Agreement {
    /// What `units` agree on, each unit's `-D` and `-U` taken in order (the last one of a name
    /// wins, as in the compiler).
    pub fn of(units: &[Unit]) -> Agreement {
        let mut seen: BTreeMap<&str, Seen> = BTreeMap::new();
        let mut last: BTreeMap<&str, Option<&str>> = BTreeMap::new();
        for unit in units {
            last.clear();
            for (name, value) in &unit.flags.macros {
                last.insert(name, value.as_deref());
            }
            for (&name, &value) in &last {
                let entry = seen.entry(name).or_insert(Seen::Same(value, 0));
                match entry {
                    Seen::Same(agreed, count) if *agreed == value => *count += 1,
                    _ => *entry = Seen::Differs,
                }
            }
        }
        let mut agreement = Agreement::default();
        for (name, seen) in seen {
            match seen {
                Seen::Same(Some(value), count) if count == units.len() => {
                    agreement.defined.push(format!("{name}={value}"));
                }
                Seen::Same(None, count) if count == units.len() => {
                    agreement.undefined.push(name.to_string());
                }
                // Undefined in some units and not mentioned in the others: nothing is known.
                Seen::Same(None, _) => {}
                Seen::Same(Some(_), _) | Seen::Differs => agreement.open.push(name.to_string()),
            }
        }
        agreement
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compdb::Flags;
    use std::path::PathBuf;

    fn unit(macros: &[(&str, Option<&str>)]) -> Unit {
        Unit {
            file: PathBuf::from("/a.c"),
            flags: Flags {
                macros: macros
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
                    .collect(),
                ..Flags::default()
            },
        }
    }

    #[test]
    fn a_macro_is_known_only_where_every_unit_agrees() {
        let units = [
            unit(&[("ALL", Some("1")), ("SOME", Some("1")), ("VAL", Some("1"))]),
            unit(&[("ALL", Some("1")), ("VAL", Some("2")), ("GONE", None)]),
            unit(&[("ALL", Some("0")), ("ALL", Some("1")), ("VAL", Some("1"))]),
        ];
        let agreement = Agreement::of(&units);
        assert_eq!(agreement.defined, ["ALL=1"]);
        assert_eq!(agreement.open, ["SOME", "VAL"]);
        assert!(
            agreement.undefined.is_empty(),
            "GONE is undefined in one unit only"
        );
    }

    #[test]
    fn the_last_option_of_a_unit_wins() {
        let units = [
            unit(&[("F", None), ("F", Some("2")), ("X", Some("1")), ("X", None)]),
            unit(&[("F", Some("2")), ("X", None)]),
        ];
        let agreement = Agreement::of(&units);
        assert_eq!(agreement.defined, ["F=2"]);
        assert_eq!(agreement.undefined, ["X"]);
        assert!(agreement.open.is_empty());
    }
}
