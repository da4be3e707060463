//! End-to-end tests of hostile and broken input: every case gives a clear message or none, never
//! a panic, and the rest of the tree is still checked.

mod common;

use common::{callcheck, scratch};
use std::fs;
use std::path::Path;

/// A file that makes `io()` reach a `GLOBAL_STATE_CODE()` function: the check must still find
/// it beside whatever broken file a test adds.
const GOOD: &str = "void gs(void)\n{\n    GLOBAL_STATE_CODE();\n}\n\
                    void io(void)\n{\n    IO_CODE();\n    gs();\n}\n";
const GOOD_REPORT: &str = "Error: io() is IO_CODE(), but calls GLOBAL_STATE_CODE() code\n       \
                           io() -> gs() -> GLOBAL_STATE_CODE()\n\n";

fn dir_with(name: &str, files: &[(&str, &[u8])]) -> String {
    let dir = scratch(name);
    for (file, bytes) in files {
        let path = dir.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir.display().to_string()
}

#[test]
fn unterminated_comment_string_and_char_at_end_of_file() {
    let dir = dir_with(
        "unterminated",
        &[
            ("a_comment.c", b"void f(void) { }\n/* never closed\n{\n"),
            ("b_string.c", b"void g(void) {\n    s = \"never closed"),
            ("c_char.c", b"int x;\nchar c = '\\"),
            ("good.c", GOOD.as_bytes()),
        ],
    );
    let run = callcheck(&[&dir]);
    assert_eq!(run.stdout, GOOD_REPORT);
    assert_eq!(
        run.stderr,
        format!(
            "callcheck: warning: extraction may be incomplete in {dir}/a_comment.c: unterminated \
             comment from line 2 runs to the end of the file\n\
             callcheck: warning: extraction may be incomplete in {dir}/b_string.c: 1 unclosed \
             brace from line 1, unterminated literal from line 2 runs to the end of the file\n\
             callcheck: warning: extraction may be incomplete in {dir}/c_char.c: unterminated \
             literal from line 2 runs to the end of the file\n"
        )
    );
}

#[test]
fn extra_closing_brace_does_not_hide_the_next_file() {
    let dir = dir_with(
        "extra_brace",
        &[
            ("a.c", b"void f(void) { } }\n}\n"),
            ("b.c", GOOD.as_bytes()),
        ],
    );
    let run = callcheck(&[&dir]);
    assert_eq!(run.stdout, GOOD_REPORT);
    assert_eq!(
        run.stderr,
        format!(
            "callcheck: warning: extraction may be incomplete in {dir}/a.c: unmatched '}}' at \
             line 1\n"
        )
    );
}

#[test]
fn unbalanced_parentheses_at_file_scope() {
    let dir = dir_with(
        "parens",
        &[
            ("a.c", b"int x = f((1, 2;\nvoid g(void) { }\n"),
            ("b.c", GOOD.as_bytes()),
        ],
    );
    let run = callcheck(&[&dir]);
    assert_eq!(run.stdout, GOOD_REPORT);
    assert_eq!(run.code, 1);
}

#[test]
fn many_warnings_are_summarised() {
    let mut files: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("open{i}.c"), b"void f(void) {\n".to_vec()))
        .collect();
    files.push(("good.c".into(), GOOD.as_bytes().to_vec()));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let dir = dir_with("summarised", &refs);
    let run = callcheck(&[&dir]);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stderr);
    assert_eq!(
        lines[5],
        "callcheck: warning: 3 more files where extraction may be incomplete"
    );
    assert_eq!(run.stdout, GOOD_REPORT);
}

#[test]
fn binary_file_named_c_is_read_without_harm() {
    // Deterministic pseudo-random bytes, NULs and all.
    let mut state = 0x2545_f491_u64;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let dir = dir_with("binary", &[("x.c", &noise), ("good.c", GOOD.as_bytes())]);
    let run = callcheck(&[&dir]);
    assert_eq!(run.stdout, GOOD_REPORT);
    assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
}

#[test]
fn crlf_and_cr_line_endings_keep_lines_right() {
    let crlf = GOOD.replace('\n', "\r\n");
    let cr = GOOD.replace('\n', "\r");
    for (name, text) in [("crlf", crlf), ("cr", cr)] {
        let dir = dir_with(name, &[("a.c", text.as_bytes())]);
        let run = callcheck(&["--format", "json", &dir]);
        let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let hops = &value["violations"][0]["hops"];
        assert_eq!(value["violations"][0]["line"], 5, "{name}");
        assert_eq!(hops[1]["line"], 1, "{name}");
        assert_eq!(hops[1]["use_line"], 8, "{name}");
    }
}

#[test]
fn utf8_byte_order_mark() {
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(GOOD.as_bytes());
    let dir = dir_with("bom", &[("a.c", &bom)]);
    let run = callcheck(&["--format", "json", &dir]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["violations"][0]["function"], "io");
    assert_eq!(value["violations"][0]["hops"][1]["line"], 1);
}

#[test]
fn long_single_line_file_is_linear() {
    // 20 MB on one line: a million small functions. (The closing note measures 200 MB.)
    let mut text = String::from("void gs(void) { GLOBAL_STATE_CODE(); } ");
    for i in 0..1_000_000 {
        text.push_str(&format!("static void f{i}(void) {{ }} "));
    }
    text.push_str("void io(void) { IO_CODE(); gs(); }");
    let dir = dir_with("one_line", &[("a.c", text.as_bytes())]);
    let run = callcheck(&["--format", "json", &dir]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["summary"]["functions"], 1_000_002);
    assert_eq!(value["violations"][0]["line"], 1);
}

#[test]
fn many_defines_and_conditions_in_one_file_stay_linear() {
    // 50,000 `#define`s, then 50,000 conditions that each read one of them: scanning every
    // earlier `#define` for each condition would take minutes.
    let n = 50_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("#define ON_{i} {}\n", i % 2));
    }
    for i in 0..n {
        text.push_str(&format!("#if ON_{i}\nint on_{i};\n#endif\n"));
    }
    // ON_1 is 1: io() reaches gs(); ON_2 is 0: the second io() is dead code.
    text.push_str("#if ON_1\nvoid io(void) { IO_CODE(); gs(); }\n#endif\n");
    text.push_str("#if ON_2\nvoid io2(void) { IO_CODE(); gs(); }\n#endif\n");
    text.push_str("void gs(void) { GLOBAL_STATE_CODE(); }\n");
    let dir = dir_with("many_conditions", &[("a.c", text.as_bytes())]);
    let run = callcheck(&["--stats", &dir]);
    assert!(run.stdout.contains("io() is IO_CODE()"), "{}", run.stdout);
    assert!(!run.stdout.contains("io2()"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains(&format!("#if conditions: {} decided, 0 open", n + 2)),
        "{}",
        run.stderr
    );
}

#[test]
fn many_suppressions_stay_linear() {
    // 20,000 functions each with an `ignore` comment, 20,000 with an `allow`, and 20,000
    // boundaries in the configuration: matching every function against every suppression
    // took minutes and gigabytes.
    let n = 20_000;
    let mut text = String::from("void gs(void) { GLOBAL_STATE_CODE(); }\n");
    let mut config = String::from("preset = \"qemu-block\"\n");
    for i in 0..n {
        text.push_str(&format!(
            "void a{i}(void) {{ IO_CODE(); gs(); }} // callcheck: ignore\n\
             /* callcheck: allow(GLOBAL_STATE_CODE) startup only */\n\
             void b{i}(void) {{ IO_CODE(); gs(); }}\n\
             void c{i}(void) {{ IO_CODE(); mid{i}(); }}\n\
             void mid{i}(void) {{ gs(); }}\n"
        ));
        config.push_str(&format!(
            "[[boundary]]\nfunction = \"mid{i}\"\nreason = \"a test\"\n"
        ));
    }
    text.push_str("void left(void) { IO_CODE(); gs(); }\n");
    let dir = dir_with(
        "many_suppressions",
        &[
            ("a.c", text.as_bytes()),
            ("callcheck.toml", config.as_bytes()),
        ],
    );
    let run = callcheck(&["--stats", &dir]);
    assert_eq!(
        run.stdout,
        "Error: left() is IO_CODE(), but calls GLOBAL_STATE_CODE() code\n       \
         left() -> gs() -> GLOBAL_STATE_CODE()\n\n"
    );
    let cut = 2 * n;
    assert!(
        run.stderr.contains(&format!(
            "suppressed: {n} violations by allow, {cut} edges cut, 0 stale"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn file_over_the_size_limit_is_skipped_with_a_warning() {
    let big = vec![b' '; 600 * 1024];
    let dir = dir_with("too_big", &[("big.c", &big), ("good.c", GOOD.as_bytes())]);
    let run = callcheck(&["--max-file-size", "512K", &dir]);
    assert_eq!(run.stdout, GOOD_REPORT);
    assert_eq!(
        run.stderr,
        format!(
            "callcheck: skipped {dir}/big.c: 600.0 KiB is over the 512.0 KiB limit \
             (--max-file-size)\n"
        )
    );
    assert_eq!(callcheck(&["--max-file-size", "1M", &dir]).stderr, "");
    let bad = callcheck(&["--max-file-size", "lots", &dir]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("'lots' is not a size"),
        "{}",
        bad.stderr
    );
}

#[test]
fn cycle_of_fifty_thousand_functions() {
    let n = 50_000;
    let mut text = String::from("void io(void)\n{\n    IO_CODE();\n    c0();\n}\n");
    for i in 0..n {
        text.push_str(&format!(
            "void c{i}(void)\n{{\n    c{}();\n}}\n",
            (i + 1) % n
        ));
    }
    text.push_str(&format!(
        "void c{n}(void)\n{{\n    GLOBAL_STATE_CODE();\n}}\nvoid unrelated(void) {{ c{}(); }}\n",
        n - 1
    ));
    let dir = dir_with("cycle", &[("cycle.c", text.as_bytes())]);
    let run = callcheck(&[&dir]);
    assert_eq!(run.code, 0, "the cycle never reaches c{n}: {}", run.stdout);
    // Close the cycle onto the GLOBAL_STATE_CODE() function: now the whole cycle is the path.
    let text = text.replace(
        &format!("void c{}(void)\n{{\n    c0();", n - 1),
        &format!("void c{}(void)\n{{\n    c{n}();", n - 1),
    );
    fs::write(Path::new(&dir).join("cycle.c"), text).unwrap();
    let run = callcheck(&[&dir]);
    assert_eq!(run.code, 1);
    let path = run.stdout.lines().nth(1).unwrap();
    assert_eq!(path.matches(" -> ").count(), n + 2);
}

#[test]
#[cfg(unix)]
fn symbolic_link_loop() {
    let dir = dir_with("link_loop", &[("sub/good.c", GOOD.as_bytes())]);
    let sub = Path::new(&dir).join("sub");
    std::os::unix::fs::symlink(&sub, sub.join("loop")).unwrap();
    let run = callcheck(&[&dir]);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        (GOOD_REPORT, "")
    );
    let followed = callcheck(&["--follow", &dir]);
    assert_eq!(followed.stdout, GOOD_REPORT);
    assert_eq!(
        followed.stderr,
        format!("callcheck: skipped {dir}/sub/loop: symbolic link loop\n")
    );
}

#[test]
#[cfg(unix)]
fn fifos_and_devices_are_skipped_with_a_warning() {
    let dir = dir_with("special_files", &[("good.c", GOOD.as_bytes())]);
    let fifo = Path::new(&dir).join("pipe.c");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success(), "mkfifo {}", fifo.display());
    std::os::unix::fs::symlink("/dev/zero", Path::new(&dir).join("zero.c")).unwrap();
    // Read, the FIFO would block the run and the device would never end.
    let walked = callcheck(&["--follow", &dir]);
    assert_eq!(walked.stdout, GOOD_REPORT);
    let reason = "not a regular file (a FIFO, socket or device)";
    assert_eq!(
        walked.stderr,
        format!(
            "callcheck: skipped {dir}/pipe.c: {reason}\ncallcheck: skipped {dir}/zero.c: {reason}\n"
        )
    );
    // Named, it is said too; unfollowed in a walk, a link is left alone as before.
    let named = callcheck(&[&fifo.display().to_string(), &format!("{dir}/good.c")]);
    assert_eq!(named.stdout, GOOD_REPORT);
    assert_eq!(
        named.stderr,
        format!("callcheck: skipped {dir}/pipe.c: {reason}\n")
    );
    let unfollowed = callcheck(&[&dir]);
    assert_eq!(
        unfollowed.stderr,
        format!("callcheck: skipped {dir}/pipe.c: {reason}\n")
    );
}

#[test]
#[cfg(unix)]
fn file_names_that_are_not_utf8_are_walked() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("non_utf8_names");
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.c");
    fs::write(dir.join(name), GOOD).unwrap();
    let run = callcheck(&["--format", "gcc", &dir.display().to_string()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let shown = format!(
        "{}/bad\u{fffd}.c:5:6: error: io() is IO_CODE()",
        dir.display()
    );
    assert!(run.stdout.starts_with(&shown), "{}", run.stdout);
}

#[test]
fn empty_directory_is_an_error_unless_allowed() {
    let dir = scratch("allow_empty").display().to_string();
    let run = callcheck(&[&dir]);
    assert_eq!(run.code, 2);
    let allowed = callcheck(&["--allow-empty", &dir]);
    assert_eq!(allowed.code, 0);
    assert_eq!(
        allowed.stderr,
        format!("callcheck: no C files found in {dir}\n")
    );
}

/// Runs the binary as an unprivileged user if this test runs as root (root reads everything),
/// so that permissions bite; `setpriv` is in util-linux.
#[cfg(unix)]
fn callcheck_unprivileged(args: &[&str]) -> common::Run {
    use std::process::Command;
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut command = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_callcheck"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_callcheck"))
    };
    let output = command.args(args).output().expect("run callcheck");
    common::Run {
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        code: output.status.code().unwrap(),
    }
}

#[test]
#[cfg(unix)]
fn permission_denied_directory_and_file_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with(
        "permissions",
        &[
            ("good.c", GOOD.as_bytes()),
            ("locked/hidden.c", b"void x(void) { }\n"),
            ("secret.c", b"void y(void) { }\n"),
        ],
    );
    let base = Path::new(&dir);
    fs::set_permissions(base.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(base.join("secret.c"), fs::Permissions::from_mode(0o000)).unwrap();
    let run = callcheck_unprivileged(&[&dir]);
    fs::set_permissions(base.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.stdout, GOOD_REPORT);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "callcheck: skipped {dir}/locked: Permission denied (os error 13)\n\
             callcheck: skipped {dir}/secret.c: Permission denied (os error 13)\n"
        )
    );
}

#[test]
#[cfg(unix)]
fn file_gone_before_it_is_read_is_reported() {
    // A link to a file that no longer exists is what a file deleted mid-walk looks like.
    let dir = dir_with("vanished", &[("good.c", GOOD.as_bytes())]);
    std::os::unix::fs::symlink(
        Path::new(&dir).join("deleted.c"),
        Path::new(&dir).join("gone.c"),
    )
    .unwrap();
    let run = callcheck(&["--follow", &dir]);
    assert_eq!(run.stdout, GOOD_REPORT);
    assert_eq!(
        run.stderr,
        format!("callcheck: skipped {dir}/gone.c: No such file or directory (os error 2)\n")
    );
    assert_eq!(run.code, 1);
}

#[test]
fn deep_and_cyclic_macros_and_aliases() {
    let n = 50_000;
    // M0 -> M1 -> ... -> M{n-1} -> M0, the last also invoking a marker and calling gs();
    // A0 -> ... -> A{n-1} -> A0, the last also standing for coroutine_fn.
    let mut text = String::new();
    for i in 0..n {
        let next = (i + 1) % n;
        text.push_str(&format!(
            "#define M{i}(x) M{next}(x)\n#define A{i} A{next}\n"
        ));
    }
    text.push_str(&format!(
        "#define M{last}(x) M0(x) + gs() + IO_OR_GS_CODE()\n#define A{last} A0 coroutine_fn\n\
         void gs(void) {{ GLOBAL_STATE_CODE(); }}\nvoid user(void) {{ M0(1); }}\n\
         int A0 f(void) {{ return bdrv_pread(0); }}\nint co_wrapper bdrv_pread(int x);\n",
        last = n - 1
    ));
    let dir = dir_with("deep-macros", &[("deep.c", text.as_bytes())]);
    let run = callcheck(&["--preset", "qemu", &dir]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Error: user() is IO_OR_GS_CODE(), but calls GLOBAL_STATE_CODE() code"),
        "the marker and the call at the end of the macro chain reach user(): {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Error: f() is coroutine_fn, but calls no_coroutine_fn code"),
        "A0 stands for coroutine_fn through the alias chain: {}",
        run.stdout
    );
}

#[test]
fn deep_trees_keep_their_indent_bounded() {
    // A chain 20,000 calls deep, shown whole: indented two spaces a level, the tree would be
    // 400 MB of spaces.
    let n = 20_000;
    let mut text = String::new();
    for i in 0..n - 1 {
        text.push_str(&format!("void f{i}(void) {{ f{}(); }}\n", i + 1));
    }
    text.push_str(&format!("void f{}(void) {{ }}\n", n - 1));
    let dir = dir_with("deep_tree", &[("chain.c", text.as_bytes())]);
    let run = callcheck(&["callees", "--depth", "30000", "f0", &dir]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), n);
    assert!(lines[32].starts_with(&format!("{}-> f32()", " ".repeat(64))));
    assert!(lines[33].starts_with(&format!("{}[33] -> f33()", " ".repeat(64))));
    let last = format!("{}[{}] -> f{}()", " ".repeat(64), n - 1, n - 1);
    assert!(lines[n - 1].starts_with(&last), "{}", lines[n - 1]);
    assert!(run.stdout.len() < 5_000_000, "{} bytes", run.stdout.len());
}
