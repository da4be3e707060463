//! Functions that macros invoked at file scope define, and names that macros paste, end to end
//! on `testdata/macro-functions` (see its files) with the real binary.

mod common;

use common::{callcheck, callcheck_in, scratch};
use std::fs;

const FIXTURE: &str = "testdata/macro-functions";
const CONFIG: &str = "testdata/macro-functions/callcheck.toml";

fn headlines(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| !l.starts_with(' ')).collect()
}

/// The graph's edges as `from@file -kind-> to@file`.
fn edges(dir: &str, config: &str) -> Vec<String> {
    let run = callcheck(&["graph", "--format", "json", "--config", config, dir]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let graph: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let end = |v: &serde_json::Value| {
        let file = v["file"].as_str().unwrap();
        let file = file
            .rsplit_once("macro-functions/")
            .map_or(file, |(_, f)| f);
        format!("{}@{}", v["name"].as_str().unwrap(), file)
    };
    graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} -{}-> {}",
                end(&e["from"]),
                e["kind"].as_str().unwrap(),
                end(&e["to"])
            )
        })
        .collect()
}

#[test]
fn functions_that_macros_define_carry_calls() {
    let run = callcheck(&["--config", CONFIG, FIXTURE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        headlines(&run.stdout)
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>(),
        [
            "Error: reader_header() is IO_CODE(), but calls GLOBAL_STATE_CODE() code",
            "Error: reader_locked() is IO_CODE(), but calls GLOBAL_STATE_CODE() code",
            "Error: reader_open() is IO_CODE(), but calls GLOBAL_STATE_CODE() code",
            "Error: writer_open() is IO_CODE(), but calls GLOBAL_STATE_CODE() code",
        ]
    );
    for path in [
        "reader_header() -> be16_to_cpu() -> swap16() -> GLOBAL_STATE_CODE()",
        "reader_locked() -> cleanup_Lock() -> lock_release() -> GLOBAL_STATE_CODE()",
        "reader_open() -> CHANNEL() -> object_check() -> GLOBAL_STATE_CODE()",
    ] {
        assert!(
            run.stdout.contains(path),
            "no path {path} in\n{}",
            run.stdout
        );
    }
}

#[test]
fn pasted_names_nested_macros_and_header_statics_resolve() {
    let edges = edges(FIXTURE, CONFIG);
    for expected in [
        // Two levels of macros define a static function in a header, seen through an include.
        "reader_open@reader.c -call-> CHANNEL@include/channel.h",
        "CHANNEL@include/channel.h -call-> object_check@object.c",
        // Names pasted from the arguments, in the definition and in its body.
        "reader_header@reader.c -call-> be16_to_cpu@include/swap.h",
        "be16_to_cpu@include/swap.h -call-> swap16@swap.c",
        "be32_to_cpu@include/swap.h -call-> swap32@swap.c",
        // A header macro used in two files defines a static function in each: each its own.
        "writer_open@writer.c -call-> READER@writer.c",
        "READER@reader.c -call-> object_check@object.c",
        // A local with the cleanup attribute, pasted inside a macro, calls its cleanup.
        "reader_locked@reader.c -macro-> cleanup_Lock@include/lock.h",
        "cleanup_Lock@include/lock.h -call-> lock_release@lock.c",
    ] {
        assert!(
            edges.contains(&expected.to_string()),
            "no {expected} in {edges:#?}"
        );
    }
    assert!(
        !edges
            .iter()
            .any(|e| e.starts_with("writer_open") && e.contains("READER@reader.c")),
        "a static function of another file is not called: {edges:#?}"
    );
}

/// The names of the graph's functions that end in `_to_cpu`, sorted.
fn conversions(dir: &str) -> Vec<String> {
    let run = callcheck(&["graph", "--format", "json", "--config", CONFIG, dir]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let graph: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut names: Vec<String> = graph["functions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["name"].as_str())
        .filter(|name| name.ends_with("_to_cpu"))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

#[test]
fn a_header_no_unit_reaches_defines_nothing_unless_only_headers_are_checked() {
    // include/unused.h invokes CONVERT(le, 16), but no .c file includes it.
    assert_eq!(conversions(FIXTURE), ["be16_to_cpu", "be32_to_cpu"]);
    let headers = format!("{FIXTURE}/include");
    assert_eq!(
        conversions(&headers),
        ["be16_to_cpu", "be32_to_cpu", "le16_to_cpu"]
    );
    // Once a unit includes it, it is compiled, and so is what it defines.
    let dir = common::fixture_copy(FIXTURE, "macro-functions-unit");
    fs::write(dir.join("user.c"), "#include \"unused.h\"\n").unwrap();
    assert_eq!(
        conversions(dir.to_str().unwrap()),
        ["be16_to_cpu", "be32_to_cpu", "le16_to_cpu"]
    );
}

#[test]
fn without_macro_edges_macro_defined_functions_are_not_read() {
    // The qemu-block preset is check_calls.py's graph (calls and references only).
    let run = callcheck(&["--preset", "qemu-block", FIXTURE]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = callcheck(&["--calls-only", "--config", CONFIG, FIXTURE]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn adversarial_macros_neither_overflow_nor_blow_up() {
    let dir = scratch("macro-functions-adversarial");
    let mut text = String::from("#define E0(x) static int x##_f(void) { return 0; }\n");
    // Each level doubles the expansion: 2^60 functions if nothing stopped it.
    for level in 1..60 {
        text += &format!("#define E{level}(x) E{p}(x##a) E{p}(x##b)\n", p = level - 1);
    }
    text += "E59(big)\n";
    // A macro that invokes itself, directly and through another.
    text += "#define SELF(x) SELF(x) static int self_##x(void) { return 1; }\n";
    text += "#define PING(x) PONG(x)\n#define PONG(x) PING(x) void pong_##x(void) { }\n";
    text += "SELF(a)\nPING(b)\n";
    // Arguments nested 20,000 deep, each an invocation to expand first.
    text += "#define WRAP(x) x\n#define NEST(x) int nest_f(void) { return x; }\n";
    text += &format!("NEST({}1{})\n", "WRAP(".repeat(20_000), ")".repeat(20_000));
    // A definition chain deeper than the expansion limit.
    text += "#define D0(x) int deep_##x(void) { return 2; }\n";
    for level in 1..200 {
        text += &format!("#define D{level}(x) D{p}(x)\n", p = level - 1);
    }
    text += "D199(z)\n";
    // And an ordinary one after all that, which must still be found.
    text += "#define GETTER(n) int get_##n(void) { return check(); }\nGETTER(ok)\n";
    text += "int check(void) { return 0; }\n";
    fs::write(dir.join("bad.c"), text).unwrap();
    fs::write(dir.join("callcheck.toml"), "preset = \"qemu\"\n").unwrap();
    let run = callcheck_in(&dir, &["graph", "--format", "json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let graph: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let names: Vec<&str> = graph["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"get_ok"), "{names:?}");
    assert!(
        names.contains(&"self_a") && names.contains(&"pong_b"),
        "{names:?}"
    );
    assert!(
        !names.contains(&"nest_f"),
        "an expansion larger than the work limit is given up: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with("deep_")),
        "a chain deeper than the limit defines nothing: {names:?}"
    );
    assert!(names.len() < 10_000, "{} functions", names.len());
}
