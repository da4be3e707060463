//! End-to-end tests: the real binary on the fixtures under testdata/.

mod common;

use common::{callcheck, scratch};
use std::fs;
use std::path::Path;

/// The text of a file under the repository root.
fn expected(path: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect(path)
}

/// Runs the default check on a fixture directory and compares with its expected/text.out byte for
/// byte.
fn assert_fixture(dir: &str) {
    let run = callcheck(&[&format!("testdata/{dir}")]);
    assert_eq!(
        run.stdout,
        expected(&format!("testdata/{dir}/expected/text.out"))
    );
    assert_eq!(run.code, 1, "violations exit with 1");
    assert_eq!(run.stderr, "", "no warnings expected");
}

#[test]
fn example_matches_check_calls_output_byte_for_byte() {
    let run = callcheck(&["testdata/example"]);
    assert_eq!(run.stdout, expected("testdata/example/expected/text.out"));
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(
        "Error: blk_drain() is IO_OR_GS_CODE(), but calls GLOBAL_STATE_CODE() code\n       \
         blk_drain() -> bdrv_ref() -> GLOBAL_STATE_CODE()\n\n"
    ));
}

#[test]
fn lexing_traps() {
    assert_fixture("lexing");
}

#[test]
fn signatures() {
    assert_fixture("signatures");
    let run = callcheck(&["testdata/signatures"]);
    let found: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Error: "))
        .map(|l| l.split("()").next().unwrap())
        .collect();
    assert_eq!(
        found,
        [
            "sig_attribute",
            "sig_extern_c",
            "sig_knr",
            "sig_multi_line",
            "sig_returns_fp",
            "sig_returns_struct"
        ]
    );
}

#[test]
fn conditionals() {
    assert_fixture("conditionals");
}

/// The functions a run reports, in order.
fn reported(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Error: "))
        .map(|l| l.split("()").next().unwrap())
        .collect()
}

#[test]
fn switches_decide_conditions() {
    assert_fixture("switches");
    let run = callcheck(&["testdata/switches"]);
    assert!(
        reported(&run.stdout)
            .iter()
            .all(|name| name.ends_with("_reaches") || name.ends_with("_reads_both")),
        "{}",
        run.stdout
    );
    // -D and -U add to the configuration's switches.
    let run = callcheck(&[
        "-D",
        "CONFIG_UNKNOWN",
        "-U",
        "DEBUG_LOCAL",
        "testdata/switches",
    ]);
    let found = reported(&run.stdout);
    assert!(!found.contains(&"io_unknown_reads_both"), "{found:?}");
    assert!(found.contains(&"io_maybe_reaches"), "{found:?}");
    assert!(
        found.contains(&"io_local_define_reaches"),
        "a file's own #define wins"
    );
    let run = callcheck(&["-D", "DEBUG_ALLOC", "testdata/switches"]);
    assert!(
        reported(&run.stdout).contains(&"io_debug_dead"),
        "-D beats `undefined`"
    );
}

#[test]
fn bad_switches_are_one_line_errors() {
    let run = callcheck(&["-D", "1x", "testdata/switches"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "callcheck: -D: `1x` is not a macro definition: write NAME or NAME=VALUE\n"
    );
    let dir = scratch("bad-switch");
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu\"\n[preprocessor]\nundefined = [\"DEBUG_[\"]\n",
    )
    .unwrap();
    let run = callcheck(&[dir.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("callcheck.toml:3:14: invalid glob `DEBUG_[`"),
        "{}",
        run.stderr
    );
}

#[test]
fn resolution_of_static_and_global_names() {
    assert_fixture("resolution");
}

#[test]
fn cycles_terminate_with_shortest_paths() {
    assert_fixture("cycles");
}

#[test]
fn invalid_utf8_and_nul_bytes_are_read() {
    assert_fixture("bytes");
}

#[test]
fn walk_honours_gitignore_hidden_and_extensions() {
    assert_fixture("walk");
}

#[test]
fn named_file_is_read_whatever_its_extension() {
    let run = callcheck(&["testdata/walk/sub/notes.txt", "testdata/walk/visible.c"]);
    assert!(run.stdout.contains("Error: io_notes_txt() is IO_CODE()"));
    assert_eq!(run.code, 1);
}

#[test]
fn clean_tree_exits_zero_silently() {
    let run = callcheck(&["testdata/clean"]);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str(), run.code),
        ("", "", 0)
    );
}

#[test]
fn calls_only_ignores_callbacks() {
    let run = callcheck(&["--calls-only", "testdata/example"]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains("bdrv_co_drain_bh_cb"));
    let errors = run.stdout.matches("Error: ").count();
    assert_eq!(errors, 3, "{}", run.stdout);
}

#[test]
fn json_output() {
    let run = callcheck(&["--format", "json", "testdata/example"]);
    assert_eq!(run.code, 1);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(value["version"], 1);
    let violations = value["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 7);
    let blk_drain = violations
        .iter()
        .find(|v| v["function"] == "blk_drain")
        .unwrap();
    assert_eq!(blk_drain["file"], "testdata/example/block/block-backend.c");
    assert_eq!(blk_drain["line"], 31);
    assert_eq!(blk_drain["context"], "IO_OR_GS_CODE");
    assert_eq!(blk_drain["calls"], "GLOBAL_STATE_CODE");
    assert_eq!(
        blk_drain["path"],
        serde_json::json!(["blk_drain", "bdrv_ref"])
    );
    assert_eq!(blk_drain["hops"][1]["file"], "testdata/example/block.c");
    assert_eq!(blk_drain["hops"][1]["line"], 10);
    assert_eq!(blk_drain["hops"][1]["use_line"], 37);
    let summary = &value["summary"];
    assert_eq!(summary["files"], 6);
    assert_eq!(summary["violations"], 7);
    let names: Vec<&str> = violations
        .iter()
        .map(|v| v["function"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by function name");
}

#[test]
fn output_does_not_depend_on_threads_or_argument_order() {
    let one = callcheck(&["-j", "1", "testdata/example", "testdata/cycles"]);
    let many = callcheck(&["-j", "4", "testdata/cycles", "testdata/example"]);
    assert_eq!(one.stdout, many.stdout);
    let json_one = callcheck(&["-j", "1", "--format", "json", "testdata"]);
    let json_many = callcheck(&["-j", "3", "--format", "json", "testdata"]);
    assert_eq!(json_one.stdout, json_many.stdout);
}

#[test]
fn deep_chain_does_not_overflow_the_stack() {
    let depth = 50_000;
    let dir = scratch("deep_chain");
    let mut text = String::from("void f0(void)\n{\n    IO_CODE();\n    f1();\n}\n");
    for i in 1..depth {
        text.push_str(&format!("void f{i}(void)\n{{\n    f{}();\n}}\n", i + 1));
    }
    text.push_str(&format!(
        "void f{depth}(void)\n{{\n    GLOBAL_STATE_CODE();\n}}\n"
    ));
    fs::write(dir.join("chain.c"), text).unwrap();
    let run = callcheck(&[dir.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let path = run.stdout.lines().nth(1).unwrap();
    assert_eq!(path.matches(" -> ").count(), depth + 1);
    assert!(path.ends_with(&format!("f{depth}() -> GLOBAL_STATE_CODE()")));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 100_000;
    let dir = scratch("deep_nesting");
    let text = format!(
        "void io(void)\n{{\n    IO_CODE();\n{}gs();{}\n}}\nvoid gs(void) {{ GLOBAL_STATE_CODE(); }}\n",
        "{ (".repeat(depth),
        ") }".repeat(depth)
    );
    fs::write(dir.join("nested.c"), text).unwrap();
    let run = callcheck(&[dir.to_str().unwrap()]);
    assert_eq!(
        run.stdout.lines().nth(1),
        Some("       io() -> gs() -> GLOBAL_STATE_CODE()")
    );
}

#[test]
fn missing_path_is_a_usage_error() {
    let run = callcheck(&["testdata/example", "testdata/does-not-exist"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("callcheck: testdata/does-not-exist: No such file or directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_c_files_is_an_error() {
    let dir = scratch("empty");
    let run = callcheck(&[dir.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("callcheck: no C files found in {}\n", dir.display())
    );
}

#[test]
fn bad_option_is_a_usage_error() {
    let run = callcheck(&["--format", "xml", "testdata/example"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid value 'xml'"), "{}", run.stderr);
    assert_eq!(callcheck(&["-j", "0", "testdata/example"]).code, 2);
}

#[test]
#[cfg(target_os = "linux")]
fn unreadable_file_is_reported_and_the_rest_checked() {
    // /proc/self/mem is a regular file that every read fails on, even for root.
    let run = callcheck(&["testdata/resolution", "/proc/self/mem"]);
    assert_eq!(
        run.stdout,
        expected("testdata/resolution/expected/text.out")
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "callcheck: skipped /proc/self/mem: Input/output error (os error 5)\n"
    );
}

#[test]
fn unbalanced_braces_warn_with_file_and_line() {
    let dir = scratch("unbalanced");
    fs::write(dir.join("a.c"), "void f(void)\n{\n    if (x) {\n").unwrap();
    fs::write(dir.join("b.c"), "}\nvoid io(void) { IO_CODE(); gs(); }\n").unwrap();
    fs::write(dir.join("c.c"), "void gs(void) { GLOBAL_STATE_CODE(); }\n").unwrap();
    let run = callcheck(&[dir.to_str().unwrap()]);
    let d = dir.display();
    assert_eq!(
        run.stderr,
        format!(
            "callcheck: warning: extraction may be incomplete in {d}/a.c: 2 unclosed braces from line 2\n\
             callcheck: warning: extraction may be incomplete in {d}/b.c: unmatched '}}' at line 1\n"
        )
    );
    assert!(
        run.stdout.contains("io() -> gs()"),
        "the next file is intact"
    );
}

#[test]
fn help_explains_rules_and_exit_codes() {
    let run = callcheck(&["--help"]);
    assert_eq!(run.code, 0);
    for needle in ["IO_CODE()", "--calls-only", "Exit status", "Examples"] {
        assert!(run.stdout.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn readme_quick_start_runs_the_linter() {
    // `cargo run --release -- testdata/example` needs cargo to know which of the two binaries
    // (callcheck, bench) to run.
    let manifest: toml::Value = toml::from_str(&expected("Cargo.toml")).unwrap();
    assert_eq!(
        manifest["package"]["default-run"].as_str(),
        Some("callcheck")
    );
    let readme = expected("README.md");
    assert!(readme.contains("cargo run --release -- testdata/example"));
    assert!(readme.contains("cargo test --release"));
}

#[test]
fn completions_and_man_page_are_generated_from_the_options() {
    let bash = callcheck(&["--generate", "complete-bash"]);
    assert_eq!(bash.code, 0, "{}", bash.stderr);
    for word in [
        "_callcheck()",
        "--preset",
        "--report-paths",
        "callers",
        "suggest",
    ] {
        assert!(bash.stdout.contains(word), "bash completion lacks {word}");
    }
    let script = scratch("completion").join("callcheck.bash");
    fs::write(&script, &bash.stdout).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("run bash");
    assert!(syntax.success(), "the bash completion script parses");
    let fish = callcheck(&["--generate", "complete-fish"]);
    assert!(fish.stdout.contains("complete -c callcheck"));
    let man = callcheck(&["--generate", "man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.starts_with(".ie") && man.stdout.contains(".TH callcheck 1"));
    assert!(
        man.stdout.contains("max\\-file\\-size"),
        "options are documented"
    );
    let bad = callcheck(&["--generate", "complete-cmd"]);
    assert_eq!(bad.code, 2);
}
