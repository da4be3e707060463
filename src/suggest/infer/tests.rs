//! Tests of the inference: each kind of rule, recursion, what blocks it, deep chains.

use super::*;
use crate::config::preset;
use crate::session::Session;

/// `function context confidence` for each suggestion and `function !conflict` for each
/// conflict, from one file checked with `preset_name`.
fn infer_text(preset_name: &str, text: &str, helpers: bool) -> Vec<String> {
    let config = preset(preset_name).unwrap();
    let session = Session::from_memory(config, &[("a.c".to_string(), text.as_bytes())]);
    let (graph, config) = (&session.graph, &session.config);
    let inference = infer(graph, config, helpers);
    let mut lines: Vec<String> = inference
        .suggestions
        .iter()
        .map(|s| {
            format!(
                "{} {} {:?}",
                graph.name(s.function),
                config.contexts.name(s.context),
                s.confidence
            )
        })
        .collect();
    lines.extend(
        inference
            .conflicts
            .iter()
            .map(|c| format!("{} !conflict", graph.name(c.function))),
    );
    lines
}

#[test]
fn mutual_recursion_under_a_coroutine_is_inferred() {
    let text = "int coroutine_fn co(void) { return 0; }\n\
                int coroutine_fn entry(void) { return even(3); }\n\
                static int even(int n) { return n ? odd(n - 1) : co(); }\n\
                static int odd(int n) { return n ? even(n - 1) : 1; }\n";
    assert_eq!(
        infer_text("qemu-coroutine", text, false),
        ["even coroutine_fn Forced", "odd coroutine_fn Forced",]
    );
}

#[test]
fn an_ungrounded_caller_or_a_reference_blocks_the_inference() {
    // `orphan` has no caller, so it is not inferred, and neither is what it calls.
    let text = "int coroutine_fn co(void) { return 0; }\n\
                int coroutine_fn entry(void) { return shared(); }\n\
                static int orphan(void) { return shared(); }\n\
                static int shared(void) { return co(); }\n\
                int coroutine_fn hands(void) { run(cb); return 0; }\n\
                static void cb(void) { co(); }\n";
    assert_eq!(
        infer_text("qemu-coroutine", text, true),
        Vec::<String>::new()
    );
}

#[test]
fn helpers_are_left_out_unless_asked_for() {
    let text = "int coroutine_fn entry(void) { return leaf(); }\n\
                static int leaf(void) { return 1; }\n";
    assert!(infer_text("qemu-coroutine", text, false).is_empty());
    assert_eq!(
        infer_text("qemu-coroutine", text, true),
        ["leaf coroutine_fn CallersAgree"]
    );
}

#[test]
fn a_guarded_function_called_from_both_contexts_is_mixed() {
    let text = "int coroutine_fn co(void) { return 0; }\n\
                int no_coroutine_fn poll(void) { return 0; }\n\
                static int both(void) { if (qemu_in_coroutine()) { co(); } return 0; }\n\
                static int blocks(void) { if (qemu_in_coroutine()) { co(); } return poll(); }\n\
                static int out(void) { if (qemu_in_coroutine()) { co(); } return 0; }\n\
                static int unguarded(void) { if (qemu_in_coroutine()) { co(); } return co(); }\n\
                int coroutine_fn entry(void) { return both() + blocks() + unguarded(); }\n\
                void main_loop(void) { both(); blocks(); unguarded(); }\n\
                void no_coroutine_fn poller(void) { out(); }\n";
    // `blocks` would hide a path from a coroutine to a no_coroutine_fn, `out` runs only
    // outside coroutines, and `unguarded` calls coroutine code unguarded.
    assert_eq!(
        infer_text("qemu-coroutine", text, false),
        ["both coroutine_mixed_fn Guarded"]
    );
    // Without the guard nothing is mixed.
    let mut config = preset("qemu-coroutine").unwrap();
    config.guards = None;
    let session = Session::from_memory(config, &[("a.c".to_string(), text.as_bytes())]);
    let inference = infer(&session.graph, &session.config, false);
    assert!(
        inference
            .suggestions
            .iter()
            .all(|s| s.confidence != Confidence::Guarded)
    );
}

#[test]
fn a_rule_about_the_mixed_context_can_forbid_it() {
    let text = "int coroutine_fn co(void) { return 0; }\n\
                int no_coroutine_fn poll(void) { return 0; }\n\
                static int both(void) { if (qemu_in_coroutine()) { co(); } return 0; }\n\
                int coroutine_fn entry(void) { return both(); }\n\
                void main_loop(void) { both(); }\n";
    let mixed_with = |kind: fn([ContextId; 3]) -> RuleKind| {
        let mut config = preset("qemu-coroutine").unwrap();
        let [co, mixed, blocking] = ["coroutine_fn", "coroutine_mixed_fn", "no_coroutine_fn"]
            .map(|name| config.contexts.by_name(name).unwrap());
        let mut rule = config.rules[0].clone();
        rule.kind = kind([co, mixed, blocking]);
        rule.skip = Guard::None;
        config.rules.push(rule);
        let session = Session::from_memory(config, &[("a.c".to_string(), text.as_bytes())]);
        let inference = infer(&session.graph, &session.config, false);
        inference
            .suggestions
            .iter()
            .filter(|s| s.confidence == Confidence::Guarded)
            .count()
    };
    // Only coroutine_fn may call a mixed function: main_loop() would break it.
    assert_eq!(
        mixed_with(|[co, mixed, _]| RuleKind::Direct {
            callee: mixed,
            callers: single(co),
        }),
        0
    );
    // A mixed function must not reach no_coroutine_fn: both() does not, so it is mixed.
    assert_eq!(
        mixed_with(|[_, mixed, blocking]| RuleKind::Reachability {
            from: mixed,
            forbidden: blocking,
            through: crate::context::Through::Any,
        }),
        1
    );
    // No no_coroutine_fn may reach a mixed function: none does.
    assert_eq!(
        mixed_with(|[_, mixed, blocking]| RuleKind::Reachability {
            from: blocking,
            forbidden: mixed,
            through: crate::context::Through::Any,
        }),
        1
    );
    // No coroutine_fn may reach a mixed function: entry() does.
    assert_eq!(
        mixed_with(|[co, mixed, _]| RuleKind::Reachability {
            from: co,
            forbidden: mixed,
            through: crate::context::Through::Any,
        }),
        0
    );
}

#[test]
fn guarded_uses_neither_demand_nor_force_the_context() {
    let text = "int coroutine_fn co(void) { return 0; }\n\
                int coroutine_mixed_fn mixed(void) { return 0; }\n\
                static int guarded(void) { if (qemu_in_coroutine()) { return co(); } return 0; }\n\
                static int outside(void) { return mixed(); }\n\
                static int mid(void) { if (!qemu_in_coroutine()) { return outside(); } return mixed(); }\n\
                int coroutine_fn entry(void) { return guarded() + mid(); }\n";
    // The guarded call of co() forces nothing; outside() runs only outside coroutines.
    assert_eq!(
        infer_text("qemu-coroutine", text, false),
        [
            "guarded coroutine_fn CallersAgree",
            "mid coroutine_fn CallersAgree"
        ]
    );
}

#[test]
fn a_helper_reached_only_through_a_guessed_step_is_left_out() {
    let text = "int coroutine_fn co(void) { return 0; }\n\
                static int bound(void) { return co(); }\n\
                static const Ops ops = { .run = bound };\n\
                static int dispatches(Ops *o) { return o->run(); }\n\
                static int direct(void) { return co(); }\n\
                int coroutine_fn entry(Ops *o) { return dispatches(o) + direct(); }\n";
    // dispatches() reaches co() only through the callback field, a guessed step.
    assert_eq!(
        infer_text("qemu-coroutine", text, false),
        ["direct coroutine_fn Forced"]
    );
    assert_eq!(
        infer_text("qemu-coroutine", text, true),
        [
            "dispatches coroutine_fn CallersAgree",
            "direct coroutine_fn Forced"
        ]
    );
}

#[test]
fn markers_follow_callers_and_callees() {
    let text = "void gs(void) { GLOBAL_STATE_CODE(); }\n\
                void io(void) { IO_CODE(); helper(); }\n\
                static void helper(void) { }\n\
                void either(void) { IO_OR_GS_CODE(); mid(); }\n\
                static void mid(void) { }\n\
                void main_loop(void) { GLOBAL_STATE_CODE(); up(); }\n\
                static void up(void) { gs(); }\n";
    assert_eq!(
        infer_text("qemu-block", text, false),
        [
            "helper IO_CODE Forced",
            // IO_OR_GS_CODE callers leave IO_CODE or IO_OR_GS_CODE: all callers agree.
            "mid IO_OR_GS_CODE CallersAgree",
            "up GLOBAL_STATE_CODE Forced",
        ]
    );
}

#[test]
fn a_deep_chain_does_not_overflow() {
    let depth = 20_000;
    let mut text = String::from("int coroutine_fn co(void) { return 0; }\n");
    text.push_str("int coroutine_fn f0(void) { return f1(); }\n");
    for i in 1..depth {
        text.push_str(&format!(
            "static int f{i}(void) {{ return f{}(); }}\n",
            i + 1
        ));
    }
    text.push_str(&format!("static int f{depth}(void) {{ return co(); }}\n"));
    let got = infer_text("qemu-coroutine", &text, false);
    assert_eq!(got.len(), depth);
    assert!(got.iter().all(|line| line.ends_with("coroutine_fn Forced")));

    let mut text = String::from("void f0(void) { IO_CODE(); f1(); }\n");
    for i in 1..depth {
        text.push_str(&format!("static void f{i}(void) {{ f{}(); }}\n", i + 1));
    }
    text.push_str(&format!("void f{depth}(void) {{ GLOBAL_STATE_CODE(); }}\n"));
    let got = infer_text("qemu-block", &text, false);
    // The first helper is a conflict; the ones after it have a caller that stays
    // unannotated, so they get nothing.
    assert_eq!(got, ["f1 !conflict"]);
}
