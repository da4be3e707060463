//! Rules as documentation: what each rule of a configuration forbids, in words, which edges it
//! follows, why it exists, and its example checked as the check would check it.
//!
//! Everything here is derived from the configured rules (presets and `callcheck.toml` alike),
//! so a rule added to a preset or a file is documented without any change here. The example's
//! report is not written down anywhere: the command line checks the example as it checks any
//! file (a session over it in memory) and shows what callcheck finds in it.

use crate::config::Config;
use crate::context::{ContextId, ContextSet, Contexts, Recognition, Rule, RuleKind, Through};
use crate::error::Error;
use crate::model::EdgeKinds;
use crate::spelling;

/// The name of the file an example is checked as.
pub const EXAMPLE_FILE: &str = "example.c";

/// One rule as the documentation shows it: every configured [`Rule`] of the same name (a
/// reachability rule with several forbidden contexts is several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDoc {
    /// The rule's name, as violations carry it.
    pub name: String,
    /// `reachability` or `direct`, as JSON violations say.
    pub kind: &'static str,
    /// What it forbids, one sentence per configured rule.
    pub forbids: Vec<String>,
    /// The edge kinds it follows, by name.
    pub edges: Vec<&'static str>,
    /// The contexts it names, in table order.
    pub contexts: Vec<ContextId>,
    /// Why it exists (`description`).
    pub description: Option<String>,
    /// The note shown with each violation (`message`).
    pub message: Option<String>,
    /// C code that breaks it (`example`).
    pub example: Option<String>,
}

/// An example checked: the code and the report callcheck gives on it for its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The C code, checked as [`EXAMPLE_FILE`].
    pub code: String,
    /// How many violations of the rule the check found in it.
    pub violations: usize,
    /// Those violations in the `human` format (coloured if colour is on).
    pub report: String,
}

/// The configured rules, one entry per name, in configuration order.
pub fn documented(config: &Config) -> Vec<RuleDoc> {
    let mut docs: Vec<RuleDoc> = Vec::new();
    for rule in &config.rules {
        let sentence = forbids(rule, &config.contexts);
        match docs.iter_mut().find(|doc| doc.name == rule.name) {
            Some(doc) => {
                doc.forbids.push(sentence);
                for context in named_contexts(rule) {
                    if !doc.contexts.contains(&context) {
                        doc.contexts.push(context);
                    }
                }
                doc.contexts.sort();
            }
            None => {
                let mut contexts = named_contexts(rule);
                contexts.sort();
                docs.push(RuleDoc {
                    name: rule.name.clone(),
                    kind: kind_name(rule),
                    forbids: vec![sentence],
                    edges: edge_names(rule.edges),
                    contexts,
                    description: rule.description.clone(),
                    message: rule.message.clone(),
                    example: rule.example.clone(),
                });
            }
        }
    }
    docs
}

/// The rule named `name`; an unknown name is an error that suggests the closest names.
pub fn find<'a>(docs: &'a [RuleDoc], name: &str) -> Result<&'a RuleDoc, Error> {
    docs.iter()
        .find(|doc| doc.name == name)
        .ok_or_else(|| Error::UnknownRule {
            name: name.to_string(),
            known: docs.iter().map(|doc| doc.name.clone()).collect(),
            similar: spelling::similar(name, docs.iter().map(|doc| doc.name.as_str()))
                .into_iter()
                .map(str::to_string)
                .collect(),
        })
}

/// How `context` is recognised, in words: `the marker IO_CODE() in its body` or `the attribute
/// coroutine_fn (or co_wrapper, ...)`.
pub fn recognised_by(contexts: &Contexts, context: ContextId) -> String {
    match contexts.recognition(context) {
        Recognition::Marker(marker) => format!("the marker {marker}() in its body"),
        Recognition::Attribute(words) => match words.split_first() {
            Some((first, [])) => format!("the attribute {first}"),
            Some((first, rest)) => format!("the attribute {first} (or {})", rest.join(", ")),
            None => "no word".to_string(),
        },
    }
}

/// The kind's name, as JSON violations give it.
fn kind_name(rule: &Rule) -> &'static str {
    match rule.kind {
        RuleKind::Reachability { .. } => "reachability",
        RuleKind::Direct { .. } => "direct",
        RuleKind::Binding { .. } => "binding",
    }
}

/// The contexts a rule speaks of.
fn named_contexts(rule: &Rule) -> Vec<ContextId> {
    match rule.kind {
        RuleKind::Reachability {
            from, forbidden, ..
        } => vec![from, forbidden],
        RuleKind::Direct { callee, callers } => {
            std::iter::once(callee).chain(callers.iter()).collect()
        }
        RuleKind::Binding {
            field,
            require,
            forbid,
        } => std::iter::once(field)
            .chain(require.iter())
            .chain(forbid.iter())
            .collect(),
    }
}

/// What one rule forbids, as a sentence.
fn forbids(rule: &Rule, contexts: &Contexts) -> String {
    match rule.kind {
        RuleKind::Reachability {
            from,
            forbidden,
            through,
        } => {
            let path = match through {
                Through::Any => "directly or through any functions",
                Through::Unannotated => "directly or through functions with no context",
            };
            format!(
                "{} functions must not reach {} functions, {path}",
                contexts.display(from),
                contexts.display(forbidden)
            )
        }
        RuleKind::Direct { callee, callers } => {
            let allowed: Vec<String> = callers.iter().map(|c| contexts.display(c)).collect();
            format!(
                "{} functions may only be called by {} functions",
                contexts.display(callee),
                allowed.join(" or ")
            )
        }
        RuleKind::Binding {
            field,
            require,
            forbid,
        } => {
            let names = |set: ContextSet| -> Vec<String> {
                set.iter().map(|c| contexts.display(c)).collect()
            };
            let mut demands = Vec::new();
            if !require.is_empty() {
                demands.push(format!("must be {}", names(require).join(" or ")));
            }
            if !forbid.is_empty() {
                demands.push(format!("must not be {}", names(forbid).join(" nor ")));
            }
            format!(
                "a function bound to a callback field declared {} {}",
                contexts.display(field),
                demands.join(" and ")
            )
        }
    }
}

/// The names of `kinds`, in configuration order.
fn edge_names(kinds: EdgeKinds) -> Vec<&'static str> {
    kinds.iter().map(|kind| kind.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    #[test]
    fn reachability_rules_of_one_name_are_one_entry() {
        let config = config::preset("qemu-block").unwrap();
        let docs = documented(&config);
        let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["io-reaches-global-state", "io-or-gs-reaches-global-state"]
        );
        assert_eq!(
            docs[0].forbids,
            [
                "IO_CODE() functions must not reach GLOBAL_STATE_CODE() functions, directly or \
                 through any functions",
                "IO_CODE() functions must not reach IO_OR_GS_CODE() functions, directly or \
                 through any functions"
            ]
        );
        assert_eq!(docs[0].edges, ["call", "reference"]);
        assert_eq!(docs[0].contexts.len(), 3);
    }

    #[test]
    fn an_unknown_rule_suggests_the_closest() {
        let docs = documented(&config::preset("qemu").unwrap());
        let error = find(&docs, "coroutine-fn-caler").unwrap_err().to_string();
        assert!(
            error.contains("did you mean coroutine-fn-caller?"),
            "{error}"
        );
        assert!(find(&docs, "coroutine-fn-caller").is_ok());
    }
}
