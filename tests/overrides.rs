//! End-to-end tests of context overrides on `testdata/overrides/`: a function whose header
//! declares it `coroutine_mixed_fn` and whose definition says `coroutine_fn` is read as
//! `coroutine_mixed_fn` under the QEMU presets, so its plain callers break no rule, and the
//! disagreement is a `conflicting-contexts` warning at its definition. A function that is only
//! `coroutine_fn` keeps its callers checked, a configuration without the override reports both
//! callers, and an override that names no context (or its own) is a configuration error.

mod common;

use common::{callcheck, callcheck_in, scratch, subjects};
use std::fs;

#[test]
fn the_overriding_context_is_what_callers_see() {
    let run = callcheck(&["testdata/overrides"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(subjects(&run.stdout), ["load_section"], "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "warning: testdata/overrides/qemu-file.c:4: qemu_get_counted_string() is coroutine_fn \
             (attribute on definition) and coroutine_mixed_fn (attribute on prototype): rules \
             read it as coroutine_mixed_fn"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_conflict_is_a_structured_diagnostic() {
    let run = callcheck(&["--format", "json", "testdata/overrides"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "conflicting-contexts");
    assert_eq!(diagnostics[0]["severity"], "warning");
    assert_eq!(diagnostics[0]["file"], "testdata/overrides/qemu-file.c");
    assert_eq!(diagnostics[0]["line"], 4);
}

/// A configuration with the coroutine contexts and the caller rule, `overrides` as given.
fn config_with(overrides: &str) -> String {
    format!(
        "[[context]]\nname = \"coroutine_fn\"\nattribute = \"coroutine_fn\"\n\n\
         [[context]]\nname = \"coroutine_mixed_fn\"\nattribute = \"coroutine_mixed_fn\"\n{overrides}\n\
         [[rule]]\ncallee = \"coroutine_fn\"\ncallers = [\"coroutine_fn\", \"coroutine_mixed_fn\"]\n"
    )
}

#[test]
fn without_the_override_both_callers_are_reported() {
    let dir = scratch("overrides-none");
    let config = dir.join("callcheck.toml");
    fs::write(&config, config_with("")).unwrap();
    let run = callcheck(&["--config", config.to_str().unwrap(), "testdata/overrides"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        subjects(&run.stdout),
        ["load_header", "load_section"],
        "{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains("conflicting-contexts"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("rules read it as"), "{}", run.stderr);
}

#[test]
fn an_override_must_name_another_context() {
    for (overrides, error) in [
        (
            "overrides = [\"coroutin_fn\"]",
            "unknown context `coroutin_fn`",
        ),
        (
            "overrides = [\"coroutine_mixed_fn\"]",
            "context `coroutine_mixed_fn` cannot override itself",
        ),
    ] {
        let dir = scratch("overrides-bad");
        fs::write(dir.join("callcheck.toml"), config_with(overrides)).unwrap();
        fs::write(dir.join("a.c"), "void f(void) {}\n").unwrap();
        let run = callcheck_in(&dir, &["."]);
        assert_eq!(run.code, 2, "{overrides}: {}", run.stderr);
        assert!(run.stderr.contains(error), "{overrides}: {}", run.stderr);
        assert!(run.stderr.contains("callcheck.toml"), "{}", run.stderr);
    }
}
