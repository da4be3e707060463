//! Suggestions and conflicts for people (`human`) and for scripts (`json`).

use super::infer::{Caller, Confidence, Forcing, Inference, Suggestion};
use crate::check::Step;
use crate::context::{ContextSet, Contexts, Recognition, Rule};
use crate::graph::Graph;
use crate::json_seq::LazySeq;
use crate::model::NodeId;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::{self, Write};

/// How the suggestion is written in the source: `coroutine_fn`, `GLOBAL_STATE_CODE();`.
pub fn written(contexts: &Contexts, suggestion: &Suggestion) -> String {
    match contexts.recognition(suggestion.context) {
        Recognition::Marker(name) => format!("{name}();"),
        Recognition::Attribute(words) => words.first().map_or_else(
            || contexts.name(suggestion.context).to_string(),
            Clone::clone,
        ),
    }
}

fn context_list(contexts: &Contexts, set: ContextSet) -> String {
    let names: Vec<String> = set.iter().map(|c| contexts.display(c)).collect();
    names.join(", ")
}

/// ` [CONTEXT, ...]`, or nothing for no context.
fn carried(contexts: &Contexts, set: ContextSet) -> String {
    if set.is_empty() {
        String::new()
    } else {
        format!(" [{}]", context_list(contexts, set))
    }
}

fn caller_text(graph: &Graph, contexts: &Contexts, caller: &Caller) -> String {
    let carries = carried(contexts, graph.function(caller.node).contexts);
    format!(
        "{}{carries} ({} at {}:{})",
        graph.display(caller.node),
        caller.kind.name(),
        graph.path(caller.file),
        caller.line
    )
}

fn forcing_text(
    graph: &Graph,
    contexts: &Contexts,
    rules: &[Rule],
    inference: &Inference,
    from: NodeId,
    forcing: &Forcing,
) -> String {
    let rule = &rules[forcing.rule].name;
    if let Some(caller) = forcing.caller {
        let set = graph.function(caller).contexts;
        let suggested = inference.suggestions.iter().find(|s| s.function == caller);
        let carries = match suggested {
            Some(s) if set.is_empty() => format!("is suggested {}", contexts.display(s.context)),
            _ => format!("is {}", context_list(contexts, set)),
        };
        return format!(
            "rule {rule}: its caller {} {carries}",
            graph.display(caller)
        );
    }
    if forcing.path.is_empty() {
        return format!("rule {rule}");
    }
    let mut text = graph.display(from);
    for step in &forcing.path {
        text.push_str(" -> ");
        text.push_str(&graph.display(step.node));
    }
    format!("rule {rule}: {text}")
}

/// Writes the suggestions and conflicts as explanations, then a count.
pub fn write_human(
    out: &mut dyn Write,
    graph: &Graph,
    contexts: &Contexts,
    rules: &[Rule],
    inference: &Inference,
) -> io::Result<()> {
    // The rules that force (or forbid) a function's context, then the callers that use it.
    let evidence = |verb: &str,
                    function: NodeId,
                    forcings: &[Forcing],
                    callers: &[Caller],
                    out: &mut dyn Write|
     -> io::Result<()> {
        let texts = forcings
            .iter()
            .map(|f| forcing_text(graph, contexts, rules, inference, function, f));
        for text in distinct(texts) {
            writeln!(out, "  {verb} {text}")?;
        }
        for caller in callers {
            writeln!(out, "  used by {}", caller_text(graph, contexts, caller))?;
        }
        Ok(())
    };
    for s in &inference.suggestions {
        let function = graph.function(s.function);
        writeln!(
            out,
            "{}:{}: {}: add {} ({})",
            graph.file_of(s.function),
            function.line,
            graph.display(s.function),
            written(contexts, s),
            s.confidence.name()
        )?;
        for step in &s.guarded_calls {
            writeln!(
                out,
                "  calls {}{} only under its guard ({} at {}:{})",
                graph.display(step.node),
                carried(contexts, graph.function(step.node).contexts),
                step.kind.name(),
                graph.path(step.file),
                step.line
            )?;
        }
        evidence("forced by", s.function, &s.forced_by, &s.callers, out)?;
    }
    for c in &inference.conflicts {
        writeln!(
            out,
            "{}:{}: {}: conflict: its callers want {}, which a rule forbids it",
            graph.file_of(c.function),
            graph.function(c.function).line,
            graph.display(c.function),
            context_list(contexts, c.wanted),
        )?;
        evidence("forbidden by", c.function, &c.forbidden_by, &c.callers, out)?;
    }
    let [forced, agree, guarded] = counts(inference);
    let guarded = if guarded > 0 {
        format!(", {guarded} with guarded calls")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} suggestion{} ({forced} forced by a rule, {agree} where all callers agree{guarded}), \
         {} conflict{}",
        inference.suggestions.len(),
        plural(inference.suggestions.len()),
        inference.conflicts.len(),
        plural(inference.conflicts.len()),
    )
}

/// How many suggestions are forced by a rule, agreed by all callers, and guarded.
fn counts(inference: &Inference) -> [usize; 3] {
    let mut counts = [0; 3];
    for s in &inference.suggestions {
        counts[match s.confidence {
            Confidence::Forced => 0,
            Confidence::CallersAgree => 1,
            Confidence::Guarded => 2,
        }] += 1;
    }
    counts
}

/// The texts in order, each once (a rule listed with several forbidden contexts says the same
/// thing for each).
fn distinct(texts: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for text in texts {
        if !seen.contains(&text) {
            seen.push(text);
        }
    }
    seen
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn caller_json(graph: &Graph, contexts: &Contexts, caller: &Caller) -> Value {
    let set = graph.function(caller.node).contexts;
    json!({
        "function": graph.name(caller.node),
        "file": graph.file_of(caller.node),
        "line": graph.function(caller.node).line,
        "contexts": set.iter().map(|c| contexts.name(c)).collect::<Vec<_>>(),
        "kind": caller.kind.name(),
        "use_file": graph.path(caller.file),
        "use_line": caller.line,
    })
}

fn step_json(graph: &Graph, step: &Step) -> Value {
    json!({
        "function": graph.name(step.node),
        "file": graph.file_of(step.node),
        "line": graph.function(step.node).line,
        "kind": step.kind.name(),
        "use_line": step.line,
    })
}

fn forcing_json(graph: &Graph, rules: &[Rule], forcing: &Forcing) -> Value {
    let path: Vec<Value> = forcing.path.iter().map(|s| step_json(graph, s)).collect();
    json!({
        "rule": rules[forcing.rule].name,
        "path": path,
        "caller": forcing.caller.map(|c| graph.name(c)),
    })
}

/// Writes `{"version":1,"suggestions":[...],"conflicts":[...],"summary":{...}}` on one line.
pub fn write_json(
    out: &mut dyn Write,
    graph: &Graph,
    contexts: &Contexts,
    rules: &[Rule],
    inference: &Inference,
) -> io::Result<()> {
    // Each suggestion and conflict is made as it is written: a tree's worth held as values
    // took gigabytes.
    let suggestions = LazySeq(|| {
        inference.suggestions.iter().map(|s| {
            let function = graph.function(s.function);
            json!({
                "function": graph.name(s.function),
                "file": graph.file_of(s.function),
                "line": function.line,
                "static": function.is_static,
                "context": contexts.name(s.context),
                "insert": written(contexts, s),
                "confidence": match s.confidence {
                    Confidence::Forced => "forced",
                    Confidence::CallersAgree => "callers-agree",
                    Confidence::Guarded => "guarded",
                },
                "callers": s.callers.iter().map(|c| caller_json(graph, contexts, c)).collect::<Vec<_>>(),
                "forced_by": s.forced_by.iter().map(|f| forcing_json(graph, rules, f)).collect::<Vec<_>>(),
                "guarded_calls": s.guarded_calls.iter().map(|c| step_json(graph, c)).collect::<Vec<_>>(),
            })
        })
    });
    let conflicts = LazySeq(|| {
        inference.conflicts.iter().map(|c| {
            json!({
                "function": graph.name(c.function),
                "file": graph.file_of(c.function),
                "line": graph.function(c.function).line,
                "wanted": c.wanted.iter().map(|x| contexts.name(x)).collect::<Vec<_>>(),
                "callers": c.callers.iter().map(|u| caller_json(graph, contexts, u)).collect::<Vec<_>>(),
                "forbidden_by": c.forbidden_by.iter().map(|f| forcing_json(graph, rules, f)).collect::<Vec<_>>(),
            })
        })
    });
    let [forced, agree, guarded] = counts(inference);
    let document = JsonSuggestions {
        version: 1,
        suggestions,
        conflicts,
        summary: json!({
            "suggestions": inference.suggestions.len(),
            "forced": forced,
            "callers_agree": agree,
            "guarded": guarded,
            "conflicts": inference.conflicts.len(),
        }),
    };
    serde_json::to_writer(&mut *out, &document)?;
    writeln!(out)
}

/// The JSON document of `suggest`, its keys in the order it writes them.
#[derive(Serialize)]
struct JsonSuggestions<S: Serialize, C: Serialize> {
    version: u32,
    suggestions: S,
    conflicts: C,
    summary: Value,
}
