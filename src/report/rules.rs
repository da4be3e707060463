//! The configured rules as documentation, as text or JSON: the list `callcheck rules` prints
//! and the page `callcheck explain RULE` prints (see [`crate::explain`] for the data).

use super::write_json_line;
use crate::config::Config;
use crate::context::Contexts;
use crate::explain::{EXAMPLE_FILE, Example, RuleDoc, recognised_by};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The width text is wrapped to.
const WIDTH: usize = 96;

/// Writes the configuration in effect, its contexts, then each rule: what it forbids, its
/// edges, why, and its note.
pub fn write_rules(out: &mut impl Write, config: &Config, docs: &[RuleDoc]) -> io::Result<()> {
    writeln!(out, "configuration: {}", config.describe())?;
    writeln!(out)?;
    write_contexts(out, &config.contexts)?;
    for doc in docs {
        writeln!(out)?;
        writeln!(
            out,
            "{} ({}; edges: {})",
            doc.name,
            doc.kind,
            doc.edges.join(", ")
        )?;
        for sentence in &doc.forbids {
            write_wrapped(out, "  ", sentence)?;
        }
        if let Some(description) = &doc.description {
            write_wrapped(out, "  why: ", description)?;
        }
        if let Some(message) = &doc.message {
            write_wrapped(out, "  note: ", message)?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "`callcheck explain RULE` shows a rule in full, with an example."
    )
}

/// Writes one rule in full: what it forbids, the edges it follows, why, its contexts, its
/// note, and its example with the report callcheck gives on it.
pub fn write_explain(
    out: &mut impl Write,
    contexts: &Contexts,
    doc: &RuleDoc,
    example: Option<&Example>,
) -> io::Result<()> {
    writeln!(out, "{}", doc.name)?;
    writeln!(out, "{}", "=".repeat(doc.name.chars().count()))?;
    writeln!(out)?;
    writeln!(
        out,
        "A {} rule, following these edges: {}.",
        doc.kind,
        doc.edges.join(", ")
    )?;
    writeln!(out)?;
    writeln!(out, "What it forbids:")?;
    for sentence in &doc.forbids {
        write_wrapped(out, "  ", sentence)?;
    }
    if let Some(description) = &doc.description {
        writeln!(out)?;
        writeln!(out, "Why:")?;
        write_wrapped(out, "  ", description)?;
    }
    writeln!(out)?;
    writeln!(out, "Contexts:")?;
    let width = doc
        .contexts
        .iter()
        .map(|&c| contexts.name(c).len())
        .max()
        .unwrap_or(0);
    for &context in &doc.contexts {
        writeln!(
            out,
            "  {:width$}  a function with {}",
            contexts.name(context),
            recognised_by(contexts, context)
        )?;
    }
    if let Some(message) = &doc.message {
        writeln!(out)?;
        writeln!(out, "Each violation carries the note:")?;
        write_wrapped(out, "  ", message)?;
    }
    writeln!(out)?;
    match example {
        None => writeln!(
            out,
            "No example: give the rule an `example` (C code that breaks it) in the configuration."
        )?,
        Some(example) => {
            writeln!(out, "Example ({EXAMPLE_FILE}):")?;
            writeln!(out)?;
            write_indented(out, &example.code)?;
            writeln!(out)?;
            match example.violations {
                0 => writeln!(out, "callcheck finds no violation of the rule in it.")?,
                _ => {
                    writeln!(out, "callcheck reports:")?;
                    writeln!(out)?;
                    write_indented(out, &example.report)?;
                }
            }
        }
    }
    Ok(())
}

/// Writes the rules as `{"configuration":..,"contexts":[..],"rules":[..]}`.
pub fn write_rules_json(out: &mut impl Write, config: &Config, docs: &[RuleDoc]) -> io::Result<()> {
    let contexts: Vec<Value> = config
        .contexts
        .iter()
        .map(|(id, context)| {
            json!({"name": context.name, "recognised_by": recognised_by(&config.contexts, id)})
        })
        .collect();
    let rules: Vec<Value> = docs
        .iter()
        .map(|doc| rule_json(&config.contexts, doc))
        .collect();
    write_json_line(
        out,
        &json!({"configuration": config.describe(), "contexts": contexts, "rules": rules}),
    )
}

/// Writes one rule as JSON, with its example checked: `"example":{"file":..,"code":..,
/// "violations":..,"report":..}`, or null.
pub fn write_explain_json(
    out: &mut impl Write,
    contexts: &Contexts,
    doc: &RuleDoc,
    example: Option<&Example>,
) -> io::Result<()> {
    let mut value = rule_json(contexts, doc);
    value["example"] = example.map_or(Value::Null, |example| {
        json!({
            "file": EXAMPLE_FILE,
            "code": example.code,
            "violations": example.violations,
            "report": example.report,
        })
    });
    write_json_line(out, &value)
}

/// A rule as JSON; `example` is its code, or null.
fn rule_json(contexts: &Contexts, doc: &RuleDoc) -> Value {
    let names: Vec<&str> = doc.contexts.iter().map(|&c| contexts.name(c)).collect();
    json!({
        "name": doc.name,
        "kind": doc.kind,
        "forbids": doc.forbids,
        "edges": doc.edges,
        "contexts": names,
        "description": doc.description,
        "message": doc.message,
        "example": doc.example,
    })
}

/// Writes the contexts, one a line, with how each is recognised.
fn write_contexts(out: &mut impl Write, contexts: &Contexts) -> io::Result<()> {
    writeln!(out, "contexts:")?;
    let width = contexts
        .iter()
        .map(|(_, c)| c.name.len())
        .max()
        .unwrap_or(0);
    for (id, context) in contexts.iter() {
        writeln!(
            out,
            "  {:width$}  a function with {}",
            context.name,
            recognised_by(contexts, id)
        )?;
    }
    Ok(())
}

/// Writes `text` indented four spaces, blank lines left blank.
fn write_indented(out: &mut impl Write, text: &str) -> io::Result<()> {
    for line in text.trim_end().lines() {
        match line.is_empty() {
            true => writeln!(out)?,
            false => writeln!(out, "    {line}")?,
        }
    }
    Ok(())
}

/// Writes `text` as words wrapped to [`WIDTH`], the first line after `first`, the others
/// indented as far.
fn write_wrapped(out: &mut impl Write, first: &str, text: &str) -> io::Result<()> {
    let indent = " ".repeat(first.chars().count());
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            writeln!(out, "{line}")?;
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    writeln!(out, "{line}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_under_the_first_words() {
        let mut out = Vec::new();
        let text = "word ".repeat(30);
        write_wrapped(&mut out, "  why: ", &text).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.len() <= WIDTH));
        assert!(lines[0].starts_with("  why: word"));
        assert!(lines[1].starts_with("       word"), "under the first word");
        assert_eq!(text.split_whitespace().count(), 31);
    }
}
