//! End-to-end tests of argument constants on `testdata/arguments/`: a call that passes a
//! constant which fails the callee's test of that parameter does not reach what the test
//! guards (an early exit, a marker inside the guarded block, a `switch` case, a flag mask).
//! For each, a false path that must stay gone, and true ones that must stay: a constant that
//! passes the test, an argument that is not a constant, a test of something other than a
//! parameter, a parameter assigned before its test, and a constant handed on through a second
//! call (one step deep only). `argument_constants = false` brings the false paths back.

mod common;

use common::{callcheck, callcheck_in, fixture_copy, subjects};
use std::fs;

const TRUE_PATHS: [&str; 8] = [
    "mirror_pwritev",
    "qcow2_close_all",
    "qcow_allocate",
    "qcow_maybe_allocate",
    "raw_pwrite_fua",
    "raw_sync",
    "raw_write_default",
    "raw_write_forwarded",
];

const FALSE_PATHS: [&str; 4] = [
    "mirror_pdiscard",
    "qcow2_invalidate_cache",
    "qcow_block_status",
    "raw_zone_append",
];

#[test]
fn constants_that_fail_the_callees_test_make_no_path() {
    let run = callcheck(&[
        "--config",
        "testdata/arguments/callcheck.toml",
        "testdata/arguments",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(subjects(&run.stdout), TRUE_PATHS, "{}", run.stdout);
    for path in [
        "qcow_allocate() -> get_cluster_offset() -> write_table()",
        "mirror_pwritev() -> mirror_do_write() -> co_pwritev()",
        "raw_write_forwarded() -> raw_forward() -> raw_co_prw() -> co_flush()",
    ] {
        assert!(run.stdout.contains(path), "{path} missing:\n{}", run.stdout);
    }
}

#[test]
fn without_argument_constants_the_false_paths_come_back() {
    let dir = fixture_copy("testdata/arguments", "arguments-off");
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu\"\nargument_constants = false\n",
    )
    .unwrap();
    let run = callcheck_in(&dir, &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut expected: Vec<&str> = TRUE_PATHS.to_vec();
    expected.extend(FALSE_PATHS);
    expected.sort();
    assert_eq!(subjects(&run.stdout), expected, "{}", run.stdout);
}

#[test]
fn the_check_calls_preset_reads_every_use_whatever_the_arguments() {
    let run = callcheck(&["--preset", "qemu-block", "testdata/arguments"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = subjects(&run.stdout);
    for function in FALSE_PATHS {
        assert!(
            found.iter().any(|f| f == function),
            "{function} missing:\n{}",
            run.stdout
        );
    }
    let run = callcheck(&["--preset", "qemu", "--print-config"]);
    assert!(
        run.stdout.contains("argument_constants = true"),
        "{}",
        run.stdout
    );
}
