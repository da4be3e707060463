//! End-to-end tests of what adoption needs: suppressions in the source and in the
//! configuration, stale detection, baselines, the report filter for hooks, and the pre-commit
//! hook as the framework runs it.

mod common;

use common::{callcheck, callcheck_in, fixture_copy, scratch};
use std::fs;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).expect(path)
}

#[test]
fn every_suppression_form_with_stale_ones_reported() {
    let run = callcheck_in(&root().join("testdata/suppress"), &[]);
    assert_eq!(run.stdout, read("testdata/suppress/expected/text.out"));
    assert_eq!(run.stderr, read("testdata/suppress/expected.stderr"));
    assert_eq!(run.code, 1, "io_real() is still a violation");
}

#[test]
fn human_format_shows_the_reasons() {
    let run = callcheck_in(&root().join("testdata/suppress"), &["--format", "human"]);
    assert_eq!(run.stdout, read("testdata/suppress/expected.human"));
    assert!(run.stdout.contains("called only during startup"));
}

#[test]
fn strict_makes_stale_suppressions_fail() {
    let dir = fixture_copy("testdata/suppress", "strict");
    // Without the real violation, only the stale suppressions are left.
    let text = fs::read_to_string(dir.join("drain.c")).unwrap();
    fs::write(
        dir.join("drain.c"),
        text.replace(
            "    gs_ref();\n}\n\n// callcheck: alow",
            "}\n\n// callcheck: alow",
        ),
    )
    .unwrap();
    let relaxed = callcheck_in(&dir, &[]);
    assert_eq!((relaxed.stdout.as_str(), relaxed.code), ("", 0));
    let strict = callcheck_in(&dir, &["--strict"]);
    assert_eq!(strict.code, 1);
    assert!(strict.stderr.contains(
        "callcheck: error: stale suppression at ./drain.c:55: allow(IO_OR_GS_CODE) no longer \
         suppresses anything"
    ));
}

#[test]
fn stats_count_suppressions() {
    let run = callcheck_in(&root().join("testdata/suppress"), &["--stats"]);
    assert!(
        run.stderr
            .contains("suppressed: 2 violations by allow, 3 edges cut, 2 stale"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_cut_or_boundary_needs_a_reason() {
    let dir = scratch("no_reason");
    fs::write(
        dir.join("callcheck.toml"),
        "[[boundary]]\nfunction = \"f\"\nreason = \" \"\n",
    )
    .unwrap();
    let run = callcheck_in(&dir, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "callcheck: callcheck.toml:3:10: a suppression needs a reason: say why it is safe\n"
    );
}

#[test]
fn baseline_round_trip_survives_moved_lines() {
    let dir = fixture_copy("testdata/example", "baseline");
    let baseline = dir.join("callcheck-baseline.json");
    let baseline = baseline.to_str().unwrap();
    let write = callcheck_in(&dir, &["--write-baseline", baseline]);
    assert_eq!(write.code, 0);
    assert_eq!(
        write.stderr,
        format!("callcheck: wrote 7 violations to {baseline}\n")
    );
    let known = callcheck_in(&dir, &["--baseline", baseline]);
    assert_eq!((known.stdout.as_str(), known.code), ("", 0));
    assert_eq!(
        known.stderr,
        format!("callcheck: baseline {baseline}: 7 known violations not reported, 0 fixed since\n")
    );

    // Move blk_drain() down by three lines and add a new violation.
    let backend = dir.join("block/block-backend.c");
    let text = fs::read_to_string(&backend).unwrap();
    let text = text.replacen("/* Wrongly categorised", "\n\n\n/* Wrongly categorised", 1)
        + "\nvoid blk_new_violation(BlockBackend *blk)\n{\n    IO_CODE();\n    bdrv_ref(blk->bs);\n}\n";
    fs::write(&backend, text).unwrap();
    let moved = callcheck_in(&dir, &["--baseline", baseline]);
    assert_eq!(
        moved.stdout,
        "Error: blk_new_violation() is IO_CODE(), but calls GLOBAL_STATE_CODE() code\n       \
         blk_new_violation() -> bdrv_ref() -> GLOBAL_STATE_CODE()\n\n"
    );
    assert_eq!(moved.code, 1);
    assert!(
        moved
            .stderr
            .contains("7 known violations not reported, 0 fixed since")
    );

    // Fix blk_drain() (it was miscategorised): one baseline entry is fixed now.
    let text = fs::read_to_string(&backend).unwrap();
    let text = text.replacen("    IO_OR_GS_CODE();\n    if (bs) {", "    if (bs) {", 1);
    fs::write(&backend, text).unwrap();
    let fixed = callcheck_in(&dir, &["--baseline", baseline]);
    assert!(
        fixed
            .stderr
            .contains("6 known violations not reported, 1 fixed since"),
        "{}",
        fixed.stderr
    );
}

#[test]
fn bad_baseline_is_a_clear_error() {
    let run = callcheck(&[
        "--baseline",
        "testdata/example/expected/text.out",
        "testdata/example",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("callcheck: testdata/example/expected/text.out: not a callcheck baseline"),
        "{}",
        run.stderr
    );
}

#[test]
fn report_filter_keeps_paths_through_the_changed_files() {
    let run = callcheck(&[
        "--report-files",
        "testdata/example/block.c",
        "--",
        "testdata/example",
    ]);
    let functions: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Error: "))
        .map(|l| l.split("()").next().unwrap())
        .collect();
    // blk_drain() is defined in block-backend.c, but its path goes through bdrv_ref() in block.c.
    assert_eq!(functions, ["bdrv_get_full_backing_filename", "blk_drain"]);
    assert_eq!(run.code, 1);
    let untouched = callcheck(&[
        "--report-files",
        "testdata/example/include/block/block-io.h",
        "--",
        "testdata/example",
    ]);
    assert_eq!((untouched.stdout.as_str(), untouched.code), ("", 0));
}

#[test]
fn changed_since_asks_git() {
    let dir = fixture_copy("testdata/example", "changed_since");
    common::git_commit_all(&dir);
    let block = dir.join("block.c");
    let text = fs::read_to_string(&block).unwrap();
    fs::write(&block, text + "\n/* touched */\n").unwrap();
    let run = callcheck_in(&dir, &["--changed-since", "HEAD"]);
    assert!(run.stdout.contains("Error: blk_drain()"), "{}", run.stdout);
    assert!(!run.stdout.contains("bdrv_drained_end_no_poll"));
    let bad = callcheck_in(&dir, &["--changed-since", "no-such-rev"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .starts_with("callcheck: git diff no-such-rev failed")
    );
}

#[test]
fn pre_commit_hook_runs_as_the_framework_runs_it() {
    // pre-commit runs `entry` split on whitespace, with the staged files that match
    // `types_or` appended, from the repository's root.
    let hooks = read(".pre-commit-hooks.yaml");
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry: "))
        .expect("an entry line");
    assert!(hooks.contains("language: rust") && hooks.contains("pass_filenames: true"));
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("callcheck"));
    let mut args: Vec<&str> = words.collect();
    args.extend(["block.c", "block/io.c"]);
    let run = callcheck_in(&root().join("testdata/example"), &args);
    assert_eq!(run.code, 1);
    let errors = run.stdout.matches("Error: ").count();
    assert_eq!(
        errors, 6,
        "all but blk_error_action(), whose path stays in block-backend.c"
    );
    assert!(!run.stdout.contains("blk_error_action"));
    let header_only = callcheck_in(
        &root().join("testdata/example"),
        &[
            entry.split_whitespace().skip(1).collect::<Vec<_>>(),
            vec!["include/block/block-common.h"],
        ]
        .concat(),
    );
    assert_eq!((header_only.stdout.as_str(), header_only.code), ("", 0));
}
