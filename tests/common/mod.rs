//! Helpers shared by the end-to-end tests.

// Each test crate uses the part it needs.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary printed and returned.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs the real binary from the repository root.
pub fn callcheck(args: &[&str]) -> Run {
    callcheck_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// The functions reported (the subjects of the `Error:` lines), sorted.
pub fn subjects(stdout: &str) -> Vec<String> {
    let mut found: Vec<String> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Error: "))
        .filter_map(|rest| rest.split("()").next())
        .map(str::to_string)
        .collect();
    found.sort();
    found
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the real binary in `dir`.
pub fn callcheck_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_callcheck"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        // The pre-commit hook passes --cache: its cache goes to the build's scratch space.
        .env(
            "CALLCHECK_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("callcheck-cache"),
        )
        .output()
        .expect("run callcheck");
    Run {
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        code: output.status.code().expect("exit code"),
    }
}

/// A fresh scratch directory `name` holding a copy of the fixture directory `fixture`.
pub fn fixture_copy(fixture: &str, name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                fs::create_dir_all(&target).unwrap();
                copy(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = scratch(name);
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture), &dir);
    dir
}

/// Runs git in `dir` with a throw-away identity and no signing, and asserts that it succeeds.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}");
}

/// Makes `dir` a git repository with one commit of everything in it.
pub fn git_commit_all(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "start"]);
}

/// Every `.c` and `.h` file under `dir`, recursively.
fn c_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("fixture directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            c_files(&path, found);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("c" | "h")) {
            found.push(path);
        }
    }
}

/// The bytes of every C fixture under `testdata/`, in path order, read once.
pub fn c_fixtures() -> &'static [Vec<u8>] {
    static FIXTURES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    FIXTURES.get_or_init(|| {
        let mut paths = Vec::new();
        c_files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
            &mut paths,
        );
        paths.sort();
        paths
            .iter()
            .map(|p| fs::read(p).expect("fixture"))
            .collect()
    })
}

/// A fixture of [`c_fixtures`] mutated: up to 64 bytes from an offset replaced by `insert`, the
/// fixture, the offset and the length picked by the three indices. Also the fixture's bytes
/// before the offset, cut there.
pub fn mutated_fixture(
    file: proptest::sample::Index,
    at: proptest::sample::Index,
    cut: proptest::sample::Index,
    insert: &[u8],
) -> (Vec<u8>, &'static [u8]) {
    let fixtures = c_fixtures();
    let source = &fixtures[file.index(fixtures.len())];
    let at = at.index(source.len() + 1);
    let end = at + cut.index(source.len() - at + 1).min(64);
    let mutated = [&source[..at], insert, &source[end..]].concat();
    (mutated, &source[..at])
}
