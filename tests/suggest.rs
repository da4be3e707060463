//! `callcheck suggest` and `--fix`, end to end on the fixtures of testdata/suggest.

mod common;

use common::{callcheck, callcheck_in, scratch};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixtures and the arguments that select their rules.
const CASES: [(&str, &[&str]); 4] = [
    ("coroutine", &["--preset", "qemu-coroutine"]),
    ("coroutine", &["--preset", "qemu-coroutine", "--helpers"]),
    ("markers", &[]),
    ("guards", &["--preset", "qemu-coroutine"]),
];

/// Copies `testdata/suggest/NAME` to a fresh scratch directory and returns the copy.
fn copy_fixture(name: &str, scratch_name: &str) -> PathBuf {
    let root = scratch(scratch_name);
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/suggest")
        .join(name);
    copy_dir(&from, &root.join(name));
    root
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn args<'a>(first: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    first.iter().chain(rest).copied().collect()
}

/// Every file under `dir`, relative to it, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != ".git") {
                    stack.push(path);
                }
            } else {
                files.push((
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                ));
            }
        }
    }
    files.sort();
    files
}

/// The violations of the check as (function, rule) pairs.
fn violations(dir: &Path, name: &str, options: &[&str]) -> BTreeSet<(String, String)> {
    let options: Vec<&str> = options
        .iter()
        .copied()
        .filter(|&o| o != "--helpers")
        .collect();
    let run = callcheck_in(dir, &args(&options, &["--format", "json", name]));
    assert!(run.code < 2, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["function"].as_str().unwrap().to_string(),
                v["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// What a fix may insert: an attribute word, a marker statement.
const INSERTIONS: [&str; 8] = [
    " coroutine_fn",
    "coroutine_fn ",
    " coroutine_mixed_fn",
    "coroutine_mixed_fn ",
    " IO_CODE();",
    " GLOBAL_STATE_CODE();",
    "IO_CODE();",
    "GLOBAL_STATE_CODE();",
];

/// The number of insertions that turn `original` into `edited`, if `edited` is `original`
/// with lines of their own and words from [`INSERTIONS`] added, every other byte unchanged.
fn insertions_between(original: &str, edited: &str) -> Option<usize> {
    let original: Vec<&str> = original.split_inclusive('\n').collect();
    let mut at = 0;
    let mut count = 0;
    for line in edited.split_inclusive('\n') {
        if original.get(at) == Some(&line) {
            at += 1;
            continue;
        }
        let statement = line.trim();
        if INSERTIONS[6..].contains(&statement) {
            count += 1;
            continue;
        }
        let old = original.get(at)?;
        let undone = INSERTIONS.iter().any(|word| {
            line.match_indices(word)
                .any(|(i, _)| format!("{}{}", &line[..i], &line[i + word.len()..]) == *old)
        });
        if !undone {
            return None;
        }
        count += 1;
        at += 1;
    }
    (at == original.len()).then_some(count)
}

fn suggest_json(dir: &Path, name: &str, options: &[&str]) -> serde_json::Value {
    let run = callcheck_in(
        dir,
        &args(&["suggest"], &args(options, &["--format", "json", name])),
    );
    assert!(run.code < 2, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn suggestions_explain_their_evidence_and_confidence() {
    let run = callcheck(&[
        "suggest",
        "--preset",
        "qemu-coroutine",
        "testdata/suggest/coroutine",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let headlines: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        headlines,
        [
            "testdata/suggest/coroutine/block/crlf.c:4: crlf_helper(): add coroutine_fn (forced by a rule)",
            "testdata/suggest/coroutine/block/io.c:13: step_split(): add coroutine_fn (forced by a rule)",
            "testdata/suggest/coroutine/block/io.c:20: step_static(): add coroutine_fn (forced by a rule)",
            "testdata/suggest/coroutine/block/io.c:26: agree(): add coroutine_fn (all callers agree)",
            "testdata/suggest/coroutine/block/io.c:45: waits(): conflict: its callers want coroutine_fn, which a rule forbids it",
            "4 suggestions (3 forced by a rule, 1 where all callers agree), 1 conflict",
        ]
    );
    assert!(run.stdout.contains(
        "  forced by rule coroutine-fn-caller: step_static() -> step_split() -> co_read()\n  used by entry() [coroutine_fn] (call at testdata/suggest/coroutine/block/io.c:69)"
    ), "{}", run.stdout);
    assert!(run.stdout.contains(
        "  forbidden by rule coroutine-reaches-no-coroutine-fn: waits() -> blocking_wait()"
    ));

    let run = callcheck(&["suggest", "testdata/suggest/markers"]);
    assert!(run.stdout.contains(
        "testdata/suggest/markers/block.c:24: io_empty(): add IO_CODE(); (forced by a rule)\n  forced by rule io-reaches-global-state: its caller io_one_line() is suggested IO_CODE()\n"
    ), "{}", run.stdout);
    assert!(run.stdout.contains(
        "bad_helper(): conflict: its callers want IO_OR_GS_CODE(), which a rule forbids it\n  forbidden by rule io-reaches-global-state: bad_helper() -> bdrv_gs()\n"
    ), "{}", run.stdout);
}

#[test]
fn guards_make_mixed_functions_and_decide_where_uses_run() {
    let run = callcheck(&[
        "suggest",
        "--preset",
        "qemu-coroutine",
        "testdata/suggest/guards",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let headlines: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        headlines,
        [
            "testdata/suggest/guards/block/mixed.c:22: read_all(): add coroutine_mixed_fn (guarded calls)",
            "testdata/suggest/guards/block/mixed.c:32: either_wait(): add coroutine_mixed_fn (guarded calls)",
            "testdata/suggest/guards/block/mixed.c:43: maybe_yield(): add coroutine_fn (all callers agree)",
            "testdata/suggest/guards/block/mixed.c:53: drain_or_wait(): add coroutine_fn (all callers agree)",
            "testdata/suggest/guards/block/mixed.c:70: mid(): add coroutine_fn (all callers agree)",
            "testdata/suggest/guards/block/mixed.c:98: waits(): conflict: its callers want coroutine_fn, which a rule forbids it",
            "5 suggestions (0 forced by a rule, 3 where all callers agree, 2 with guarded calls), 1 conflict",
        ]
    );
    assert!(run.stdout.contains(
        "read_all(): add coroutine_mixed_fn (guarded calls)\n  calls co_yield() [coroutine_fn] only under its guard (call at testdata/suggest/guards/block/mixed.c:25)\n  used by entry() [coroutine_fn] (call at testdata/suggest/guards/block/mixed.c:110)\n  used by main_loop() (call at testdata/suggest/guards/block/mixed.c:121)\n"
    ), "{}", run.stdout);

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/suggest");
    let json = suggest_json(&dir, "guards", &["--preset", "qemu-coroutine"]);
    let read_all = &json["suggestions"][0];
    assert_eq!(read_all["confidence"], "guarded");
    assert_eq!(read_all["insert"], "coroutine_mixed_fn");
    assert_eq!(read_all["guarded_calls"][0]["function"], "co_yield");
    assert_eq!(read_all["guarded_calls"][0]["use_line"], 25);
    assert_eq!(json["summary"]["guarded"], 2);
    assert_eq!(json["summary"]["callers_agree"], 3);

    // The prototype in the header gets the attribute too.
    let patch = callcheck_in(
        &dir,
        &[
            "suggest",
            "--preset",
            "qemu-coroutine",
            "--format",
            "patch",
            "guards",
        ],
    );
    assert!(
        patch
            .stdout
            .contains("-int read_all(int fd);\n+int coroutine_mixed_fn read_all(int fd);\n"),
        "{}",
        patch.stdout
    );
}

#[test]
fn json_lists_suggestions_with_evidence() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/suggest");
    let json = suggest_json(
        &dir,
        "coroutine",
        &["--preset", "qemu-coroutine", "--helpers"],
    );
    let got: Vec<(String, String, String)> = json["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["function"].as_str().unwrap().into(),
                s["insert"].as_str().unwrap().into(),
                s["confidence"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("crlf_helper", "forced"),
        ("step_split", "forced"),
        ("step_static", "forced"),
        ("agree", "callers-agree"),
        ("make_req", "callers-agree"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(f, c)| (f.to_string(), "coroutine_fn".to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
    let step_split = &json["suggestions"][1];
    assert_eq!(step_split["callers"][0]["function"], "step_static");
    assert_eq!(step_split["forced_by"][0]["rule"], "coroutine-fn-caller");
    assert_eq!(step_split["forced_by"][0]["path"][0]["function"], "co_read");
    assert_eq!(json["conflicts"][0]["function"], "waits");
    assert_eq!(
        json["conflicts"][0]["forbidden_by"][0]["path"][0]["function"],
        "blocking_wait"
    );
    assert_eq!(json["summary"]["suggestions"], 5);
}

#[test]
fn patches_apply_with_git_and_patch_and_create_no_violation() {
    for (index, (name, options)) in CASES.iter().enumerate() {
        let root = copy_fixture(name, &format!("suggest-patch-{index}"));
        let before = violations(&root, name, options);
        let run = callcheck_in(
            &root,
            &args(&["suggest"], &args(options, &["--format", "patch", name])),
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stdout.starts_with("diff --git a/"), "{}", run.stdout);
        let patch = root.join("suggestions.patch");
        fs::write(&patch, &run.stdout).unwrap();

        // patch -p1 on a second copy.
        let other = copy_fixture(name, &format!("suggest-patch-{index}-p1"));
        let status = Command::new("patch")
            .args(["-p1", "--quiet", "-i"])
            .arg(&patch)
            .current_dir(&other)
            .status()
            .unwrap();
        assert!(status.success());

        let git = |args: &[&str]| {
            let status = Command::new("git")
                .args(args)
                .current_dir(&root)
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        git(&["init", "--quiet"]);
        git(&["apply", "--check", "suggestions.patch"]);
        git(&["apply", "suggestions.patch"]);
        fs::remove_file(&patch).unwrap();
        assert_eq!(snapshot(&root.join(name)), snapshot(&other.join(name)));

        let after = violations(&root, name, options);
        assert!(
            after.is_subset(&before),
            "new violations: {:?}",
            after.difference(&before)
        );
        let again = suggest_json(&root, name, options);
        assert_eq!(again["summary"]["suggestions"], 0, "{again}");
    }
}

#[test]
fn fix_is_atomic_byte_exact_and_idempotent() {
    for (index, (name, options)) in CASES.iter().enumerate() {
        let patched = copy_fixture(name, &format!("suggest-fix-{index}-patched"));
        let run = callcheck_in(
            &patched,
            &args(&["suggest"], &args(options, &["--format", "patch", name])),
        );
        fs::write(patched.join("p.patch"), &run.stdout).unwrap();
        let status = Command::new("patch")
            .args(["-p1", "--quiet", "-i", "p.patch"])
            .current_dir(&patched)
            .status()
            .unwrap();
        assert!(status.success());

        let root = copy_fixture(name, &format!("suggest-fix-{index}"));
        let original = snapshot(&root.join(name));
        #[cfg(unix)]
        let mode_file = {
            use std::os::unix::fs::PermissionsExt;
            let file = root.join(name).join(&original[0].0);
            fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
            file
        };
        let run = callcheck_in(&root, &args(&["suggest", "--fix"], &args(options, &[name])));
        assert!(run.stderr.contains("callcheck: fixed "), "{}", run.stderr);
        // Conflicts are left: exit status 1.
        assert_eq!(run.code, 1, "{}", run.stderr);
        let fixed = snapshot(&root.join(name));
        assert_eq!(
            fixed,
            snapshot(&patched.join(name)),
            "--fix and the patch agree"
        );
        for ((path, before), (_, after)) in original.iter().zip(&fixed) {
            let (before, after) = (
                String::from_utf8(before.clone()).unwrap(),
                String::from_utf8(after.clone()).unwrap(),
            );
            let count = insertions_between(&before, &after)
                .unwrap_or_else(|| panic!("{}: a byte of the original changed", path.display()));
            if before.contains('\r') {
                assert_eq!(
                    after.matches('\n').count(),
                    after.matches("\r\n").count(),
                    "CRLF kept"
                );
                assert!(count > 0, "the CRLF file got its suggestion");
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&mode_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let leftovers = fs::read_dir(root.join(name)).unwrap().filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".callcheck")
        });
        assert_eq!(leftovers.count(), 0);

        let second = callcheck_in(&root, &args(&["suggest", "--fix"], &args(options, &[name])));
        assert!(
            second.stderr.contains("callcheck: 0 files changed"),
            "{}",
            second.stderr
        );
        assert_eq!(
            snapshot(&root.join(name)),
            fixed,
            "a second --fix changes nothing"
        );
    }
}

#[test]
fn check_fix_applies_only_forced_suggestions() {
    let root = copy_fixture("coroutine", "suggest-check-fix");
    let run = callcheck_in(&root, &["--preset", "qemu-coroutine", "--fix", "coroutine"]);
    assert!(
        run.stderr
            .contains("callcheck: fixed coroutine/block/io.c:13: step_split() gets coroutine_fn\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(
        "callcheck: 3 files changed; left for review: 1 suggestion not forced by a rule and 1 conflict"
    ), "{}", run.stderr);
    let io = fs::read_to_string(root.join("coroutine/block/io.c")).unwrap();
    assert!(io.contains("static int coroutine_fn step_static(int fd)\n{"));
    assert!(io.contains("static int agree(int fd)"), "left for review");
    // The check reports what is left after fixing: the conflict's violation only.
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains("step_split"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Error: entry() is coroutine_fn, but calls no_coroutine_fn code")
    );
}

#[cfg(unix)]
#[test]
fn fix_never_writes_outside_the_tree() {
    let root = scratch("suggest-outside");
    let tree = root.join("tree");
    let outside = root.join("outside");
    fs::create_dir_all(&tree).unwrap();
    fs::create_dir_all(&outside).unwrap();
    let helper = "static int helper(int fd)\n{\n    return co_read(fd);\n}\n";
    fs::write(outside.join("helper.c"), format!("int coroutine_fn co_read(int fd) {{ return fd; }}\n{helper}void coroutine_fn entry(int fd) {{ helper(fd); }}\n")).unwrap();
    std::os::unix::fs::symlink(outside.join("helper.c"), tree.join("link.c")).unwrap();
    let before = fs::read(outside.join("helper.c")).unwrap();
    let run = callcheck_in(
        &root,
        &[
            "suggest",
            "--fix",
            "--preset",
            "qemu-coroutine",
            "-L",
            "tree",
        ],
    );
    assert!(
        run.stderr.contains("lies outside the tree given"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
    assert_eq!(fs::read(outside.join("helper.c")).unwrap(), before);
    assert!(
        fs::symlink_metadata(tree.join("link.c"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}
