//! A check reads in full only the function bodies its rules can reach (`src/demand.rs`): the
//! report is the same as with every body read, the bodies no checked function reaches are
//! skimmed, and a context that names alone do not show makes the run read every body again.

mod common;

use callcheck::config::ConfigRequest;
use callcheck::diagnostics::stderr_lines;
use callcheck::report::Format;
use callcheck::session::{CheckOptions, Options, Session};
use common::callcheck;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// The options that check `dir` with the configuration found from it.
fn options(dir: &Path, skim_bodies: bool) -> Options {
    Options {
        paths: vec![dir.to_path_buf()],
        config: ConfigRequest {
            start: dir.to_path_buf(),
            ..ConfigRequest::default()
        },
        skim_bodies,
        ..Options::default()
    }
}

/// The report of a check with `options` in each format that a skimming run may write, then
/// its diagnostics as stderr shows them, and the session, which says what was skimmed.
fn reports(options: &Options) -> Result<(Vec<String>, Session), String> {
    let mut session = Session::load(options).map_err(|error| error.to_string())?;
    let outcome = session
        .check(&CheckOptions::default())
        .map_err(|error| error.to_string())?;
    let report = session.report(&outcome);
    let formats = [
        Format::Text,
        Format::Human,
        Format::Gcc,
        Format::Sarif,
        Format::Dot,
    ];
    let mut texts: Vec<String> = formats
        .iter()
        .map(|format| {
            let mut out = Vec::new();
            format.write(&mut out, &report).expect("write to memory");
            String::from_utf8(out).expect("reports are UTF-8")
        })
        .collect();
    texts.push(stderr_lines(&outcome.diagnostics).join("\n"));
    Ok((texts, session))
}

#[test]
fn skimming_changes_no_report_of_any_fixture() {
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&testdata)
        .expect("testdata")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.is_dir())
        .collect();
    let skimming = [
        "skimming/chain",
        "skimming/alias",
        "skimming/cuts",
        "skimming/statics",
        "skimming/contexts",
    ];
    dirs.extend(skimming.map(|d| testdata.join(d)));
    dirs.sort();
    let mut skimmed = 0;
    let mut checked = 0;
    for dir in &dirs {
        let read = reports(&options(dir, false));
        let skimming = reports(&options(dir, true));
        match (&read, &skimming) {
            (Ok((read, full)), Ok((skimming, session))) => {
                let none = full.graph.stats().skimmed_files;
                assert_eq!(
                    none,
                    0,
                    "{}: nothing skimmed when asked not to",
                    dir.display()
                );
                assert_eq!(read, skimming, "{}", dir.display());
                skimmed += session.graph.stats().skimmed_files;
                checked += 1;
            }
            (Err(read), Err(skimming)) => assert_eq!(read, skimming, "{}", dir.display()),
            _ => panic!("{}: only one of the runs failed", dir.display()),
        }
    }
    assert!(
        checked > 20,
        "only {checked} fixture directories were checked"
    );
    assert!(
        skimmed > 5,
        "only {skimmed} files were skimmed over all fixtures"
    );
}

/// Checks `dir` with `--stats`, asserts that it reports one violation, `reader()` reaching
/// `gs()` along `path`, and returns what it printed on stderr.
fn stats_of_one_violation(dir: &str, path: &str) -> String {
    let run = callcheck(&["--stats", dir]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!("Error: reader() is io, but calls gs() code\n       {path} -> gs()\n\n")
    );
    run.stderr
}

/// The `--stats` lines on skimming, up to the time: `left_out` files (as written, `1 file`)
/// skimmed, none read in full first, and `read_again` files read again.
fn skimming_lines(left_out: &str, read_again: usize) -> String {
    format!(
        "bodies left out: {left_out} that no checked function reaches (0 read in full first); \
         their uses are not counted below\n\
         bodies read again: {read_again} files skimmed at first that a checked function \
         reaches ("
    )
}

#[test]
fn what_no_checked_function_reaches_is_skimmed() {
    let path = "reader() -> step1() -> step2() -> main_only()";
    let stderr = stats_of_one_violation("testdata/skimming/chain", path);
    // io.c is skimmed at first (an attribute is no marker), then read again with the two
    // files it reaches; gs.c mentions its marker and is read in full at once. two.c's
    // `static` namesake of a step is no function one.c can call: it stays skimmed.
    assert!(stderr.contains(&skimming_lines("2 files", 3)), "{stderr}");
    // Only the calls of `unrelated()` and `two_user()` are left out of the counts.
    assert!(stderr.contains("call edges: 3\n"), "{stderr}");
}

#[test]
fn statics_are_followed_only_from_where_they_can_be_called() {
    let path = "reader() -> step() -> helper() -> main_only()";
    let stderr = stats_of_one_violation("testdata/skimming/statics", path);
    // The static helper of helpers.c.inc is reached, since one.c includes that file; the
    // static namesakes in other.c, which nothing includes, are not: other.c stays skimmed.
    // (Were every static followed, other.c would be read again; were none, the graph would
    // reach a skimmed body and the run would read every body, leaving none out.)
    assert!(stderr.contains(&skimming_lines("1 file", 3)), "{stderr}");
}

#[test]
fn definitions_nothing_reaches_are_left_out_unless_they_carry_a_context() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/skimming/contexts");
    let (read, _) = reports(&options(&dir, false)).unwrap();
    let (skimmed, session) = reports(&options(&dir, true)).unwrap();
    assert_eq!(skimmed, read);
    // plain() is left out of the graph; confused(), whose markers disagree, is not, and the
    // warning about it is given as with every body read.
    assert_eq!(session.completion.definitions_left_out, 1);
    let diagnostics = skimmed.last().expect("the diagnostics come last");
    assert!(
        diagnostics.contains("confused() is gs() (marker in body) and either()"),
        "{diagnostics}"
    );
    let names: Vec<&str> = session
        .graph
        .nodes()
        .map(|n| session.graph.name(n))
        .collect();
    assert_eq!(names, ["reader", "confused"]);
}

#[test]
fn json_reads_every_body_for_its_summary() {
    let run = callcheck(&["--format", "json", "testdata/skimming/chain"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(report["summary"]["calls"], 5, "{}", run.stdout);
    assert_eq!(report["violations"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_context_names_do_not_show_reads_every_body_again() {
    // `reader()`'s context comes from an attribute alias, so its file was skimmed and only the
    // graph shows that it is checked: without the second reading, the violation is lost.
    let run = callcheck(&["--stats", "testdata/skimming/alias"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Error: reader() is io, but calls gs() code\n       \
         reader() -> helper() -> main_only() -> gs()\n\n"
    );
    assert!(!run.stderr.contains("bodies left out"), "{}", run.stderr);
}

#[test]
fn queries_read_every_body() {
    // `unrelated()` is reached by no checked function, yet its call is a caller of main_only().
    let run = callcheck(&["callers", "main_only", "testdata/skimming/chain"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("unrelated"), "{}", run.stdout);
}

#[test]
fn files_from_the_cache_drop_the_uses_nothing_reaches() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/skimming/chain");
    let cache = common::scratch("skimming-cache");
    let (read, _) = reports(&options(&dir, false)).unwrap();
    let cached = Options {
        cache_dir: Some(cache),
        ..options(&dir, true)
    };
    for run in ["first", "second"] {
        let (reports, session) = reports(&cached).unwrap();
        assert_eq!(reports, read, "{run} run");
        // What the cache stores and gives back is whole: nothing is skimmed or read again,
        // and the two files nothing reaches (unrelated.c, and two.c with its `static`
        // namesake) drop their uses.
        assert_eq!(session.completion.read_again, 0, "{run} run");
        assert_eq!(session.completion.dropped, 2, "{run} run");
        assert_eq!(session.graph.stats().skimmed_files, 2, "{run} run");
    }
}

#[test]
fn a_build_directory_drops_the_uses_nothing_reaches() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/builddir");
    let with_build = |skim_bodies| Options {
        paths: Vec::new(),
        build_dir: Some(dir.join("build")),
        ..options(&dir, skim_bodies)
    };
    let (read, _) = reports(&with_build(false)).unwrap();
    let (skimming, session) = reports(&with_build(true)).unwrap();
    assert_eq!(skimming, read);
    assert_eq!(
        session.completion.read_again, 0,
        "a build directory's files come whole"
    );
}

#[test]
fn cuts_boundaries_and_ignores_cut_what_they_cut_with_every_body_read() {
    // Each names an edge of a function that no checked function reaches: those bodies are
    // read all the same, or the three would be reported as stale.
    let run = callcheck(&["--stats", "--strict", "testdata/skimming/cuts"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("stale suppression"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("suppressed: 0 violations by allow, 3 edges cut, 0 stale\n"),
        "{}",
        run.stderr
    );
}

/// A function of a generated tree. Every file names its functions `f0`, `f1`, ..., so that a
/// call may mean a `static` of its own file, one of a file it includes, or any other file's
/// function of the name.
#[derive(Debug, Clone)]
struct GeneratedFunction {
    is_static: bool,
    /// Also `inline`, as a header's functions often are.
    is_inline: bool,
    /// Declared by a prototype before its definition.
    declared: bool,
    marker: Option<&'static str>,
    /// The functions it calls, by number.
    calls: Vec<usize>,
    /// The functions it hands to `run()`, by number.
    references: Vec<usize>,
}

/// A file of a generated tree, `t<index>.c`, or `t<index>.h` for an odd index: its functions,
/// and the files it includes, by index (some of them past the last file, so that an include
/// may go unresolved).
#[derive(Debug, Clone)]
struct GeneratedFile {
    functions: Vec<GeneratedFunction>,
    includes: Vec<usize>,
}

/// How many function names the files of a generated tree share.
const NAMES: usize = 5;

/// The most files a generated tree has.
const FILES: usize = 4;

/// A function with up to four calls and two references, a quarter of them with a marker.
fn generated_function() -> impl Strategy<Value = GeneratedFunction> {
    let markers = ["GLOBAL_STATE_CODE", "IO_CODE", "IO_OR_GS_CODE"];
    (
        (any::<bool>(), any::<bool>(), any::<bool>()),
        // Most functions carry no marker, so that most trees hold files skimmed at first.
        prop_oneof![
            3 => Just(None),
            1 => proptest::sample::select(markers.to_vec()).prop_map(Some),
        ],
        proptest::collection::vec(0..NAMES, 0..4),
        proptest::collection::vec(0..NAMES, 0..2),
    )
        .prop_map(
            |((is_static, is_inline, declared), marker, calls, references)| GeneratedFunction {
                is_static,
                is_inline,
                declared,
                marker,
                calls,
                references,
            },
        )
}

/// A tree of one to [`FILES`] files, each with up to two includes of any file or of one past
/// the last.
fn generated_tree() -> impl Strategy<Value = Vec<GeneratedFile>> {
    let file = (
        proptest::collection::vec(generated_function(), 1..NAMES),
        proptest::collection::vec(0..=FILES, 0..3),
    )
        .prop_map(|(functions, includes)| GeneratedFile {
            functions,
            includes,
        });
    proptest::collection::vec(file, 1..=FILES)
}

/// The name of file `index` of a generated tree: every other file is a header.
fn generated_name(index: usize) -> String {
    let extension = if index % 2 == 1 { "h" } else { "c" };
    format!("t{index}.{extension}")
}

/// The C text of `file`.
fn generated_text(file: &GeneratedFile) -> String {
    let mut text: String = (file.includes.iter())
        .map(|&index| format!("#include \"{}\"\n", generated_name(index)))
        .collect();
    for (number, function) in file.functions.iter().enumerate() {
        let storage = match (function.is_static, function.is_inline) {
            (true, true) => "static inline ",
            (true, false) => "static ",
            (false, true) => "inline ",
            (false, false) => "",
        };
        if function.declared {
            text.push_str(&format!("{storage}void f{number}(void);\n"));
        }
        text.push_str(&format!("{storage}void f{number}(void)\n{{\n"));
        if let Some(marker) = function.marker {
            text.push_str(&format!("    {marker}();\n"));
        }
        for called in &function.calls {
            text.push_str(&format!("    f{called}();\n"));
        }
        for referenced in &function.references {
            text.push_str(&format!("    run(f{referenced});\n"));
        }
        text.push_str("}\n");
    }
    text
}

proptest! {
    /// Reading only the bodies the rules reach gives the report of reading them all, found by
    /// names alone, on trees whose names repeat across files, with `static` namesakes,
    /// prototypes, headers and files that include others.
    #[test]
    fn skimming_changes_no_report_of_a_generated_tree(tree in generated_tree()) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for (index, file) in tree.iter().enumerate() {
            let path = dir.path().join(generated_name(index));
            std::fs::write(path, generated_text(file)).expect("a writable directory");
        }
        let read = reports(&options(dir.path(), false));
        let skimming = reports(&options(dir.path(), true));
        match (read, skimming) {
            (Ok((read, _)), Ok((skimming, session))) => {
                prop_assert_eq!(read, skimming);
                // Names sufficed: a file that mentions no marker was skimmed at first, and then
                // read again or left skimmed. The run did not fall back to reading every body
                // (which would hide a file the reach missed behind the same report).
                let unmarked = tree.iter().any(|file| {
                    file.functions.iter().all(|function| function.marker.is_none())
                });
                let skimmed = session.completion.read_again + session.graph.stats().skimmed_files;
                prop_assert!(!unmarked || skimmed > 0, "every body was read again");
            }
            (read, skimming) => prop_assert_eq!(read.err(), skimming.err()),
        }
    }
}
