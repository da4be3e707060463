//! End-to-end tests of the calls that are not written as calls: callback fields, macros,
//! attribute aliases and generated wrappers, on the miniature block layer in
//! `testdata/hidden/`.

mod common;

use common::{callcheck, scratch};
use std::fs;

const CONFIG: &str = "testdata/hidden/callcheck.toml";
const TREE: &str = "testdata/hidden";

/// The `Error:` lines of a text report.
fn headlines(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| l.starts_with("Error:")).collect()
}

/// The headlines of a run of `preset = "qemu"` plus `extra` configuration lines.
fn headlines_with(name: &str, extra: &str) -> Vec<String> {
    let dir = scratch(name);
    let config = dir.join("callcheck.toml");
    fs::write(&config, format!("preset = \"qemu\"\n{extra}")).unwrap();
    let run = callcheck(&["--config", config.to_str().unwrap(), TREE]);
    assert!(run.code <= 1, "{}", run.stderr);
    headlines(&run.stdout)
        .into_iter()
        .map(String::from)
        .collect()
}

fn mentions(lines: &[String], function: &str) -> bool {
    lines
        .iter()
        .any(|l| l.starts_with(&format!("Error: {function}() ")))
}

#[test]
fn hidden_edges_reveal_the_expected_violations() {
    let run = callcheck(&["--config", CONFIG, TREE]);
    let expected = fs::read_to_string("testdata/hidden/expected/text.out").unwrap();
    assert_eq!(run.stdout, expected);
    assert_eq!(run.code, 1);
    for path in [
        "bdrv_close() -> BlockDriver.bdrv_close -> raw_close() -> bdrv_graph_update()",
        "bdrv_open_driver() -> BlockDriver.bdrv_open -> qcow2_open()",
        "bdrv_read_header() -> BlockDriver.bdrv_co_preadv",
        "qcow2_co_preadv() -> bdrv_pread() [generated]",
        "raw_co_reopen() -> bdrv_co_reopen() [generated] -> bdrv_reopen()",
    ] {
        assert!(run.stdout.contains(path), "missing {path}");
    }
    assert!(
        run.stdout
            .contains("Error: qcow2_open() is IO_OR_GS_CODE(), but calls GLOBAL_STATE_CODE()"),
        "the marker hidden in BDRV_POLL_WHILE makes qcow2_open IO_OR_GS_CODE"
    );
    assert!(
        run.stdout.contains(
            "Error: qcow2_co_flush() is coroutine_fn, but is bound to BlockDriver.bdrv_flush, \
             which is not coroutine_fn or coroutine_mixed_fn"
        ),
        "a coroutine_fn bound to a field declared without coroutine_fn, reported at the binding"
    );
    assert!(
        !run.stdout.contains("Error: BlockDriver."),
        "a field is never the subject of a violation"
    );
    assert!(
        !run.stdout.contains("Error: .bdrv_co_preadv"),
        "a binding of unknown type belongs to the one struct that declares its field"
    );
}

#[test]
fn calls_only_keeps_direct_calls() {
    let run = callcheck(&["--config", CONFIG, "--calls-only", TREE]);
    let lines: Vec<String> = headlines(&run.stdout)
        .into_iter()
        .map(String::from)
        .collect();
    // Direct calls are left, including those of generated wrappers: they are written as calls.
    assert_eq!(
        lines,
        [
            "Error: bdrv_co_flush() is IO_CODE(), but calls GLOBAL_STATE_CODE() code",
            "Error: bdrv_co_loop() is coroutine_fn, but calls no_coroutine_fn code",
            "Error: qcow2_co_preadv() is coroutine_fn, but calls no_coroutine_fn code",
        ]
    );
}

#[test]
fn each_kind_can_be_switched_off() {
    let all = headlines_with("hidden-all", "");
    assert_eq!(all.len(), 10);
    let no_fields = headlines_with(
        "hidden-no-fields",
        "edges = [\"call\", \"reference\", \"macro\", \"generated\"]\n",
    );
    assert!(!mentions(&no_fields, "bdrv_close") && !mentions(&no_fields, "bdrv_open_driver"));
    assert!(mentions(&no_fields, "qcow2_open") && mentions(&no_fields, "raw_co_reopen"));
    let no_macros = headlines_with(
        "hidden-no-macros",
        "edges = [\"call\", \"reference\", \"field\", \"generated\"]\n",
    );
    assert!(
        !mentions(&no_macros, "qcow2_open"),
        "its context came from a macro"
    );
    assert!(mentions(&no_macros, "bdrv_open_driver"));
    let no_generated = headlines_with(
        "hidden-no-generated",
        "edges = [\"call\", \"reference\", \"field\", \"macro\"]\n",
    );
    assert!(!mentions(&no_generated, "blk_flush_all"));
    assert!(mentions(&no_generated, "bdrv_co_flush") && mentions(&no_generated, "raw_co_reopen"));
    let no_references = headlines_with(
        "hidden-no-references",
        "edges = [\"call\", \"field\", \"macro\", \"generated\"]\n",
    );
    assert!(
        !mentions(&no_references, "raw_co_reopen"),
        "a no_co_wrapper only schedules its function: its edge is a reference"
    );
    let no_aliases = headlines_with("hidden-no-aliases", "aliases = false\n");
    assert!(
        !mentions(&no_aliases, "bdrv_co_loop"),
        "co_loop_b stands for coroutine_fn only through aliases"
    );
    assert_eq!(no_aliases.len(), all.len() - 1);
}

#[test]
fn formats_show_fields_and_generated_wrappers() {
    let gcc = callcheck(&["--config", CONFIG, "--format", "gcc", TREE]).stdout;
    for line in [
        "testdata/hidden/block/io.c:63:21: note: bdrv_open_driver() calls BlockDriver.bdrv_open \
         through a member call",
        "testdata/hidden/block/qcow2.c:34:23: note: BlockDriver.bdrv_open is bound to qcow2_open() \
         [guessed]",
        "testdata/hidden/block/qcow2.c:36:23: error: qcow2_co_flush() is coroutine_fn, but is bound \
         to BlockDriver.bdrv_flush, which is not coroutine_fn or coroutine_mixed_fn \
         [coroutine-fn-caller]",
        "testdata/hidden/include/block/block-io.h:13:16: note: bdrv_flush() [generated] is \
         no_coroutine_fn",
    ] {
        assert!(gcc.lines().any(|l| l == line), "missing {line}\n{gcc}");
    }
    let human = callcheck(&["--config", CONFIG, "--format", "human", TREE]).stdout;
    assert!(
        human.contains("=> testdata/hidden/include/block/block_int.h:7  BlockDriver.bdrv_open")
    );
    assert!(human.contains("(bound to the field at testdata/hidden/block/qcow2.c:34)"));
    assert!(human.contains("*> testdata/hidden/block/io.c:21                bdrv_co_flush()"));
    assert!(human.contains("  bdrv_pread() [generated]  [coroutine_mixed_fn, no_coroutine_fn]"));

    let json = callcheck(&["--config", CONFIG, "--format", "json", TREE]).stdout;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let open = value["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["function"] == "bdrv_open_driver")
        .expect("bdrv_open_driver's violation");
    let hops = open["hops"].as_array().unwrap();
    assert_eq!(hops[1]["node"], "field");
    assert_eq!(hops[1]["kind"], "field");
    assert_eq!(hops[2]["function"], "qcow2_open");
    assert_eq!(
        hops[2]["use_file"], "testdata/hidden/block/qcow2.c",
        "the binding is not in the field's file"
    );
    let summary = &value["summary"];
    assert_eq!(
        (
            summary["generated_functions"].as_u64(),
            summary["fields"].as_u64()
        ),
        (Some(3), Some(4)),
        "raw's bindings of unknown type join BlockDriver's own fields"
    );
}

#[test]
fn contexts_lists_aliases_and_their_cycles() {
    let run = callcheck(&["contexts", "--config", CONFIG, TREE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "  co_wrapper_mixed  = coroutine_mixed_fn no_coroutine_fn",
        "  co_loop_b  = coroutine_fn",
        "cyclic alias: co_loop_a expands to itself",
        "  qcow2_open()  testdata/hidden/block/qcow2.c:14  (marker in a macro it invokes)",
        "  BlockDriver.bdrv_co_preadv  testdata/hidden/include/block/block_int.h:6  \
         (attribute on field declaration)",
        "  bdrv_co_reopen() [generated]  testdata/hidden/include/block/block-io.h:14  \
         (generated wrapper, attribute on prototype)",
    ] {
        assert!(
            run.stdout.lines().any(|l| l == line),
            "missing {line:?}\n{}",
            run.stdout
        );
    }
}

#[test]
fn bad_generated_entries_are_reported_where_they_are() {
    let dir = scratch("hidden-bad-generated");
    let config = dir.join("callcheck.toml");
    fs::write(
        &config,
        "preset = \"qemu\"\n[[generated]]\nattributes = [\"w\"]\npattern = \"([a-z\"\ntarget = \"x\"\n",
    )
    .unwrap();
    let run = callcheck(&["--config", config.to_str().unwrap(), TREE]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("callcheck.toml:4:11: invalid `pattern`"),
        "{}",
        run.stderr
    );
}

/// Copies the fixture to a scratch directory.
fn scratch_copy(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    for entry in walk(std::path::Path::new(TREE)) {
        let relative = entry.strip_prefix(TREE).unwrap();
        let target = dir.join(relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&entry, &target).unwrap();
    }
    dir
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn suppressions_reach_field_edges() {
    let dir = scratch_copy("hidden-suppressed");
    let qcow2 = dir.join("block/qcow2.c");
    let text = fs::read_to_string(&qcow2).unwrap().replace(
        "    .bdrv_open      = qcow2_open,",
        "    .bdrv_open      = qcow2_open, /* callcheck: ignore opened from the main loop */",
    );
    fs::write(&qcow2, text).unwrap();
    let config = dir.join("callcheck.toml");
    let mut toml = fs::read_to_string(&config).unwrap();
    toml.push_str(
        "[[cut]]\nfrom = \"bdrv_close\"\nto = \"BlockDriver.bdrv_close\"\nreason = \"only raw's, at exit\"\n",
    );
    fs::write(&config, toml).unwrap();
    let dir = dir.to_str().unwrap();
    let run = callcheck(&["--config", &format!("{dir}/callcheck.toml"), dir]);
    let lines: Vec<String> = headlines(&run.stdout)
        .into_iter()
        .map(String::from)
        .collect();
    assert!(
        !mentions(&lines, "bdrv_open_driver"),
        "the binding's line is ignored: {}",
        run.stdout
    );
    assert!(!mentions(&lines, "bdrv_close"), "the member call is cut");
    assert_eq!(lines.len(), 8, "{}", run.stdout);
    assert!(!run.stderr.contains("stale"), "{}", run.stderr);
}

#[test]
fn queries_follow_fields_and_say_where_they_are_bound() {
    let path = callcheck(&[
        "path",
        "--config",
        CONFIG,
        "bdrv_open_driver",
        "qcow2_load_snapshots",
        TREE,
    ]);
    assert_eq!(path.code, 0, "{}", path.stderr);
    assert_eq!(
        path.stdout,
        "   bdrv_open_driver()  testdata/hidden/block/io.c:60\n\
         => BlockDriver.bdrv_open  testdata/hidden/include/block/block_int.h:7  (used at line 63)\n\
         => qcow2_open()  testdata/hidden/block/qcow2.c:14  \
         (used at testdata/hidden/block/qcow2.c:34)\n\
         -> qcow2_load_snapshots()  testdata/hidden/block/qcow2.c:4  (used at line 17)\n"
    );
    let callers = callcheck(&["callers", "--config", CONFIG, "qcow2_open", TREE]);
    assert!(
        callers.stdout.contains(
            "  <= BlockDriver.bdrv_open  testdata/hidden/include/block/block_int.h:7  \
             (uses it at testdata/hidden/block/qcow2.c:34)"
        ),
        "{}",
        callers.stdout
    );
    let typed = callcheck(&["callers", "--config", CONFIG, "raw_open", TREE]);
    assert!(
        typed.stdout.contains(
            "  <= BlockDriver.bdrv_open  testdata/hidden/include/block/block_int.h:7  \
             (uses it at testdata/hidden/block/raw.c:21)"
        ),
        "drv is declared `struct BlockDriver *`, so drv->bdrv_open = raw_open binds the typed \
         field: {}",
        typed.stdout
    );
    let chained = callcheck(&["callers", "--config", CONFIG, "raw_flush", TREE]);
    assert!(
        chained.stdout.contains("  <= BlockDriver.bdrv_flush  "),
        "bs->drv is declared `struct BlockDriver *drv` in BlockDriverState: {}",
        chained.stdout
    );
    let calls_only = callcheck(&[
        "path",
        "--config",
        CONFIG,
        "--calls-only",
        "bdrv_open_driver",
        "qcow2_load_snapshots",
        TREE,
    ]);
    assert_eq!(calls_only.code, 1, "no path without the field");
}

#[test]
fn graph_json_gives_each_edge_its_real_kind_and_line() {
    let run = callcheck(&["graph", "--format", "json", "--config", CONFIG, TREE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let graph: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let edges = graph["edges"].as_array().unwrap();
    let kinds: std::collections::BTreeSet<&str> =
        edges.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["call", "field", "generated", "macro", "reference"].into()
    );
    assert!(
        edges.iter().all(|e| e["line"].as_u64().unwrap() > 0),
        "every edge has the line of its use"
    );
    let member_call = edges
        .iter()
        .find(|e| {
            e["from"]["name"] == "bdrv_open_driver" && e["to"]["name"] == "BlockDriver.bdrv_open"
        })
        .expect("the member call's edge");
    assert_eq!(
        (member_call["kind"].as_str(), member_call["line"].as_u64()),
        (Some("field"), Some(63))
    );
    let binding = edges
        .iter()
        .find(|e| e["from"]["name"] == "BlockDriver.bdrv_open" && e["to"]["name"] == "qcow2_open")
        .expect("the binding's edge");
    assert_eq!(binding["use_file"], "testdata/hidden/block/qcow2.c");
    assert_eq!(binding["line"], 34);
}
