//! End-to-end tests of `-p DIR` / `--build-dir DIR` / `build_dir`: reading what a build
//! compiles, on `testdata/builddir/`. Its `build/compile_commands.json` uses relative
//! `directory` entries (taken relative to the file's own directory), so it works wherever the
//! repository is; the tests that need other databases write them into scratch directories
//! with absolute paths.

mod common;

use common::{callcheck, callcheck_in, fixture_copy, scratch};
use std::fs;
use std::path::Path;

const BUILD: &str = "testdata/builddir/build";

/// The call paths a text report shows, one per violation.
fn paths(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.contains(" -> "))
        .map(str::trim)
        .collect()
}

/// The fixture's directory, absolute.
fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/builddir")
        .display()
        .to_string()
}

#[test]
fn the_build_decides_branches_includes_and_wrappers() {
    let run = callcheck(&["--preset", "qemu", "-p", BUILD]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        paths(&run.stdout),
        [
            // The io.c unit reads config.h first (-include), so it sees its static.
            "io_config() -> cfg_check() -> GLOBAL_STATE_CODE()",
            // TRACE_IO is -D'd in one unit only: unknown, so its branch is read.
            "io_entry() -> trace_gs() -> GLOBAL_STATE_CODE()",
            // The wrapper's body is the one the build wrote, not the synthesized one.
            "io_read() -> bdrv_read() -> gen_poll() -> GLOBAL_STATE_CODE()",
            // api.h is found through the units' -I ../include.
            "io_reset() -> api_reset() -> GLOBAL_STATE_CODE()",
        ],
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "", "no warning on a complete build");
}

#[test]
fn without_the_build_every_branch_is_read_and_the_wrapper_is_synthesized() {
    let tree = ["testdata/builddir/src", "testdata/builddir/include"];
    let run = callcheck(&["--preset", "qemu", tree[0], tree[1]]);
    let found = paths(&run.stdout);
    assert!(
        found.contains(&"io_entry() -> gs_slow() -> GLOBAL_STATE_CODE()"),
        "USE_FAST is unknown without the build: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("gen_poll()"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("cfg_check()"),
        "no file includes config.h: {}",
        run.stdout
    );
    let callees = callcheck(&["--preset", "qemu", "callees", "bdrv_read", tree[0], tree[1]]);
    assert!(
        callees.stdout.starts_with("bdrv_read() [generated]"),
        "{}",
        callees.stdout
    );
    let built = callcheck(&[
        "--preset",
        "qemu",
        "--build-dir",
        BUILD,
        "callees",
        "bdrv_read",
    ]);
    assert!(
        built
            .stdout
            .starts_with("bdrv_read()  testdata/builddir/build/gen/block-gen.c:6\n"),
        "the build's definition replaces the synthesized one: {}",
        built.stdout
    );
    assert!(built.stdout.contains("-> gen_poll()"), "{}", built.stdout);
}

#[test]
fn an_include_directory_of_the_build_finds_its_headers() {
    // The same units without -I: neither header is found, so api_reset() is not read.
    let dir = scratch("builddir-no-include");
    let src = format!("{}/src", fixture());
    fs::write(
        dir.join("compile_commands.json"),
        format!(
            r#"[{{"directory": "{src}", "file": "io.c", "arguments": ["cc", "-c", "io.c"]}},
                {{"directory": "{src}", "file": "{src}/main.c", "command": "cc -c main.c"}}]"#
        ),
    )
    .unwrap();
    let run = callcheck(&["--preset", "qemu", "-p", dir.to_str().unwrap()]);
    let found = paths(&run.stdout);
    assert!(
        !found.iter().any(|p| p.contains("api_reset")),
        "{}",
        run.stdout
    );
    assert!(
        found.contains(&"io_entry() -> gs_slow() -> GLOBAL_STATE_CODE()"),
        "no -DUSE_FAST in these units: {}",
        run.stdout
    );
}

#[test]
fn a_path_given_narrows_the_report() {
    let run = callcheck(&[
        "--preset",
        "qemu",
        "-p",
        BUILD,
        "testdata/builddir/src/io.c",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(paths(&run.stdout).len(), 4, "{}", run.stdout);
    let run = callcheck(&["--preset", "qemu", "-p", BUILD, "testdata/builddir/include"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, ""),
        "no violation is in a file under include/"
    );
}

#[test]
fn the_configuration_names_the_build_directory() {
    let dir = fixture_copy("testdata/builddir", "builddir-config");
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu\"\nbuild_dir = \"build\"\n",
    )
    .unwrap();
    let run = callcheck_in(&dir.join("src"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("io_read() -> bdrv_read() -> gen_poll()"),
        "the generated source is read, so the build directory is: {}",
        run.stdout
    );
}

#[test]
fn a_missing_database_is_one_line_and_exit_2() {
    let run = callcheck(&["-p", "testdata/builddir/src"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "callcheck: testdata/builddir/src/compile_commands.json: cannot read: No such file or \
         directory (os error 2)\n"
    );
}

#[test]
fn bad_json_says_where() {
    let dir = scratch("builddir-bad-json");
    fs::write(
        dir.join("compile_commands.json"),
        "[\n  {\"directory\": \".\",\n   \"file\": 3}\n]\n",
    )
    .unwrap();
    let run = callcheck(&["-p", dir.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    let expected = format!(
        "callcheck: {}/compile_commands.json:3:12: not a compilation database: invalid type: \
         integer `3`, expected a string\n",
        dir.display()
    );
    assert_eq!(run.stderr, expected);
}

#[test]
fn a_database_that_is_not_a_list_says_what_it_is() {
    let dir = scratch("builddir-not-a-list");
    let database = dir.join("compile_commands.json");
    for (text, problem) in [
        (
            "\n  {\"directory\": \".\"}\n",
            ":2:3: not a compilation database: it starts with `{`",
        ),
        ("", ": not a compilation database: the file is empty"),
        (" \n", ": not a compilation database: the file is empty"),
    ] {
        fs::write(&database, text).unwrap();
        let run = callcheck(&["-p", dir.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{text:?}");
        let expected = format!("callcheck: {}{problem}", database.display());
        assert!(
            run.stderr.starts_with(&expected),
            "{text:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_byte_order_mark_before_the_database_is_skipped() {
    let dir = scratch("builddir-bom");
    fs::write(
        dir.join("a.c"),
        "void gs(void) { GLOBAL_STATE_CODE(); }\nvoid io(void) { IO_CODE(); gs(); }\n",
    )
    .unwrap();
    let database = format!(
        "\u{feff}[{{\"directory\": \"{}\", \"file\": \"a.c\", \"command\": \"cc -c a.c\"}}]",
        dir.display()
    );
    fs::write(dir.join("compile_commands.json"), database).unwrap();
    let run = callcheck(&["-p", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(paths(&run.stdout), ["io() -> gs() -> GLOBAL_STATE_CODE()"]);
}

#[test]
fn a_missing_unit_or_a_broken_command_is_a_warning_and_the_rest_is_checked() {
    let dir = scratch("builddir-missing-unit");
    let src = format!("{}/src", fixture());
    let unit_dir = dir.join("dir.c");
    fs::create_dir_all(&unit_dir).unwrap();
    fs::write(
        dir.join("compile_commands.json"),
        format!(
            r#"[{{"directory": "{src}", "file": "gone.c", "arguments": ["cc", "-c", "gone.c"]}},
                {{"directory": "{src}", "file": "{}", "command": "cc -c dir.c"}},
                {{"directory": "{src}", "file": "io.c", "command": "cc -I../include -c io.c"}},
                {{"directory": "{src}", "file": "main.c", "command": "cc '-DX -c main.c"}}]"#,
            unit_dir.display()
        ),
    )
    .unwrap();
    let run = callcheck(&["--preset", "qemu", "-p", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let db = dir.join("compile_commands.json");
    assert_eq!(
        run.stderr,
        format!(
            "callcheck: skipped testdata/builddir/src/gone.c: listed in {} but missing\n\
             callcheck: skipped {}: listed in {} but not a regular file\n\
             callcheck: warning: extraction may be incomplete in testdata/builddir/src/main.c: \
             its command in {} has unbalanced quotes: read without its flags\n",
            db.display(),
            // Shown, as every path, relative to the directory the run is in.
            unit_dir
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap_or(&unit_dir)
                .display(),
            db.display(),
            db.display()
        )
    );
    assert!(
        run.stdout.contains("io_reset() -> api_reset()"),
        "{}",
        run.stdout
    );
}

#[test]
fn many_units_with_long_include_lists_stay_linear() {
    // 400 units that each pass the same 2,000 `-I` directories: checking each directory
    // against every one kept before took minutes. The header is in the last directory.
    let dir = scratch("builddir-many-flags");
    let (units, dirs) = (400, 2_000);
    let last = dir.join(format!("inc{}", dirs - 1));
    fs::create_dir_all(&last).unwrap();
    fs::write(
        last.join("gs.h"),
        "void gs(void) { GLOBAL_STATE_CODE(); }\n",
    )
    .unwrap();
    fs::write(
        dir.join("io.c"),
        "#include \"gs.h\"\nvoid io(void) { IO_CODE(); gs(); }\n",
    )
    .unwrap();
    let flags: Vec<String> = (0..dirs).map(|i| format!("-Iinc{i}")).collect();
    let flags = flags.join(" ");
    let entries: Vec<String> = (0..units)
        .map(|i| {
            let file = if i == 0 {
                "io.c".to_string()
            } else {
                format!("gone{i}.c")
            };
            format!(
                r#"{{"directory": "{}", "file": "{file}", "command": "cc {flags} -c {file}"}}"#,
                dir.display()
            )
        })
        .collect();
    fs::write(
        dir.join("compile_commands.json"),
        format!("[{}]", entries.join(",\n")),
    )
    .unwrap();
    let run = callcheck(&["-q", "-p", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("io() -> gs() -> GLOBAL_STATE_CODE()"),
        "{}",
        run.stdout
    );
}
