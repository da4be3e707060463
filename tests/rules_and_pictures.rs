//! End-to-end tests of the rules as documentation (`rules`, `explain`) and of the pictures
//! (`graph` as DOT: legend, edge styles, default depth, `--max-nodes`). Each runs the real
//! binary.

mod common;

use common::{callcheck, callcheck_in, scratch};
use serde_json::Value;
use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// A configuration on top of a preset, with a rule of its own that has a description and an
/// example.
const OWN_RULE: &str = r#"preset = "qemu-block"

[[context]]
name = "irq_fn"
attribute = "irq_fn"

[[rule]]
name = "irq-reaches-global-state"
from = "irq_fn"
forbid = ["GLOBAL_STATE_CODE"]
description = "Interrupt handlers run without the BQL."
example = """
void qemu_mutex_lock_iothread(void)
{
    GLOBAL_STATE_CODE();
}

void irq_fn serial_irq(void)
{
    qemu_mutex_lock_iothread();
}
"""
"#;

#[test]
fn rules_lists_the_effective_configuration() {
    let dir = scratch("rules_effective");
    fs::write(dir.join("callcheck.toml"), OWN_RULE).unwrap();
    fs::write(dir.join("a.c"), "void f(void) { }\n").unwrap();
    // From inside the directory, and from its parent with the directory as PATH.
    let inside = callcheck_in(&dir, &["rules", "--format", "json"]);
    let parent = dir.parent().unwrap();
    let name = dir.file_name().unwrap().to_str().unwrap();
    let outside = callcheck_in(parent, &["rules", "--format", "json", name]);
    for run in [&inside, &outside] {
        assert_eq!(run.code, 0, "{}", run.stderr);
        let listed = json(&run.stdout);
        let names: Vec<&str> = listed["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "io-reaches-global-state",
                "io-or-gs-reaches-global-state",
                "irq-reaches-global-state"
            ]
        );
        let own = &listed["rules"][2];
        assert_eq!(
            own["description"],
            "Interrupt handlers run without the BQL."
        );
        assert_eq!(own["kind"], "reachability");
        assert_eq!(
            own["contexts"],
            serde_json::json!(["GLOBAL_STATE_CODE", "irq_fn"])
        );
        assert!(
            listed["configuration"]
                .as_str()
                .unwrap()
                .contains("callcheck.toml (preset qemu-block)")
        );
        let contexts = listed["contexts"].as_array().unwrap();
        assert_eq!(contexts.len(), 4);
    }

    // Text: every rule with what it forbids, its edges and why; --calls-only narrows the edges.
    let text = callcheck_in(&dir, &["rules"]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout
            .contains("irq-reaches-global-state (reachability; edges: call, reference)"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains(
        "  irq_fn functions must not reach GLOBAL_STATE_CODE() functions, directly or through \
         any"
    ));
    assert!(
        text.stdout
            .contains("  why: Interrupt handlers run without the BQL.")
    );
    let calls = callcheck_in(&dir, &["--calls-only", "rules"]);
    assert!(
        calls
            .stdout
            .contains("irq-reaches-global-state (reachability; edges: call)"),
        "{}",
        calls.stdout
    );

    // A preset given before the subcommand is the configuration listed.
    let qemu = callcheck(&["--preset", "qemu", "rules", "--format", "json"]);
    assert_eq!(qemu.code, 0, "{}", qemu.stderr);
    assert_eq!(json(&qemu.stdout)["rules"].as_array().unwrap().len(), 6);
}

/// The violation blocks of a `human` report: each `error:` block, without the summary line.
fn blocks(report: &str) -> Vec<String> {
    report
        .split("\n\n")
        .map(str::trim)
        .filter(|block| block.starts_with("error:"))
        .map(str::to_string)
        .collect()
}

/// Checks that `explain NAME`'s example report is what the check reports on the example
/// written to a file: every violation of the rule, and nothing else of it.
fn example_report_is_the_check(dir: &std::path::Path, config: &[&str], name: &str) {
    let mut args = config.to_vec();
    args.extend(["explain", name, "--format", "json"]);
    let run = callcheck_in(dir, &args);
    assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    let explained = json(&run.stdout);
    let example = &explained["example"];
    assert_eq!(example["file"], "example.c", "{name}");
    assert!(example["violations"].as_u64().unwrap() > 0, "{name}");
    let file = dir.join("example.c");
    fs::write(&file, example["code"].as_str().unwrap()).unwrap();
    let mut args = config.to_vec();
    args.extend(["--format", "human", "--color", "never", "example.c"]);
    let checked = callcheck_in(dir, &args);
    fs::remove_file(file).unwrap();
    assert_eq!(checked.code, 1, "{name}: the example breaks a rule");
    let of_rule: Vec<String> = blocks(&checked.stdout)
        .into_iter()
        .filter(|block| block.contains(&format!("= rule: {name}\n")) || block.ends_with(name))
        .collect();
    assert!(!of_rule.is_empty(), "{name}: {}", checked.stdout);
    assert_eq!(
        blocks(example["report"].as_str().unwrap()),
        of_rule,
        "{name}: explain's report is the check's"
    );

    // The text page shows the same report, indented.
    let mut args = config.to_vec();
    args.extend(["explain", name]);
    let page = callcheck_in(dir, &args);
    assert_eq!(page.code, 0);
    assert!(page.stdout.starts_with(&format!("{name}\n")));
    assert!(page.stdout.contains("What it forbids:\n"));
    assert!(page.stdout.contains("callcheck reports:\n"));
    for line in of_rule.iter().flat_map(|block| block.lines()) {
        assert!(
            page.stdout.contains(&format!("    {line}\n")),
            "{name}: {line:?} missing from\n{}",
            page.stdout
        );
    }
}

#[test]
fn explain_reports_what_the_check_reports_on_the_example() {
    // Every rule of every preset is described and has an example that breaks it, under each
    // preset's own edges.
    let dir = scratch("explain_examples");
    for preset in ["qemu-block", "qemu-coroutine", "qemu"] {
        let run = callcheck_in(&dir, &["--preset", preset, "rules", "--format", "json"]);
        let listed = json(&run.stdout);
        for rule in listed["rules"].as_array().unwrap() {
            let name = rule["name"].as_str().unwrap();
            assert!(
                rule["description"].is_string(),
                "{preset} {name}: add a `description`"
            );
            assert!(
                rule["example"].is_string(),
                "{preset} {name}: add an `example`"
            );
            example_report_is_the_check(&dir, &["--preset", preset], name);
        }
    }
    // A rule of the user's own configuration, with its own example, in the same way.
    let own = scratch("explain_own_rule");
    fs::write(own.join("callcheck.toml"), OWN_RULE).unwrap();
    example_report_is_the_check(&own, &[], "irq-reaches-global-state");
}

#[test]
fn explain_without_an_example_says_how_to_add_one() {
    let dir = scratch("explain_no_example");
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu-block\"\n[[rule]]\nname = \"bare\"\nfrom = \"IO_OR_GS_CODE\"\n\
         forbid = [\"IO_CODE\"]\n",
    )
    .unwrap();
    let run = callcheck_in(&dir, &["explain", "bare"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("No example: give the rule an `example`")
    );
    let data = json(&callcheck_in(&dir, &["explain", "bare", "--format", "json"]).stdout);
    assert!(data["example"].is_null());
    assert!(data["description"].is_null());
}

#[test]
fn explain_an_unknown_rule_suggests_the_closest() {
    let run = callcheck(&["--preset", "qemu", "explain", "coroutine-fn-caler"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "callcheck: no rule named coroutine-fn-caler in the configuration (known: \
         io-reaches-global-state, io-or-gs-reaches-global-state, coroutine-fn-caller, \
         coroutine-reaches-no-coroutine-fn, coroutine-fn-binding, no-coroutine-fn-binding); \
         did you mean coroutine-fn-caller?\n"
    );
    let far = callcheck(&["explain", "zzz"]);
    assert_eq!(far.code, 2);
    assert!(!far.stderr.contains("did you mean"), "{}", far.stderr);
}

/// Renders `text` with graphviz's dot and asserts it is accepted without a warning; skipped
/// (unless CI requires it) when dot is not installed.
fn assert_valid_dot(text: &str) {
    if Command::new("dot").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CALLCHECK_REQUIRE_DOT").is_none(),
            "graphviz's dot is required here but not installed"
        );
        eprintln!("skipped: graphviz (dot) is not installed");
        return;
    }
    let mut dot = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    dot.stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = dot.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dot rejects it: {stderr}\n{text}");
    assert_eq!(stderr, "", "dot warns about:\n{text}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
}

const HIDDEN: [&str; 2] = ["--config", "testdata/hidden/callcheck.toml"];

#[test]
fn graph_dot_has_a_legend_and_a_style_per_edge_kind() {
    let mut args = HIDDEN.to_vec();
    args.extend(["graph", "testdata/hidden"]);
    let run = callcheck(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dot = run.stdout;
    assert_valid_dot(&dot);
    assert!(dot.contains("  subgraph cluster_legend {\n"));
    // The fixture has every kind of use; each is drawn its own way and explained.
    let styles = [
        ("call f()", None),
        (
            "reference (named, not called)",
            Some("[style=dashed, color=\"#777777\"]"),
        ),
        (
            "through a callback field",
            Some("[style=bold, color=\"#1f5fbf\"]"),
        ),
        ("call in a macro", Some("[style=dotted, color=\"#b45f06\"]")),
        (
            "generated wrapper's call",
            Some("[style=\"dashed,bold\", color=\"#38761d\"]"),
        ),
    ];
    let arrows: Vec<&str> = dot
        .lines()
        .filter(|l| l.starts_with("  n") && l.contains(" -> "))
        .collect();
    for (meaning, style) in styles {
        assert!(
            dot.contains(&format!("label=\"{meaning}\"")),
            "legend lacks {meaning}"
        );
        match style {
            Some(style) => assert!(
                arrows.iter().any(|a| a.ends_with(&format!(" {style};"))),
                "no arrow drawn {style}"
            ),
            None => assert!(arrows.iter().any(|a| !a.contains('['))),
        }
    }
    for shape in [
        "label=\"callback field\", shape=ellipse",
        "label=\"generated wrapper\", style=\"rounded,filled,dashed\"",
        "label=\"context IO_CODE\"",
        "label=\"no context\"",
    ] {
        assert!(dot.contains(shape), "legend lacks {shape}");
    }
    // The violations' picture has the legend too, and dot takes it.
    let mut args = HIDDEN.to_vec();
    args.extend(["--format", "dot", "testdata/hidden"]);
    let report = callcheck(&args);
    assert_eq!(report.code, 1);
    assert!(
        report
            .stdout
            .contains("label=\"focus, or start of a violation\"")
    );
    assert_valid_dot(&report.stdout);
}

/// The functions of a `graph --format json` picture, by name.
fn functions(picture: &Value) -> Vec<String> {
    picture["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn graph_focus_defaults_to_one_level() {
    let run = |depth: Option<&str>| {
        let mut args = vec!["graph", "--focus", "bdrv_ref", "--format", "json"];
        if let Some(depth) = depth {
            args.extend(["--depth", depth]);
        }
        args.push("testdata/example");
        json(&callcheck(&args).stdout)
    };
    let default = run(None);
    assert_eq!(default, run(Some("1")));
    assert_ne!(functions(&default), functions(&run(Some("2"))));
    assert_eq!(functions(&default), ["bdrv_ref", "blk_drain"]);
}

#[test]
fn max_nodes_keeps_the_nearest_and_says_what_it_cut() {
    let args = |format: &'static str, threads: &'static str| {
        vec![
            "graph",
            "--focus",
            "bdrv_co_yield_to_drain",
            "--depth",
            "3",
            "--format",
            format,
            "-j",
            threads,
            "testdata/example",
        ]
    };
    let whole = json(&callcheck(&args("json", "1")).stdout);
    let all = functions(&whole);
    assert!(all.len() > 6, "{all:?}");

    let mut capped_args = args("json", "1");
    capped_args.extend(["--max-nodes", "6"]);
    let capped = callcheck(&capped_args);
    assert_eq!(capped.code, 0);
    let picture = json(&capped.stdout);
    let mut kept = functions(&picture);
    kept.sort();
    // The focus and its four neighbours one level away, then the first two by name of those
    // two levels away.
    let one_level = json(
        &callcheck(&[
            "graph",
            "--focus",
            "bdrv_co_yield_to_drain",
            "--format",
            "json",
            "testdata/example",
        ])
        .stdout,
    );
    let mut expected = functions(&one_level);
    assert_eq!(expected.len(), 4);
    expected.extend([
        "bdrv_do_drained_begin_quiesce".into(),
        "bdrv_drain_all_begin".into(),
    ]);
    expected.sort();
    assert_eq!(kept, expected);
    let omitted = &picture["omitted"];
    assert_eq!(omitted["max_nodes"], 6);
    assert_eq!(omitted["functions"], (all.len() - 6) as u64);
    assert_eq!(omitted["of_functions"], all.len() as u64);
    let edges_left = picture["edges"].as_array().unwrap().len() as u64;
    assert_eq!(
        omitted["edges"].as_u64().unwrap() + edges_left,
        whole["edges"].as_array().unwrap().len() as u64
    );
    let said = format!(
        "callcheck: --max-nodes 6: {} of {} functions and {} of {} edges left out (kept: the \
         nearest to the focus, then by name)\n",
        all.len() - 6,
        all.len(),
        omitted["edges"],
        whole["edges"].as_array().unwrap().len()
    );
    assert_eq!(capped.stderr, said);

    // The same functions for any thread count, and the DOT says what it cut.
    let mut dot_args = args("dot", "2");
    dot_args.extend(["--max-nodes", "6"]);
    let dot = callcheck(&dot_args);
    assert_eq!(dot.code, 0);
    assert_eq!(dot.stderr, said);
    let sentence = said.trim_start_matches("callcheck: ").trim_end();
    assert!(dot.stdout.contains(&format!("  // {sentence}\n")));
    assert!(dot.stdout.contains(&format!("label=\"{sentence}\"")));
    let drawn = dot
        .stdout
        .lines()
        .filter(|l| l.starts_with("  n") && l.contains("[label="))
        .count();
    assert_eq!(drawn, 6);
    assert_valid_dot(&dot.stdout);

    // A cap the picture fits in cuts nothing and says nothing.
    let mut roomy = args("json", "1");
    roomy.extend(["--max-nodes", "1000"]);
    let roomy = callcheck(&roomy);
    assert_eq!(roomy.stderr, "");
    assert_eq!(json(&roomy.stdout), whole);
    let zero = callcheck(&["graph", "--max-nodes", "0", "testdata/example"]);
    assert_eq!(zero.code, 2);
}

#[test]
fn the_readme_shows_what_explain_prints() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let shown = readme
        .split("$ callcheck explain io-or-gs-reaches-global-state\n")
        .nth(1)
        .expect("the README shows explain")
        .split("\n$ callcheck explain io-reaches-globl-state\n")
        .collect::<Vec<_>>();
    let run = callcheck(&["explain", "io-or-gs-reaches-global-state"]);
    assert_eq!(run.code, 0);
    let printed: Vec<&str> = run.stdout.lines().collect();
    for line in shown[0].lines().filter(|l| *l != "...") {
        assert!(printed.contains(&line), "explain no longer prints {line:?}");
    }
    let error = shown[1].lines().next().unwrap();
    let unknown = callcheck(&["explain", "io-reaches-globl-state"]);
    assert_eq!(unknown.stderr, format!("{error}\n"));
}
