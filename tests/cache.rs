//! End-to-end tests of the extraction cache (`--cache`, `--cache-dir`): a run that takes files
//! from it reports exactly what a run that reads them does, a file that changes is read again,
//! and a cache that is damaged, stale or cannot be written never changes a report.

mod common;

use common::{fixture_copy, scratch};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// What one run printed and returned.
struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

impl Run {
    /// The `cache:` line of `--stats`: files taken from the cache, and files stored in it.
    fn cache_counts(&self) -> (usize, usize) {
        let line = self
            .stderr
            .lines()
            .find_map(|line| line.strip_prefix("cache: "))
            .unwrap_or_else(|| panic!("no cache line in:\n{}", self.stderr));
        let numbers: Vec<usize> = line
            .split(' ')
            .filter_map(|word| word.parse().ok())
            .collect();
        (numbers[0], numbers[1])
    }

    /// How many of the files taken from the cache matched by content, their stamp new:
    /// the `(N by content)` of the `cache:` line.
    fn content_hits(&self) -> usize {
        let line = self.stderr.lines().find(|l| l.starts_with("cache: "));
        let count = line.and_then(|line| line.split_once(" (")?.1.split_once(" by content)"));
        count
            .and_then(|(count, _)| count.parse().ok())
            .unwrap_or_else(|| panic!("no content count in:\n{}", self.stderr))
    }
}

/// Runs the binary in `dir` with `args` and the environment variables `env` set (and the
/// cache variables unset unless `env` sets them).
fn run_with(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_callcheck"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("CALLCHECK_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("run callcheck");
    Run {
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
        code: output.status.code().expect("exit code"),
    }
}

/// Runs the binary in `dir` with `args`.
fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[])
}

/// Sets the modification time of every file below `dir` to `age` ago: a file modified within
/// the last two seconds is not stored, since a second change in the same clock tick would keep
/// its stamp.
fn age(dir: &Path, age: Duration) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            self::age(&entry.path(), age);
        } else {
            let file = File::options().write(true).open(entry.path()).unwrap();
            file.set_modified(SystemTime::now() - age).unwrap();
        }
    }
}

/// A copy of the bundled example whose files are an hour old, and a cache directory beside it
/// (not made yet: nothing is left of an earlier run of the test).
fn example(name: &str) -> (PathBuf, PathBuf) {
    scratch(name);
    let tree = fixture_copy("testdata/example", &format!("{name}/tree"));
    age(&tree, Duration::from_secs(3600));
    let cache = tree.parent().unwrap().join("cache");
    (tree, cache)
}

/// The C files of the example.
const C_FILES: usize = 6;

#[test]
fn a_second_run_takes_every_file_from_the_cache_and_reports_the_same() {
    let (tree, cache) = example("cache-second-run");
    let cache_arg = format!("--cache-dir={}", cache.display());
    let plain = run(&tree, &["."]);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    let first = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(first.cache_counts(), (0, C_FILES));
    let second = run(&tree, &[&cache_arg, "--stats", "."]);
    // Every entry is found again, the first one written included.
    assert_eq!(second.cache_counts(), (C_FILES, 0));
    for cached in [&first, &second] {
        assert_eq!(cached.stdout, plain.stdout);
        assert_eq!(cached.code, plain.code);
    }
    for format in ["json", "sarif"] {
        let args = ["--format", format, "."];
        let cached = run(&tree, &[&cache_arg, "--format", format, "."]);
        assert_eq!(cached.stdout, run(&tree, &args).stdout, "{format}");
    }
}

#[test]
fn a_changed_file_is_read_again() {
    let (tree, cache) = example("cache-changed-file");
    let cache_arg = format!("--cache-dir={}", cache.display());
    let before = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(before.cache_counts(), (0, C_FILES));
    // A new I/O function that reaches global-state code, an hour and a minute old: its
    // stamp differs in size and time, not in age.
    let io = tree.join("block/io.c");
    let mut text = fs::read_to_string(&io).unwrap();
    text.push_str(
        "\nvoid blk_cached_probe(BlockBackend *blk)\n{\n    IO_CODE();\n    blk_drain(blk);\n}\n",
    );
    fs::write(&io, text).unwrap();
    age(&tree.join("block"), Duration::from_secs(3660));
    let after = run(&tree, &[&cache_arg, "--stats", "."]);
    // block/io.c is read and stored again; the other file of block/ has a new stamp over the
    // same bytes, and is taken by content.
    assert_eq!(after.cache_counts(), (C_FILES - 1, 1));
    assert_eq!(after.content_hits(), 1);
    let plain = run(&tree, &["."]);
    assert!(
        plain.stdout.contains("blk_cached_probe()"),
        "{}",
        plain.stdout
    );
    assert_eq!(after.stdout, plain.stdout);
    assert_ne!(after.stdout, before.stdout);
    // The rewritten cache holds the entries kept and the new ones.
    let again = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(again.cache_counts(), (C_FILES, 0));
    assert_eq!(again.stdout, plain.stdout);
}

#[test]
fn files_with_new_stamps_over_the_same_bytes_are_taken_by_content_then_by_stamp() {
    let (tree, cache) = example("cache-by-content");
    let cache_arg = format!("--cache-dir={}", cache.display());
    let first = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(first.cache_counts(), (0, C_FILES));
    // Two files written anew with the same bytes (new inodes, as a checkout writes them), and
    // every file given a new modification time: a new stamp each.
    for path in [tree.join("block/io.c"), tree.join("block.c")] {
        let text = fs::read(&path).unwrap();
        fs::remove_file(&path).unwrap();
        fs::write(&path, text).unwrap();
    }
    age(&tree, Duration::from_secs(1800));
    let second = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(second.cache_counts(), (C_FILES, 0));
    assert_eq!(second.content_hits(), C_FILES);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(second.stdout, run(&tree, &["."]).stdout);
    // The cache now holds the new stamps.
    let third = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(third.cache_counts(), (C_FILES, 0));
    assert_eq!(third.content_hits(), 0);
    assert_eq!(third.stdout, first.stdout);
}

#[test]
fn a_file_modified_just_now_is_not_stored() {
    scratch("cache-young");
    let tree = fixture_copy("testdata/example", "cache-young/tree");
    let cache = tree.parent().unwrap().join("cache");
    let cache_arg = format!("--cache-dir={}", cache.display());
    let first = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(first.cache_counts(), (0, 0));
    let second = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(second.cache_counts(), (0, 0));
    assert_eq!(second.stdout, run(&tree, &["."]).stdout);
}

/// The one cache file in `dir`.
fn cache_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn a_damaged_cache_is_rebuilt_with_a_warning() {
    let (tree, cache) = example("cache-damaged");
    let cache_arg = format!("--cache-dir={}", cache.display());
    let plain = run(&tree, &["."]);
    run(&tree, &[&cache_arg, "."]);
    fs::write(cache_file(&cache), b"callcheck-cache\nshort").unwrap();
    let damaged = run(&tree, &[&cache_arg, "--stats", "."]);
    assert!(
        damaged.stderr.contains("warning: cache: ") && damaged.stderr.contains("is damaged"),
        "{}",
        damaged.stderr
    );
    assert_eq!(damaged.cache_counts(), (0, C_FILES));
    assert_eq!(
        (damaged.stdout.as_str(), damaged.code),
        (plain.stdout.as_str(), plain.code)
    );
    let rebuilt = run(&tree, &[&cache_arg, "--stats", "."]);
    assert!(!rebuilt.stderr.contains("warning"), "{}", rebuilt.stderr);
    assert_eq!(rebuilt.cache_counts(), (C_FILES, 0));
}

#[test]
fn an_entry_that_fails_its_checksum_is_read_again() {
    let (tree, cache) = example("cache-checksum");
    let cache_arg = format!("--cache-dir={}", cache.display());
    run(&tree, &[&cache_arg, "."]);
    // The first entry starts right after the 32-byte header.
    let file = cache_file(&cache);
    let mut bytes = fs::read(&file).unwrap();
    bytes[33] ^= 0xff;
    fs::write(&file, bytes).unwrap();
    let run = run(&tree, &[&cache_arg, "--stats", "."]);
    assert_eq!(run.cache_counts(), (C_FILES - 1, 1));
    assert_eq!(run.stdout, self::run(&tree, &["."]).stdout);
}

#[test]
fn another_configuration_extracts_again() {
    let (tree, cache) = example("cache-configuration");
    let cache_arg = format!("--cache-dir={}", cache.display());
    run(&tree, &[&cache_arg, "."]);
    let other = run(&tree, &[&cache_arg, "--stats", "--preset", "qemu", "."]);
    assert_eq!(other.cache_counts(), (0, C_FILES));
    assert_eq!(other.stdout, run(&tree, &["--preset", "qemu", "."]).stdout);
    let defined = run(
        &tree,
        &[
            &cache_arg, "--stats", "-D", "CONFIG_X", "--preset", "qemu", ".",
        ],
    );
    assert_eq!(defined.cache_counts(), (0, C_FILES));
    // Each configuration keeps its own cache: going back to one finds it whole.
    let back = run(&tree, &[&cache_arg, "--stats", "--preset", "qemu", "."]);
    assert_eq!(back.cache_counts(), (C_FILES, 0));
    assert_eq!(back.stdout, other.stdout);
    assert_eq!(fs::read_dir(&cache).unwrap().count(), 3);
}

#[test]
fn a_cache_directory_that_cannot_be_made_is_a_warning() {
    let (tree, _) = example("cache-unusable");
    let blocker = tree.parent().unwrap().join("not-a-directory");
    fs::write(&blocker, "a file").unwrap();
    let cache_arg = format!("--cache-dir={}", blocker.join("cache").display());
    let cached = run(&tree, &[&cache_arg, "."]);
    let plain = run(&tree, &["."]);
    assert!(
        cached.stderr.contains("warning: cache: cannot create"),
        "{}",
        cached.stderr
    );
    assert_eq!((cached.stdout, cached.code), (plain.stdout, plain.code));
    let quiet = run(&tree, &[&cache_arg, "--quiet", "."]);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn cache_finds_its_directory_in_the_environment() {
    let (tree, _) = example("cache-environment");
    let dir = tree.parent().unwrap().join("from-env");
    let run = run_with(&tree, &["--cache", "."], &[("CALLCHECK_CACHE_DIR", &dir)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    cache_file(&dir);
    let xdg = tree.parent().unwrap().join("xdg");
    run_with(&tree, &["--cache", "."], &[("XDG_CACHE_HOME", &xdg)]);
    cache_file(&xdg.join("callcheck"));
    let nowhere = Command::new(env!("CARGO_BIN_EXE_callcheck"))
        .args(["--cache", "."])
        .current_dir(&tree)
        .env_remove("CALLCHECK_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("HOME")
        .output()
        .unwrap();
    assert_eq!(nowhere.status.code(), Some(2));
    let stderr = String::from_utf8(nowhere.stderr).unwrap();
    assert!(stderr.contains("--cache-dir"), "{stderr}");
}

#[test]
fn no_cache_turns_off_a_cache_given_before_it() {
    let (tree, cache) = example("cache-off");
    let cache_arg = format!("--cache-dir={}", cache.display());
    let off = run_with(
        &tree,
        &["--cache", &cache_arg, "--no-cache", "--stats", "."],
        &[("CALLCHECK_CACHE_DIR", &cache)],
    );
    assert_eq!(off.code, 1, "{}", off.stderr);
    assert!(!off.stderr.contains("cache:"), "{}", off.stderr);
    assert!(!cache.exists());
}

#[test]
fn a_build_directory_run_uses_the_cache_too() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = scratch("cache-builddir");
    let cache_arg = format!("--cache-dir={}", cache.display());
    let args = ["--preset", "qemu", "-p", "testdata/builddir/build"];
    let plain = run(root, &args);
    let mut cached_args = vec![cache_arg.as_str(), "--stats"];
    cached_args.extend(args);
    // The checkout's files may be young: what is stored depends on their age, but the
    // report may not.
    let first = run(root, &cached_args);
    let second = run(root, &cached_args);
    assert_eq!(first.stdout, plain.stdout);
    assert_eq!(second.stdout, plain.stdout);
    let (first_hits, first_stored) = first.cache_counts();
    assert_eq!(first_hits, 0);
    assert_eq!(second.cache_counts().0, first_stored);
}
