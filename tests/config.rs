//! End-to-end tests of configuration: discovery, presets, attribute contexts, both rule kinds,
//! both `through` settings, excludes, `--print-config`, and one clear line per bad config.

mod common;

use common::{callcheck, scratch};
use std::fs;
use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in `dir` (relative to the repository root).
fn callcheck_in(dir: &str, args: &[&str]) -> (String, String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_callcheck"))
        .args(args)
        .current_dir(root().join(dir))
        .output()
        .expect("run callcheck");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap(),
    )
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).expect(path)
}

#[test]
fn discovered_config_with_coroutine_preset_and_exclude() {
    let (stdout, stderr, code) = callcheck_in("testdata/config/coroutine", &[]);
    assert_eq!(stdout, read("testdata/config/coroutine/expected.txt"));
    assert_eq!((stderr.as_str(), code), ("", 1));
    assert!(!stdout.contains("excluded_plain"), "tests/** is excluded");
    assert!(
        !stdout.contains("calls_other_local"),
        "a static prototype stays in its file"
    );
    assert!(
        stdout.contains("plain_local() -> local_co()"),
        "but holds in its own"
    );
    assert!(
        stdout.contains("other_plain() -> co_after()"),
        "attribute after parameters"
    );
    assert!(
        stdout.contains("plain_caller() -> co_read()"),
        "attribute on prototype only"
    );
    assert!(
        !stdout.contains("co_via_annotated"),
        "through = unannotated stops at an annotated function"
    );
}

#[test]
fn config_is_found_in_a_parent_directory() {
    let (stdout, _, code) = callcheck_in("testdata/config/coroutine/include", &["../co.c"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("is not coroutine_fn"), "{stdout}");
}

#[test]
fn json_names_rule_and_kind() {
    let (stdout, _, _) = callcheck_in("testdata/config/coroutine", &["--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let violations = value["violations"].as_array().unwrap();
    let direct = violations
        .iter()
        .find(|v| v["function"] == "plain_caller")
        .unwrap();
    assert_eq!(direct["kind"], "direct");
    assert_eq!(direct["rule"], "coroutine-fn-caller");
    assert_eq!(direct["context"], serde_json::Value::Null);
    assert_eq!(direct["calls"], "coroutine_fn");
    assert!(direct["message"].as_str().unwrap().contains("osdep.h"));
    let reach = violations
        .iter()
        .find(|v| v["function"] == "co_blocks")
        .unwrap();
    assert_eq!(reach["kind"], "reachability");
    assert_eq!(reach["context"], "coroutine_fn");
    assert_eq!(
        reach["path"],
        serde_json::json!(["co_blocks", "helper_unannotated", "blocking_wait"])
    );
}

#[test]
fn through_any_and_unannotated() {
    for setting in ["any", "unannotated"] {
        let (stdout, stderr, code) = callcheck_in(
            "testdata/config/through",
            &["--config", &format!("{setting}.toml")],
        );
        assert_eq!(
            stdout,
            read(&format!("testdata/config/through/{setting}.expected.txt"))
        );
        assert_eq!((stderr.as_str(), code), ("", 1));
    }
}

#[test]
fn config_paths_are_relative_to_the_config_file() {
    let run = callcheck(&["--config", "testdata/config/through/any.toml"]);
    assert_eq!(run.stdout, read("testdata/config/through/any.expected.txt"));
    let json = callcheck(&[
        "--config",
        "testdata/config/through/any.toml",
        "--format",
        "json",
    ]);
    assert!(
        json.stdout
            .contains("\"file\":\"testdata/config/through/chain.c\"")
    );
}

#[test]
fn preset_flag_and_unknown_preset() {
    let run = callcheck(&["--preset", "qemu-block", "testdata/example"]);
    assert_eq!(run.stdout, read("testdata/example/expected/text.out"));
    let bad = callcheck(&["--preset", "linux", "testdata/example"]);
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr,
        "callcheck: --preset: unknown preset `linux` (known: qemu-block, qemu-coroutine, qemu)\n"
    );
}

#[test]
fn printed_config_round_trips() {
    let printed = callcheck(&["--print-config", "--preset", "qemu"]);
    assert_eq!(printed.code, 0);
    for needle in [
        "name = \"GLOBAL_STATE_CODE\"",
        "marker = \"IO_CODE\"",
        "attribute = [\"coroutine_fn\"]",
        "through = \"unannotated\"",
        "callers = [\"coroutine_fn\", \"coroutine_mixed_fn\"]",
    ] {
        assert!(printed.stdout.contains(needle), "missing {needle}");
    }
    let dir = scratch("print_config");
    let file = dir.join("printed.toml");
    fs::write(&file, &printed.stdout).unwrap();
    let file = file.display().to_string();
    let with_file = callcheck(&[
        "--config",
        &file,
        "testdata/example",
        "testdata/config/coroutine",
    ]);
    let with_preset = callcheck(&[
        "--preset",
        "qemu",
        "testdata/example",
        "testdata/config/coroutine",
    ]);
    assert_eq!(with_file.stdout, with_preset.stdout);
    assert!(with_file.stdout.contains("blk_drain()"));
    assert!(with_file.stdout.contains("is not coroutine_fn"));
}

#[test]
fn default_print_config_is_check_calls() {
    let printed = callcheck(&["--print-config"]);
    assert!(
        printed
            .stdout
            .contains("forbid = [\"GLOBAL_STATE_CODE\", \"IO_OR_GS_CODE\"]")
    );
    assert!(!printed.stdout.contains("coroutine_fn"));
}

#[test]
fn bad_configs_give_one_clear_line() {
    let dir = scratch("bad_configs");
    let cases = [
        ("colour = \"red\"\n", "1:1: unknown field `colour`"),
        (
            "[[context]]\nname = \"A\"\nmarker = \"A\"\n[[rule]]\nfrom = \"A\"\nforbid = [\"NOPE\"]\n",
            "6:11: unknown context `NOPE`",
        ),
        (
            "[[context]]\nname = \"A\"\nmarker = \"A\"\nattribute = \"a\"\n",
            "2:8: context `A` needs exactly one of `marker` or `attribute`",
        ),
        (
            "[[context]]\nname = \"A\"\nmarker = \"A\"\n[[rule]]\nfrom = \"A\"\ncallers = [\"A\"]\n",
            "5:8: a rule needs either `from` and a non-empty `forbid`",
        ),
        ("[[rule]\n", "1:8: unclosed array table"),
        (
            "preset = 3\n",
            "1:10: invalid type: integer `3`, expected a string",
        ),
        (
            "preset = \"qemu-block\"\nexclude = [\"[\"]\n",
            "invalid exclude glob `[`",
        ),
    ];
    for (index, (text, expected)) in cases.iter().enumerate() {
        let file = dir.join(format!("bad{index}.toml"));
        fs::write(&file, text).unwrap();
        let file = file.display().to_string();
        let run = callcheck(&["--config", &file, "testdata/example"]);
        assert_eq!(run.code, 2, "{text:?}");
        assert_eq!(run.stdout, "");
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "one line for {text:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.starts_with(&format!("callcheck: {file}")) && run.stderr.contains(expected),
            "{text:?}: {}",
            run.stderr
        );
    }
    let missing = callcheck(&["--config", "testdata/none.toml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.starts_with(
            "callcheck: testdata/none.toml: cannot read the configuration: No such file"
        )
    );
}

#[test]
#[cfg(unix)]
fn nothing_under_an_excluded_directory_is_read_or_reported() {
    // Neither the violation in roms/sub/x.c nor the link loop beside it (with --follow).
    let dir = scratch("exclude_prunes");
    fs::create_dir_all(dir.join("roms/sub")).unwrap();
    std::os::unix::fs::symlink(dir.join("roms"), dir.join("roms/sub/loop")).unwrap();
    fs::write(
        dir.join("roms/sub/x.c"),
        "void io(void) { IO_CODE(); gs(); }\n",
    )
    .unwrap();
    fs::write(dir.join("a.c"), "void gs(void) { GLOBAL_STATE_CODE(); }\n").unwrap();
    fs::write(
        dir.join("callcheck.toml"),
        "exclude = [\"roms/**\"]\npreset = \"qemu-block\"\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_callcheck"))
        .args(["--follow"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_presets_exclusions_apply_to_the_tree_checked_wherever_the_configuration_lives() {
    // testdata/guards/tree has firmware under roms/ that the presets leave out. A configuration
    // kept outside the tree must leave it out too: the preset's `roms/**` means the tree's.
    let elsewhere = common::scratch("preset-exclude-elsewhere");
    let config = elsewhere.join("callcheck.toml");
    fs::write(&config, "preset = \"qemu-block\"\n").unwrap();
    let tree = common::fixture_copy("testdata/guards/tree", "preset-exclude-tree");
    let (config, tree) = (config.to_str().unwrap(), tree.to_str().unwrap());
    let run = common::callcheck_in(&elsewhere, &["--config", config, "--format", "gcc", tree]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout.matches("error:").count(), 1, "{}", run.stdout);
    assert!(!run.stdout.contains("roms/"), "{}", run.stdout);

    // A glob the file writes itself stays relative to the file's directory.
    fs::write(
        elsewhere.join("callcheck.toml"),
        "preset = \"qemu-block\"\nexclude = [\"block/**\"]\n",
    )
    .unwrap();
    let run = common::callcheck_in(&elsewhere, &["--config", config, "--format", "gcc", tree]);
    assert_eq!(run.stdout.matches("error:").count(), 1, "{}", run.stdout);
}

#[test]
fn without_brings_back_what_the_presets_leave_out() {
    // testdata/guards/tree: the presets leave roms/ out and stop at error_vprintf().
    let dir = common::fixture_copy("testdata/guards/tree", "without-tree");
    let run = common::callcheck_in(&dir, &["--format", "gcc", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("error:").count(), 1, "{}", run.stdout);
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu-block\"\n[without]\nexclude = [\"roms/**\"]\n\
         boundary = [\"error_vprintf\"]\n",
    )
    .unwrap();
    let run = common::callcheck_in(&dir, &["."]);
    for function in ["bdrv_co_preadv", "bdrv_co_pwritev", "bdrv_co_pdiscard"] {
        assert!(run.stdout.contains(function), "{function}: {}", run.stdout);
    }
    assert!(run.stdout.contains("printf() -> bdrv_graph_wrlock()"));
    assert!(run.stdout.contains("error_vprintf() -> monitor_vprintf()"));

    // testdata/guards/qemu: without the guard, every branch is read.
    let dir = common::fixture_copy("testdata/guards/qemu", "without-guard");
    let guarded = common::callcheck_in(&dir, &["."]);
    assert_eq!(
        guarded.stdout.matches("Error:").count(),
        2,
        "{}",
        guarded.stdout
    );
    // The same wrapper, its calls unguarded.
    let config = fs::read_to_string(dir.join("callcheck.toml")).unwrap();
    let config = config
        .replace("target_guard = \"inside\"\n", "")
        .replace("calls_outside", "calls_too")
        .replace("calls = [\"qemu_in_coroutine\"]\ncalls_too", "calls");
    fs::write(
        dir.join("callcheck.toml"),
        format!("{config}[without]\nguard = [\"qemu_in_coroutine\"]\n"),
    )
    .unwrap();
    let unguarded = common::callcheck_in(&dir, &["."]);
    assert!(
        unguarded
            .stdout
            .contains("bdrv_co_close() -> bdrv_flush() [generated] -> bdrv_poll_co()"),
        "{}",
        unguarded.stdout
    );
    assert_eq!(unguarded.stdout.matches("Error:").count(), 7);
}

#[test]
fn print_config_shows_the_presets_boundaries_with_their_reasons() {
    let run = callcheck(&["--print-config", "--preset", "qemu"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("exclude = [\"roms/**\", \"**/*-win32.c\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("function = \"error_vprintf\""));
    assert!(
        run.stdout
            .contains("Print a message to current monitor if we have one")
    );
    assert!(run.stdout.contains("condition = \"qemu_in_coroutine\""));
    assert!(run.stdout.contains("calls_outside = ["));
}

#[test]
fn contexts_lists_the_boundaries_with_their_reasons() {
    let dir = scratch("contexts-boundaries");
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu\"\n[[boundary]]\nfunction = \"bh_cb\"\nreason = \"a bottom half \
         runs in the main loop\"\n",
    )
    .unwrap();
    fs::write(dir.join("a.c"), "void bh_cb(void) { }\n").unwrap();
    let run = common::callcheck_in(&dir, &["contexts", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("boundaries (4): paths stop here\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  bh_cb()  [config]  a bottom half runs in the main loop\n")
    );
    assert!(
        run.stdout
            .contains("  error_vprintf()  [preset]  util/error-report.c: \"Print")
    );
    let run = common::callcheck_in(&dir, &["contexts", "--format", "json", "."]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let functions: Vec<&str> = value["boundaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["function"].as_str().unwrap())
        .collect();
    assert!(functions.contains(&"bh_cb") && functions.contains(&"error_vprintf"));
    assert!(
        value["boundaries"][0]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
}
