//! End-to-end tests of what a new user ran into (issue 15): hooks, exclusions, option order,
//! messages. Each runs the real binary.

mod common;

use common::{callcheck, callcheck_in, fixture_copy, scratch};
use std::fs;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The functions of the `Error:` lines of a text report, or of the `error:` lines of a gcc one.
fn reported(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| {
            l.strip_prefix("Error: ")
                .or_else(|| l.split_once(": error: ").map(|(_, rest)| rest))
        })
        .map(|l| l.split("()").next().unwrap().to_string())
        .collect()
}

#[test]
fn pre_commit_hook_takes_args_in_any_order() {
    let dir = fixture_copy("testdata/example", "hook_orders");
    let written = callcheck_in(&dir, &["--write-baseline", "base.json"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    // The framework runs the entry, then `args:`, then the staged files.
    let hooks = fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry: "))
        .expect("an entry line");
    let mut args: Vec<&str> = entry.split_whitespace().skip(1).collect();
    args.extend(["--baseline", "base.json", "block.c", "block/io.c"]);
    let hook = callcheck_in(&dir, &args);
    assert_eq!(hook.code, 0, "{}", hook.stderr);
    assert!(
        hook.stderr.contains("baseline base.json: 7 known"),
        "{}",
        hook.stderr
    );

    // Every order of the same options reports the same six violations.
    let six = [
        "bdrv_drained_begin",
        "bdrv_drained_end",
        "bdrv_drained_end_no_poll",
        "bdrv_drained_end_no_poll",
        "bdrv_get_full_backing_filename",
        "blk_drain",
    ];
    let orders: [&[&str]; 5] = [
        &[
            "--allow-empty",
            "--report-paths",
            "--format",
            "gcc",
            "block.c",
            "block/io.c",
        ],
        &[
            "--report-paths",
            "block.c",
            "--format",
            "gcc",
            "block/io.c",
            "--allow-empty",
        ],
        &["block.c", "--format", "gcc", "--report-paths", "block/io.c"],
        &[
            "--format",
            "gcc",
            "--report-paths",
            "--",
            "block.c",
            "block/io.c",
        ],
        &[
            "--report-files",
            "block.c",
            "--format",
            "gcc",
            "--report-files",
            "block/io.c",
        ],
    ];
    for order in orders {
        let run = callcheck_in(&dir, order);
        assert_eq!(run.code, 1, "{order:?}: {}", run.stderr);
        let mut found = reported(&run.stdout);
        found.sort();
        assert_eq!(found, six, "{order:?}");
    }
}

/// The number of files a JSON report says were read.
fn files_read(run: &common::Run) -> u64 {
    let report: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", run.stdout, run.stderr));
    report["summary"]["files"].as_u64().unwrap()
}

const IO_CALLS_GS: &str = "void gs(void)\n{\n    GLOBAL_STATE_CODE();\n}\n\n\
                           void io(void)\n{\n    IO_CODE();\n    gs();\n}\n";

#[test]
fn exclude_does_not_depend_on_how_the_path_is_written() {
    let parent = scratch("exclude_spelling");
    let exc = parent.join("exc");
    for dir in ["sub", "roms"] {
        fs::create_dir_all(exc.join(dir)).unwrap();
    }
    fs::write(
        exc.join("callcheck.toml"),
        "exclude = [\"roms/**\"]\npreset = \"qemu-block\"\n",
    )
    .unwrap();
    fs::write(exc.join("a.c"), IO_CALLS_GS).unwrap();
    fs::write(exc.join("sub/b.c"), "void b(void) { }\n").unwrap();
    fs::write(exc.join("roms/r.c"), "void r(void) { }\n").unwrap();
    let absolute = exc.canonicalize().unwrap();
    let absolute = absolute.to_str().unwrap();
    let runs: [(&Path, &[&str]); 6] = [
        (&exc, &["."]),
        (&exc, &["../exc"]),
        (&exc, &[absolute]),
        (&exc, &["sub/../."]),
        (&exc.join("sub"), &[".."]),
        (&parent, &["--config", "exc/callcheck.toml", "exc"]),
    ];
    for (dir, paths) in runs {
        let args = [&["--format", "json"][..], paths].concat();
        let run = callcheck_in(dir, &args);
        assert_eq!(files_read(&run), 2, "{args:?} in {}", dir.display());
    }
}

#[test]
fn exclude_matches_a_directory_named_through_a_symbolic_link() {
    let parent = scratch("exclude_symlink");
    let real = parent.join("tree-1.0");
    fs::create_dir_all(real.join("roms")).unwrap();
    fs::write(real.join("a.c"), IO_CALLS_GS).unwrap();
    fs::write(real.join("roms/r.c"), "void r(void) { }\n").unwrap();
    std::os::unix::fs::symlink("tree-1.0", parent.join("tree")).unwrap();
    // The configuration sits beside the tree and names it by its link or by its target.
    for glob in ["tree/roms/**", "tree-1.0/roms/**"] {
        fs::write(
            parent.join("outside.toml"),
            format!("exclude = [\"{glob}\"]\npreset = \"qemu-block\"\n"),
        )
        .unwrap();
        for path in ["tree", "tree-1.0"] {
            let args = ["--format", "json", "--config", "outside.toml", path];
            let run = callcheck_in(&parent, &args);
            assert_eq!(files_read(&run), 1, "{glob} with {path}");
        }
    }
}

#[test]
fn sarif_locates_a_field_binding_in_the_file_that_binds() {
    let run = callcheck(&[
        "--format",
        "sarif",
        "--config",
        "testdata/hidden/callcheck.toml",
        "testdata/hidden",
    ]);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let flows = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["codeFlows"][0]["threadFlows"][0]["locations"]
                .as_array()
                .unwrap()
        });
    let bound: Vec<&serde_json::Value> = flows
        .filter(|l| {
            l["location"]["message"]["text"]
                .as_str()
                .unwrap()
                .contains("is bound to qcow2_open()")
        })
        .collect();
    assert!(!bound.is_empty());
    for location in bound {
        let physical = &location["location"]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "testdata/hidden/block/qcow2.c"
        );
        assert_eq!(physical["region"]["startLine"], 34);
    }
}

#[test]
fn a_configuration_that_checks_nothing_says_so() {
    for text in ["", "exclude = [\"roms/**\"]\n", "edges = [\"call\"]\n"] {
        let dir = scratch("checks_nothing");
        fs::write(dir.join("callcheck.toml"), text).unwrap();
        fs::write(dir.join("a.c"), IO_CALLS_GS).unwrap();
        let run = callcheck_in(&dir, &[]);
        assert_eq!(run.code, 0, "{text:?}");
        assert!(
            run.stderr.starts_with(
                "callcheck: warning: callcheck.toml names no preset and has no [[rule]], so \
                 nothing is checked: add `preset = \"qemu-block\"`"
            ),
            "{text:?}: {}",
            run.stderr
        );
    }
    let dir = scratch("rule_without_preset");
    fs::write(
        dir.join("callcheck.toml"),
        "[[rule]]\nfrom = \"IO_CODE\"\nforbid = [\"GLOBAL_STATE_CODE\"]\n",
    )
    .unwrap();
    fs::write(dir.join("a.c"), IO_CALLS_GS).unwrap();
    let run = callcheck_in(&dir, &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "callcheck: callcheck.toml:2:8: unknown context `IO_CODE` (no context is defined); the \
         qemu-block preset defines it: add `preset = \"qemu-block\"`\n"
    );
}

#[test]
fn options_may_come_before_a_subcommand() {
    let cases: [(&[&str], &[&str]); 5] = [
        (&["--preset", "qemu"], &["callers", "bdrv_ref"]),
        (&["--color", "never"], &["callees", "blk_drain"]),
        (&["--calls-only"], &["path", "blk_drain", "bdrv_ref"]),
        (&["-j", "1"], &["contexts"]),
        (&["--format", "json"], &["callers", "bdrv_ref"]),
    ];
    for (options, query) in cases {
        let after = callcheck(&[query, options, &["testdata/example"]].concat());
        let before = callcheck(&[options, query, &["testdata/example"]].concat());
        assert_eq!(after.code, 0, "{query:?} {options:?}: {}", after.stderr);
        assert_eq!(
            (before.stdout, before.stderr, before.code),
            (after.stdout, after.stderr, after.code),
            "{options:?} before {query:?}"
        );
    }
}

/// A fresh directory outside any git repository (the scratch directories are inside this one).
fn outside_git(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("callcheck-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn changed_since_outside_git_is_one_line() {
    let dir = outside_git("nogit");
    fs::write(dir.join("a.c"), IO_CALLS_GS).unwrap();
    let run = callcheck_in(&dir, &["--changed-since", "HEAD~1", "."]);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "callcheck: --changed-since needs a git repository, and . is not in one\n"
    );
}

#[test]
fn changed_since_asks_the_repository_of_the_path() {
    let parent = outside_git("gitparent");
    let repo = parent.join("repo");
    fs::create_dir_all(&repo).unwrap();
    fs::write(repo.join("a.c"), IO_CALLS_GS).unwrap();
    fs::write(repo.join("b.c"), "void b(void) { }\n").unwrap();
    common::git_commit_all(&repo);
    fs::write(repo.join("a.c"), format!("{IO_CALLS_GS}/* touched */\n")).unwrap();
    let run = callcheck_in(&parent, &["--changed-since", "HEAD", "repo"]);
    let _ = fs::remove_dir_all(&parent);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("Error: io() is IO_CODE()"),
        "{}",
        run.stdout
    );
}

#[test]
fn configuration_errors_are_one_line_with_a_position() {
    let cases = [
        (
            "preset = \"qemu-block\"\nexclude = [\"ok/**\", \"[x\"]\n",
            "callcheck: callcheck.toml:2:21: invalid exclude glob `[x`: unclosed character class",
        ),
        (
            "preset = \"qemu\"\n[[generated]]\nattributes = \"w\"\npattern = \"(a\"\ntarget = \"x\"\n",
            "callcheck: callcheck.toml:4:11: invalid `pattern`: unclosed group",
        ),
    ];
    for (text, expected) in cases {
        let dir = scratch("config_one_line");
        fs::write(dir.join("callcheck.toml"), text).unwrap();
        fs::write(dir.join("a.c"), IO_CALLS_GS).unwrap();
        let run = callcheck_in(&dir, &[]);
        assert_eq!(run.code, 2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.starts_with(expected), "{}", run.stderr);
        assert!(!run.stderr.contains('!'), "{}", run.stderr);
    }
}

#[test]
fn skipping_every_file_says_so() {
    let run = callcheck(&["--max-file-size", "0", "testdata/example"]);
    assert_eq!(run.code, 2);
    let last = run.stderr.lines().last().unwrap();
    assert_eq!(
        last,
        "callcheck: no C file read in testdata/example: 6 files skipped"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        &["graph", "--format", "json", "testdata"][..],
        &["--format", "json", "testdata"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_callcheck"))
            .args(args)
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Closing the reading end at once: every write fails with a broken pipe.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert_ne!(output.status.code(), Some(2), "{args:?}: {stderr}");
    }
}

#[test]
fn a_file_to_report_on_that_does_not_exist_is_a_warning() {
    let run = callcheck(&["--report-files", "nosuch.c", "testdata/example"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        "callcheck: warning: nosuch.c does not exist: no violation can be reported for it\n"
    );
}

#[test]
fn counts_agree_with_their_nouns() {
    let dir = scratch("one_allow");
    fs::write(
        dir.join("a.c"),
        IO_CALLS_GS.replace(
            "    IO_CODE();",
            "    IO_CODE(); /* callcheck: allow(GLOBAL_STATE_CODE) reason */",
        ),
    )
    .unwrap();
    let run = callcheck_in(&dir, &["--stats"]);
    assert!(
        run.stderr
            .contains("suppressed: 1 violation by allow, 0 edges cut, 0 stale"),
        "{}",
        run.stderr
    );
}

#[test]
fn many_stale_suppressions_are_summarised() {
    let dir = scratch("many_stale");
    let text: String = (0..8)
        .map(|i| {
            format!("/* callcheck: allow(GLOBAL_STATE_CODE) reason */\nvoid f{i}(void) {{ }}\n")
        })
        .collect();
    fs::write(dir.join("a.c"), text).unwrap();
    let run = callcheck_in(&dir, &[]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stderr);
    assert!(
        lines[..5]
            .iter()
            .all(|l| l.contains("stale suppression at"))
    );
    assert_eq!(lines[5], "callcheck: warning: 3 more stale suppressions");
}

#[test]
fn cargo_install_installs_callcheck_alone() {
    // `cargo install` installs every bin target: the benchmark must not be one.
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--offline",
            "--no-deps",
            "--format-version",
            "1",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let targets = metadata["packages"][0]["targets"].as_array().unwrap();
    let of_kind = |kind: &str| -> Vec<&str> {
        targets
            .iter()
            .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == kind))
            .map(|t| t["name"].as_str().unwrap())
            .collect()
    };
    assert_eq!(of_kind("bin"), ["callcheck"]);
    assert!(of_kind("example").contains(&"bench"));
}

#[test]
fn quiet_prints_the_report_only() {
    let dir = scratch("quiet");
    fs::write(dir.join("a.c"), IO_CALLS_GS).unwrap();
    fs::write(dir.join("b.c"), "void b(void) {\n").unwrap();
    let loud = callcheck_in(&dir, &[]);
    assert!(
        loud.stderr.contains("extraction may be incomplete"),
        "{}",
        loud.stderr
    );
    let quiet = callcheck_in(&dir, &["--quiet"]);
    assert_eq!(
        (quiet.stdout.as_str(), quiet.stderr.as_str()),
        (loud.stdout.as_str(), "")
    );
    assert_eq!(quiet.code, 1);
    let error = callcheck_in(&dir, &["-q", "nosuch"]);
    assert_eq!(error.code, 2);
    assert!(
        error.stderr.starts_with("callcheck: nosuch: "),
        "errors stay"
    );
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = scratch("output");
    let file = dir.join("report.json");
    let file = file.to_str().unwrap();
    let run = callcheck(&["--format", "json", "--output", file, "testdata/example"]);
    assert_eq!((run.stdout.as_str(), run.code), ("", 1));
    let stdout = callcheck(&["--format", "json", "testdata/example"]).stdout;
    assert_eq!(fs::read_to_string(file).unwrap(), stdout);
    // Queries too, and the option may come before the subcommand.
    let query = callcheck(&["-o", file, "callers", "bdrv_ref", "testdata/example"]);
    assert_eq!((query.stdout.as_str(), query.code), ("", 0));
    assert!(fs::read_to_string(file).unwrap().starts_with("bdrv_ref()"));
    let bad = callcheck(&["--output", "/nonexistent-dir/r.txt", "testdata/example"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("/nonexistent-dir/r.txt: No such file or directory"),
        "{}",
        bad.stderr
    );
    // A write that fails after the file opened (a full disk) names the file as well.
    if std::path::Path::new("/dev/full").exists() {
        let full = callcheck(&["--output", "/dev/full", "testdata/example"]);
        assert_eq!(full.code, 2);
        assert_eq!(
            full.stderr,
            "callcheck: cannot write the report: /dev/full: No space left on device (os error 28)\n"
        );
    }
}

#[test]
fn the_configuration_is_found_from_the_checked_path() {
    let parent = scratch("discovery");
    let exc = parent.join("exc");
    fs::create_dir_all(exc.join("roms")).unwrap();
    fs::write(
        exc.join("callcheck.toml"),
        "preset = \"qemu-block\"\nexclude = [\"roms/**\"]\n",
    )
    .unwrap();
    fs::write(exc.join("a.c"), "void a(void) { }\n").unwrap();
    fs::write(exc.join("roms/r.c"), IO_CALLS_GS).unwrap();
    for (dir, path) in [(&parent, "exc"), (&exc, "."), (&parent, "exc/a.c")] {
        let run = callcheck_in(dir, &["--stats", path]);
        assert_eq!(
            (run.stdout.as_str(), run.code),
            ("", 0),
            "{path}: roms/ is excluded"
        );
        let expected = if dir == &parent {
            "exc/callcheck.toml"
        } else {
            "callcheck.toml"
        };
        assert!(
            run.stderr
                .contains(&format!("configuration: {expected} (preset qemu-block)\n")),
            "{path}: {}",
            run.stderr
        );
    }
    let none = callcheck(&["--stats", "--preset", "qemu", "testdata/example"]);
    assert!(
        none.stderr
            .contains("configuration: no file (preset qemu)\n"),
        "{}",
        none.stderr
    );
}

#[test]
fn misspelt_names_get_a_suggestion() {
    let function = callcheck(&["callers", "bdrv_reff", "testdata/example"]);
    assert_eq!(function.code, 2);
    assert!(
        function.stderr.starts_with(
            "callcheck: no function named bdrv_reff() in the files read; did you mean bdrv_ref()"
        ),
        "{}",
        function.stderr
    );
    let subcommand = callcheck(&["calers", "bdrv_ref", "testdata/example"]);
    assert_eq!(subcommand.code, 2);
    assert!(
        subcommand
            .stderr
            .ends_with("callcheck: calers is neither a file nor a subcommand; did you mean `callcheck callers`?\n"),
        "{}",
        subcommand.stderr
    );
    let context = callcheck(&["contexts", "--context", "IO_COD", "testdata/example"]);
    assert_eq!(
        context.stderr,
        "callcheck: no context named IO_COD in the configuration (known: GLOBAL_STATE_CODE, \
         IO_CODE, IO_OR_GS_CODE); did you mean IO_CODE?\n"
    );
    let preset = callcheck(&[
        "contexts",
        "--preset",
        "qemu-coroutine",
        "--context",
        "IO_CODE",
        "testdata/example",
    ]);
    assert!(
        preset
            .stderr
            .ends_with("; the qemu-block preset defines it: add --preset qemu-block\n"),
        "{}",
        preset.stderr
    );
}

#[test]
fn file_and_name_pick_one_of_same_named_statics() {
    let dir = scratch("file_name");
    fs::create_dir_all(dir.join("block")).unwrap();
    fs::write(
        dir.join("a.c"),
        "void from_a(void) { }\nstatic void helper(void) { from_a(); }\n",
    )
    .unwrap();
    fs::write(
        dir.join("block/b.c"),
        "void from_b(void) { }\nstatic void helper(void) { from_b(); }\n",
    )
    .unwrap();
    let both = callcheck_in(&dir, &["callees", "helper", "."]);
    assert!(both.stdout.contains("from_a()") && both.stdout.contains("from_b()"));
    for name in ["block/b.c:helper", "b.c:helper", "./block/b.c:helper"] {
        let one = callcheck_in(&dir, &["callees", name, "."]);
        assert_eq!(one.code, 0, "{name}: {}", one.stderr);
        assert!(one.stdout.contains("from_b()"), "{name}: {}", one.stdout);
        assert!(!one.stdout.contains("from_a()"), "{name}: {}", one.stdout);
    }
    let path = callcheck_in(&dir, &["path", "a.c:helper", "from_a", "."]);
    assert_eq!(path.code, 0, "{}", path.stderr);
    let elsewhere = callcheck_in(&dir, &["callees", "c.c:helper", "."]);
    assert_eq!(elsewhere.code, 2);
    assert_eq!(
        elsewhere.stderr,
        "callcheck: no function named c.c:helper() in the files read; did you mean \
         ./a.c:helper() or ./block/b.c:helper()?\n"
    );
}
