//! End-to-end tests of issue 14's report precision on `testdata/causes/` (`--preset qemu`):
//! fields are never subjects, the binding rules report at the binding, violations are grouped
//! by cause in every format, guessed steps are marked, and `--certain` keeps only paths the
//! graph knows.

mod common;

use common::{callcheck, fixture_copy};
use serde_json::Value;
use std::fs;

const CASE: &str = "testdata/causes";
const CONFIG: &str = "testdata/causes/callcheck.toml";

/// Runs the check on the fixture in `format` with `extra` arguments.
fn run(format: &str, extra: &[&str]) -> common::Run {
    let mut args = vec!["--format", format, "--config", CONFIG];
    args.extend_from_slice(extra);
    args.push(CASE);
    callcheck(&args)
}

fn json(extra: &[&str]) -> Value {
    let run = run("json", extra);
    assert_eq!(run.code, 1, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn violations(document: &Value) -> &Vec<Value> {
    document["violations"].as_array().unwrap()
}

/// The violations' functions, in report order.
fn subjects(document: &Value) -> Vec<&str> {
    violations(document)
        .iter()
        .map(|v| v["function"].as_str().unwrap())
        .collect()
}

/// Line and 1-based column of the first occurrence of `needle` in the fixture file `file`.
fn position(file: &str, needle: &str) -> (u64, u64) {
    let text = fs::read_to_string(format!("{CASE}/{file}")).unwrap();
    let at = text.find(needle).expect(needle);
    let line = text[..at].matches('\n').count() as u64 + 1;
    let column = (at - text[..at].rfind('\n').map_or(0, |n| n + 1)) as u64 + 1;
    (line, column)
}

#[test]
fn a_field_is_never_a_subject_its_caller_is() {
    let document = json(&[]);
    for violation in violations(&document) {
        assert!(
            violation["hops"][0].get("node").is_none(),
            "a field is the subject of {violation}"
        );
    }
    let caller = violations(&document)
        .iter()
        .find(|v| v["rule"] == "coroutine-fn-caller")
        .unwrap();
    assert_eq!(caller["function"], "bdrv_read_sync");
    assert_eq!(
        caller["path"],
        serde_json::json!(["bdrv_read_sync", "BlockDriver.bdrv_co_preadv"])
    );
}

#[test]
fn binding_rules_report_at_the_binding_in_every_format() {
    let (line, column) = position("block/drv.c", "drv_preadv,");
    let document = json(&[]);
    let binding = violations(&document)
        .iter()
        .find(|v| v["function"] == "drv_preadv")
        .unwrap();
    assert_eq!(binding["rule"], "coroutine-fn-binding");
    assert_eq!(binding["kind"], "binding");
    assert_eq!(
        (&binding["file"], &binding["line"], &binding["column"]),
        (
            &Value::from("testdata/causes/block/drv.c"),
            &Value::from(line),
            &Value::from(column)
        )
    );
    let gcc = run("gcc", &[]).stdout;
    let error = format!(
        "testdata/causes/block/drv.c:{line}:{column}: error: drv_preadv() is bound to \
         BlockDriver.bdrv_co_preadv, which is coroutine_fn, but is not coroutine_fn or \
         coroutine_mixed_fn [coroutine-fn-binding]"
    );
    assert!(gcc.lines().any(|l| l == error), "{gcc}");
    let sarif: Value = serde_json::from_str(&run("sarif", &[]).stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "no-coroutine-fn-binding")
        .unwrap();
    let (probe_line, probe_column) = position("block/drv.c", "drv_probe,");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"]),
        (&Value::from(probe_line), &Value::from(probe_column))
    );
    let human = run("human", &[]).stdout;
    assert!(
        human.contains(&format!(
            "(bound at testdata/causes/util/coroutine.c:{})",
            { position("util/coroutine.c", "co->entry = terminate").0 }
        )),
        "{human}"
    );
    // A coroutine_fn bound to a coroutine_fn field is fine.
    assert!(!subjects(&document).contains(&"co_body"));
}

#[test]
fn violations_that_share_the_last_step_share_a_cause_in_every_format() {
    let human = run("human", &[]).stdout;
    let summary: Vec<&str> = human
        .lines()
        .skip_while(|l| !l.ends_with("violations"))
        .collect();
    assert_eq!(summary[0], "9 violations");
    assert_eq!(summary[1], "6 causes:");
    assert_eq!(
        summary[2],
        "  3 violations reach bdrv_pread() via read_header()"
    );
    // drv_probe() breaks two rules at one binding: one cause.
    assert_eq!(
        summary[3],
        "  2 violations reach BlockDriver.bdrv_probe via drv_probe()"
    );
    assert_eq!(summary.len(), 8, "{human}");

    let document = json(&[]);
    let key = |function: &str| {
        violations(&document)
            .iter()
            .find(|v| v["function"] == function)
            .map(|v| v["cause"]["key"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(key("bdrv_co_open_a"), key("bdrv_co_open_c"));
    assert_ne!(key("bdrv_co_open_a"), key("bdrv_co_flush"));
    assert_eq!(document["causes"][0]["violations"], 3);
    assert_eq!(document["causes"][0]["caller"], "read_header");

    let sarif: Value = serde_json::from_str(&run("sarif", &[]).stdout).unwrap();
    let cause_of = |function: &str| {
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let result = results
            .iter()
            .find(|r| {
                r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{function}()"))
            })
            .unwrap();
        result["partialFingerprints"]["callcheck/cause/v1"].clone()
    };
    assert_eq!(cause_of("bdrv_co_open_a"), cause_of("bdrv_co_open_b"));
    assert_ne!(cause_of("bdrv_co_open_a"), cause_of("terminate"));
}

#[test]
fn group_by_cause_prints_a_block_per_cause_in_human_only() {
    let grouped = run("human", &["--group-by", "cause"]);
    assert_eq!(grouped.code, 1);
    let lines: Vec<&str> = grouped.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "cause: 3 violations reach bdrv_pread() via read_header()"
    );
    let errors_under_first: Vec<&str> = lines[1..]
        .iter()
        .take_while(|l| !l.starts_with("cause:"))
        .filter(|l| l.starts_with("error:"))
        .copied()
        .collect();
    assert_eq!(errors_under_first.len(), 3, "{}", grouped.stdout);
    assert!(
        errors_under_first
            .iter()
            .all(|l| l.contains("bdrv_co_open_"))
    );
    let causes = lines.iter().filter(|l| l.starts_with("cause:")).count();
    assert_eq!(causes, 6);
    for format in ["text", "gcc", "json", "sarif", "dot"] {
        let refused = run(format, &["--group-by", "cause"]);
        assert_eq!(refused.code, 2, "{format}");
        assert!(
            refused
                .stderr
                .contains("--group-by applies to --format human only"),
            "{}",
            refused.stderr
        );
        assert!(refused.stdout.is_empty());
    }
}

#[test]
fn steps_through_fields_are_marked_guessed() {
    let document = json(&[]);
    let flush = violations(&document)
        .iter()
        .find(|v| v["function"] == "bdrv_co_flush")
        .unwrap();
    let guessed: Vec<bool> = flush["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.get("guessed").is_some_and(|g| g == true))
        .collect();
    // The member call names a typed field; the step from the field to what is bound is a guess.
    assert_eq!(guessed, [false, false, true, false]);
    let human = run("human", &[]).stdout;
    let marked: Vec<&str> = human.lines().filter(|l| l.contains("[guessed]")).collect();
    assert_eq!(marked.len(), 1, "{human}");
    assert!(marked[0].contains("drv_flush()"));
    let gcc = run("gcc", &[]).stdout;
    assert!(
        gcc.lines()
            .any(|l| l.ends_with("note: BlockDriver.bdrv_flush is bound to drv_flush() [guessed]")),
        "{gcc}"
    );
}

#[test]
fn certain_keeps_only_paths_without_guessed_steps() {
    let all = json(&[]);
    let certain = json(&["--certain"]);
    assert!(subjects(&all).contains(&"bdrv_co_flush"));
    let kept = subjects(&certain);
    assert!(!kept.contains(&"bdrv_co_flush"), "{kept:?}");
    for function in [
        "bdrv_co_open_a",
        "bdrv_read_sync",
        "drv_preadv",
        "terminate",
    ] {
        assert!(kept.contains(&function), "{function} in {kept:?}");
    }
    assert!(
        violations(&certain)
            .iter()
            .flat_map(|v| v["hops"].as_array().unwrap())
            .all(|h| h.get("guessed").is_none())
    );

    // The same as a rule option.
    let dir = fixture_copy(CASE, "causes-certain-rule");
    fs::write(
        dir.join("callcheck.toml"),
        "[[context]]\nname = \"coroutine_fn\"\nattribute = \"coroutine_fn\"\n\
         [[context]]\nname = \"no_coroutine_fn\"\nattribute = \"no_coroutine_fn\"\n\
         [[rule]]\nfrom = \"coroutine_fn\"\nforbid = [\"no_coroutine_fn\"]\nedges = \"all\"\n\
         certain = true\n",
    )
    .unwrap();
    let run = common::callcheck_in(&dir, &["--format", "json", "."]);
    let document: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        subjects(&document),
        ["bdrv_co_open_a", "bdrv_co_open_b", "bdrv_co_open_c"]
    );
}

#[test]
fn a_binding_rule_needs_its_shape() {
    let dir = common::scratch("causes-binding-shape");
    fs::write(
        dir.join("callcheck.toml"),
        "[[context]]\nname = \"coroutine_fn\"\nattribute = \"coroutine_fn\"\n\
         [[rule]]\nbinding = \"coroutine_fn\"\n",
    )
    .unwrap();
    fs::write(dir.join("a.c"), "void f(void) { }\n").unwrap();
    let run = common::callcheck_in(&dir, &["."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("callcheck.toml:5:11: a binding rule needs `binding` and a non-empty"),
        "{}",
        run.stderr
    );
}
