//! Fixture-driven snapshots: every directory under `testdata/` with an `expected/` directory is
//! a case. Its C files are the input, its `callcheck.toml` (if any) the configuration, and
//! `expected/args` (if any) more arguments, one per line. The case is checked in every format,
//! and each run's stdout is compared with `expected/FORMAT.out`, its stderr with
//! `expected/FORMAT.err` (absent when empty), and its exit status with `expected/status`.
//!
//! `CALLCHECK_BLESS=1 cargo test --release --test snapshots` rewrites the expected files from
//! what callcheck prints now; review the change with `git diff testdata/`.

mod common;

use common::callcheck;
use std::fs;
use std::path::{Path, PathBuf};

/// The formats every case is checked in.
const FORMATS: [&str; 6] = ["text", "human", "gcc", "json", "sarif", "dot"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The case directories, relative to the repository root, sorted.
fn cases() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::from("testdata")];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(root().join(&dir)).unwrap() {
            let entry = entry.unwrap();
            if !entry.file_type().unwrap().is_dir() {
                continue;
            }
            let path = dir.join(entry.file_name());
            if entry.file_name() == "expected" {
                found.push(dir.clone());
            } else {
                pending.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The command-line arguments of `case` in `format`.
fn arguments(case: &Path, format: &str) -> Vec<String> {
    let mut args = vec!["--format".to_string(), format.to_string()];
    let config = case.join("callcheck.toml");
    if root().join(&config).is_file() {
        args.extend(["--config".to_string(), config.display().to_string()]);
    }
    if let Ok(extra) = fs::read_to_string(root().join(case).join("expected/args")) {
        args.extend(extra.lines().filter(|l| !l.is_empty()).map(str::to_string));
    }
    args.push(case.display().to_string());
    args
}

/// Compares `actual` with the expected file `path` (absent means empty), or writes it when
/// blessing. Returns a description of the difference, if any.
fn compare(path: &Path, actual: &str, bless: bool) -> Option<String> {
    let full = root().join(path);
    if bless {
        if actual.is_empty() {
            let _ = fs::remove_file(&full);
        } else {
            fs::write(&full, actual).unwrap();
        }
        return None;
    }
    let expected = fs::read_to_string(&full).unwrap_or_default();
    (expected != actual).then(|| {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        format!(
            "{} differs from line {}:\n  expected: {:?}\n  actual:   {:?}",
            path.display(),
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>"),
        )
    })
}

#[test]
fn every_case_matches_its_snapshots_in_every_format() {
    let bless = std::env::var_os("CALLCHECK_BLESS").is_some_and(|v| v == "1");
    let cases = cases();
    assert!(cases.len() >= 5, "cases found: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let expected = case.join("expected");
        let mut statuses = Vec::new();
        for format in FORMATS {
            let args = arguments(case, format);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = callcheck(&args);
            statuses.push(run.code);
            let out = expected.join(format!("{format}.out"));
            let err = expected.join(format!("{format}.err"));
            failures.extend(compare(&out, &run.stdout, bless));
            failures.extend(compare(&err, &run.stderr, bless));
        }
        statuses.dedup();
        let status = statuses
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        failures.extend(compare(
            &expected.join("status"),
            &format!("{status}\n"),
            bless,
        ));
    }
    assert!(
        failures.is_empty(),
        "{} snapshot(s) differ; if the change is intended, run \
         `CALLCHECK_BLESS=1 cargo test --release --test snapshots` and review `git diff \
         testdata/`:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_changed_output_is_caught_and_described() {
    let dir = common::scratch("snapshot-compare");
    let path = dir.join("x.out");
    fs::write(&path, "a\nb\n").unwrap();
    assert_eq!(compare(&path, "a\nb\n", false), None);
    let difference = compare(&path, "a\nc\n", false).unwrap();
    assert!(difference.contains("from line 2"), "{difference}");
    assert!(difference.contains("\"b\"") && difference.contains("\"c\""));
    assert!(compare(&dir.join("absent.err"), "", false).is_none());
    assert!(compare(&dir.join("absent.err"), "warning\n", false).is_some());
}
