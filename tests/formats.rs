//! End-to-end tests of every report format and every query: the queries against byte-exact
//! snapshots in testdata/formats/ (regenerate one with the command in its test and review the
//! diff), the check formats' properties beyond their snapshots (tests/snapshots.rs holds those).

mod common;

use common::callcheck;
use std::fs;
use std::path::Path;
use std::process::Command;

fn snapshot(name: &str) -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/formats")
            .join(name),
    )
    .expect(name)
}

/// Runs callcheck with `args` and compares its stdout with the snapshot `name`.
fn assert_snapshot(args: &[&str], name: &str, code: i32) {
    let run = callcheck(args);
    assert_eq!(run.stdout, snapshot(name), "callcheck {}", args.join(" "));
    assert_eq!(run.code, code, "{}", run.stderr);
}

#[test]
fn gcc_lines_point_at_every_step() {
    let run = callcheck(&["--format", "gcc", "testdata/example"]);
    let blk_drain: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.contains("error: blk_drain()"))
        .take(3)
        .collect();
    assert_eq!(
        blk_drain,
        [
            "testdata/example/block/block-backend.c:31:6: error: blk_drain() is IO_OR_GS_CODE(), \
             but calls GLOBAL_STATE_CODE() code [io-or-gs-reaches-global-state]",
            "testdata/example/block/block-backend.c:37:9: note: blk_drain() calls bdrv_ref()",
            "testdata/example/block.c:10:6: note: bdrv_ref() is GLOBAL_STATE_CODE()",
        ]
    );
}

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for args in [
        vec!["--format", "sarif", "testdata/example"],
        vec!["--format", "sarif", "testdata/clean"],
        vec![
            "--format",
            "sarif",
            "--preset",
            "qemu",
            "testdata/config/coroutine",
        ],
        vec![
            "--format",
            "sarif",
            "--config",
            "testdata/hidden/callcheck.toml",
            "testdata/hidden",
        ],
        // Diagnostics as tool execution notifications, with and without --strict.
        vec![
            "--format",
            "sarif",
            "--config",
            "testdata/suppress/callcheck.toml",
            "testdata/suppress",
        ],
        vec![
            "--format",
            "sarif",
            "--strict",
            "--config",
            "testdata/suppress/callcheck.toml",
            "testdata/suppress",
        ],
    ] {
        let run = callcheck(&args);
        let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
    }
    // The validator does reject what the schema forbids.
    let run = callcheck(&["--format", "sarif", "testdata/example"]);
    let mut broken: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    broken["runs"][0]["results"][0]["level"] = "catastrophe".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let run = callcheck(&["--format", "sarif", "testdata/example"]);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "callcheck");
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for result in results {
        let rule_id = result["ruleId"].as_str().unwrap();
        assert!(rules.contains(&rule_id));
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], rule_id);
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("testdata/example/"),
            "relative to the checkout: {uri}"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(result["partialFingerprints"]["callcheck/v1"].is_string());
        let flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap();
        assert!(flow.len() >= 3, "start, at least one step, end");
    }
}

#[test]
fn dot_renders_with_graphviz() {
    let has_dot = Command::new("dot").arg("-V").output().is_ok();
    if !has_dot {
        // .ci/run installs graphviz and sets CALLCHECK_REQUIRE_DOT, so CI never skips this.
        assert!(
            std::env::var_os("CALLCHECK_REQUIRE_DOT").is_none(),
            "graphviz's dot is required here but not installed"
        );
        eprintln!("dot_renders_with_graphviz: skipped, graphviz (dot) is not installed");
        return;
    }
    for args in [
        vec!["--format", "dot", "testdata/example"],
        vec![
            "graph",
            "--focus",
            "bdrv_ref",
            "--depth",
            "2",
            "testdata/example",
        ],
        vec!["graph", "testdata/example"],
    ] {
        let run = callcheck(&args);
        let mut dot = Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        dot.stdin
            .take()
            .unwrap()
            .write_all(run.stdout.as_bytes())
            .unwrap();
        let output = dot.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("<svg"));
    }
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let always = callcheck(&["--color", "always", "--format", "human", "testdata/example"]);
    assert!(always.stdout.contains("\u{1b}["), "always colours");
    let never = callcheck(&["--color", "never", "--format", "human", "testdata/example"]);
    assert!(!never.stdout.contains('\u{1b}'));
    assert_eq!(
        never.stdout,
        fs::read_to_string("testdata/example/expected/human.out").unwrap(),
        "colour changes nothing but the escapes"
    );
    let text = callcheck(&["--color", "always", "testdata/example"]);
    assert!(text.stdout.starts_with("\u{1b}[1;31mError:\u{1b}[0m "));
    let auto = Command::new(env!("CARGO_BIN_EXE_callcheck"))
        .args(["--format", "gcc", "testdata/example"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&auto.stdout).contains('\u{1b}'));
}

#[test]
fn callers_and_callees_trees() {
    assert_snapshot(
        &["callers", "bdrv_ref", "--depth", "3", "testdata/example"],
        "callers.txt",
        0,
    );
    assert_snapshot(
        &[
            "callees",
            "bdrv_drained_end_no_poll",
            "--depth",
            "9",
            "testdata/example",
        ],
        "callees.txt",
        0,
    );
    let json = callcheck(&[
        "callers",
        "bdrv_ref",
        "--format",
        "json",
        "testdata/example",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["tree"][1]["name"], "blk_drain");
    assert_eq!(value["tree"][1]["depth"], 1);
    assert_eq!(value["tree"][1]["use_line"], 37);
    let calls_only = callcheck(&[
        "callees",
        "bdrv_co_yield_to_drain",
        "--calls-only",
        "testdata/example",
    ]);
    assert!(!calls_only.stdout.contains("bdrv_co_drain_bh_cb"));
}

#[test]
fn path_query() {
    assert_snapshot(
        &[
            "path",
            "bdrv_drained_end_no_poll",
            "bdrv_drain_all_begin",
            "testdata/example",
        ],
        "path.txt",
        0,
    );
    let none = callcheck(&["path", "bdrv_ref", "blk_drain", "testdata/example"]);
    assert_eq!(
        (none.stdout.as_str(), none.code),
        ("no call path from bdrv_ref() to blk_drain()\n", 1)
    );
    let unknown = callcheck(&["path", "nope", "bdrv_ref", "testdata/example"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        "callcheck: no function named nope() in the files read\n"
    );
    // An empty name is a usage error, not a search for `()`.
    for args in [
        &["path", "", "bdrv_ref"][..],
        &["callers", ""],
        &["callees", ""],
        &["explain", ""],
    ] {
        let empty = callcheck(&[args, &["testdata/example"]].concat());
        assert_eq!(empty.code, 2, "{args:?}");
        assert!(
            empty
                .stderr
                .starts_with("error: a value is required for '<"),
            "{args:?}: {}",
            empty.stderr
        );
    }
    let json = callcheck(&[
        "path",
        "blk_drain",
        "bdrv_ref",
        "--format",
        "json",
        "testdata/example",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["path"][1]["name"], "bdrv_ref");
    assert_eq!(value["path"][1]["kind"], "call");
}

#[test]
fn contexts_query_says_where_each_context_came_from() {
    assert_snapshot(&["contexts", "testdata/example"], "contexts.txt", 0);
    let coroutine = callcheck(&[
        "contexts",
        "--context",
        "coroutine_fn",
        "--preset",
        "qemu-coroutine",
        "--format",
        "json",
        "testdata/config/coroutine/co.c",
        "testdata/config/coroutine/include",
    ]);
    let value: serde_json::Value = serde_json::from_str(&coroutine.stdout).unwrap();
    let functions = value["contexts"][0]["functions"].as_array().unwrap();
    let origin = |name: &str| {
        functions
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["origins"].clone())
            .unwrap()
    };
    assert_eq!(
        origin("co_read"),
        serde_json::json!(["attribute on prototype"])
    );
    assert_eq!(
        origin("co_blocks"),
        serde_json::json!(["attribute on definition"])
    );
    let unknown = callcheck(&["contexts", "--context", "NOPE", "testdata/example"]);
    assert_eq!(unknown.code, 2);
}

#[test]
fn graph_query_as_json() {
    assert_snapshot(
        &[
            "graph",
            "--focus",
            "bdrv_ref",
            "--depth",
            "1",
            "--format",
            "json",
            "testdata/example",
        ],
        "graph-focus.json",
        0,
    );
    let whole = callcheck(&["graph", "--format", "json", "testdata/example"]);
    let value: serde_json::Value = serde_json::from_str(&whole.stdout).unwrap();
    assert_eq!(value["functions"].as_array().unwrap().len(), 23);
    let edges = value["edges"].as_array().unwrap();
    assert_eq!(
        edges.len(),
        21,
        "20 calls (one to a header's static inline, bdrv_is_quiesced) and 1 reference"
    );
    assert!(edges.iter().any(|e| e["from"]["name"] == "bdrv_co_preadv"
        && e["to"]["name"] == "bdrv_is_quiesced"
        && e["to"]["file"] == "testdata/example/include/block/block-common.h"));
    assert!(edges.iter().any(|e| e["kind"] == "reference"
        && e["from"]["name"] == "bdrv_co_yield_to_drain"
        && e["to"]["name"] == "bdrv_co_drain_bh_cb"));
}

/// The suppress fixture has one invalid `callcheck:` comment and two stale suppressions.
const SUPPRESS: [&str; 3] = [
    "--config",
    "testdata/suppress/callcheck.toml",
    "testdata/suppress",
];

#[test]
fn diagnostics_reach_every_machine_format() {
    let json = callcheck(&[&["--format", "json"][..], &SUPPRESS].concat());
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let codes: Vec<(&str, &str, u64)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("invalid-suppression", "warning", 66),
            ("stale-suppression", "warning", 55),
            // A [[cut]] of the configuration file, which has no line.
            ("stale-suppression", "warning", 0)
        ]
    );
    let example = callcheck(&["--format", "json", "testdata/example"]);
    assert!(
        !example.stdout.contains("\"diagnostics\""),
        "no key without diagnostics"
    );

    let sarif = callcheck(&[&["--format", "sarif"][..], &SUPPRESS].concat());
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 3);
    assert_eq!(notifications[1]["descriptor"]["id"], "stale-suppression");
    assert_eq!(
        notifications[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        55
    );

    let gcc = callcheck(&[&["--format", "gcc"][..], &SUPPRESS].concat());
    assert!(gcc.stdout.contains(
        "testdata/suppress/drain.c:55: warning: allow(IO_OR_GS_CODE) no longer suppresses \
         anything [stale-suppression]\n"
    ));
    assert!(
        !gcc.stderr.contains("stale"),
        "gcc's stdout carries them instead of stderr: {}",
        gcc.stderr
    );
}

#[test]
fn strict_makes_every_diagnostic_an_error() {
    let dir = common::scratch("strict-skipped");
    fs::write(dir.join("a.c"), "void f(void) { IO_CODE(); }\n").unwrap();
    fs::write(
        dir.join("big.c"),
        "/* a file over the size limit of forty bytes */\n",
    )
    .unwrap();
    let path = dir.display().to_string();
    let lenient = callcheck(&["--max-file-size", "40", &path]);
    assert_eq!(lenient.code, 0, "{}", lenient.stderr);
    assert!(lenient.stderr.contains("callcheck: skipped"));
    let strict = callcheck(&["--strict", "--max-file-size", "40", &path]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(strict.stderr.contains("callcheck: error: skipped"));
    let json = callcheck(&[
        "--strict",
        "--format",
        "json",
        "--max-file-size",
        "40",
        &path,
    ]);
    assert!(
        json.stdout
            .contains("\"code\":\"unreadable-file\",\"severity\":\"error\"")
    );
}
