//! A check reads in full only the function bodies its rules can reach (`src/demand.rs`): the
//! report is the same as with every body read, the bodies no checked function reaches are
//! skimmed, and a context that names alone do not show makes the run read every body again.

mod common;

use callcheck::config::ConfigRequest;
use callcheck::report::Format;
use callcheck::session::{CheckOptions, Options, Session};
use common::callcheck;
use std::path::{Path, PathBuf};

/// The report of checking `dir` (with the configuration found from it) in each format that a
/// skimming run may write, and the number of files whose bodies were skimmed.
fn reports(dir: &Path, skim_bodies: bool) -> Result<(Vec<String>, usize), String> {
    let options = Options {
        paths: vec![dir.to_path_buf()],
        config: ConfigRequest {
            start: dir.to_path_buf(),
            ..ConfigRequest::default()
        },
        skim_bodies,
        ..Options::default()
    };
    let mut session = Session::load(&options).map_err(|error| error.to_string())?;
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
    let texts = formats
        .iter()
        .map(|format| {
            let mut out = Vec::new();
            format.write(&mut out, &report).expect("write to memory");
            String::from_utf8(out).expect("reports are UTF-8")
        })
        .collect();
    Ok((texts, session.graph.stats().skimmed_files))
}

#[test]
fn skimming_changes_no_report_of_any_fixture() {
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&testdata)
        .expect("testdata")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.extend(["skimming/chain", "skimming/alias"].map(|d| testdata.join(d)));
    dirs.sort();
    let mut skimmed = 0;
    let mut checked = 0;
    for dir in &dirs {
        let read = reports(dir, false);
        let skimming = reports(dir, true);
        match (&read, &skimming) {
            (Ok((read, none)), Ok((skimming, files))) => {
                assert_eq!(
                    *none,
                    0,
                    "{}: nothing skimmed when asked not to",
                    dir.display()
                );
                assert_eq!(read, skimming, "{}", dir.display());
                skimmed += files;
                checked += 1;
            }
            _ => assert_eq!(read, skimming, "{}: the same error", dir.display()),
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

#[test]
fn what_no_checked_function_reaches_is_skimmed() {
    let run = callcheck(&["--stats", "testdata/skimming/chain"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Error: reader() is io, but calls gs() code\n       \
         reader() -> step1() -> step2() -> main_only() -> gs()\n\n"
    );
    // io.c is skimmed at first (an attribute is no marker), then read again with the three
    // files it reaches; gs.c mentions its marker and is read in full at once.
    let skimmed = "bodies skimmed: 1 file that no checked function reaches (their uses are not \
                   counted below); 4 read again in full\n";
    assert!(run.stderr.contains(skimmed), "{}", run.stderr);
    // Only `unrelated()`'s call is left out of the counts.
    assert!(run.stderr.contains("call edges: 4\n"), "{}", run.stderr);
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
    assert!(!run.stderr.contains("bodies skimmed"), "{}", run.stderr);
}

#[test]
fn queries_read_every_body() {
    // `unrelated()` is reached by no checked function, yet its call is a caller of main_only().
    let run = callcheck(&["callers", "main_only", "testdata/skimming/chain"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("unrelated"), "{}", run.stdout);
}
