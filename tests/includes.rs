//! End-to-end tests of what the build reads besides the files named: headers and their
//! `static` definitions, included implementation files (`*.c.inc`), and the definitions the
//! build generates, and the macros a file sees, on `testdata/includes/`, `testdata/macro-scope/`
//! and `testdata/wrappers/` (whose whole reports
//! `tests/snapshots.rs` compares in every format).

mod common;

use common::{callcheck, scratch};
use std::fs;

const CONFIG: &str = "testdata/includes/callcheck.toml";
const TREE: &str = "testdata/includes";

/// The functions a text report blames, in order.
fn blamed(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Error: "))
        .map(|l| l.split("()").next().unwrap_or(l))
        .collect()
}

#[test]
fn header_statics_are_seen_by_every_includer() {
    let run = callcheck(&["--config", CONFIG, TREE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for path in [
        "io_fn() -> helper() -> GLOBAL_STATE_CODE()",
        "io_transitive() -> inner_helper() -> GLOBAL_STATE_CODE()",
        "io_locked() -> lock_take() -> GLOBAL_STATE_CODE()",
        "io_slow() -> pick() -> GLOBAL_STATE_CODE()",
    ] {
        assert!(run.stdout.contains(path), "missing {path}");
    }
    let blamed = blamed(&run.stdout);
    assert!(
        !blamed.contains(&"io_fast"),
        "fast.h's pick() has no context; slow.h's is not io_fast's"
    );
    assert!(
        !blamed.contains(&"io_unrelated"),
        "a file that includes no header does not see its statics"
    );
}

#[test]
fn a_macro_means_the_definitions_the_invoking_file_sees() {
    // testdata/macro-scope: a.c and b.c each define DPRINTF; only a.c's drains.
    let run = callcheck(&[
        "--config",
        "testdata/macro-scope/callcheck.toml",
        "testdata/macro-scope",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        blamed(&run.stdout),
        ["a_io", "b_state", "c_io", "header_helper"],
        "b_io() sees only b.c's DPRINTF, which logs: {}",
        run.stdout
    );
    for path in [
        // Its own file's definition.
        "a_io() -> bdrv_drain_all() -> GLOBAL_STATE_CODE()",
        // A header's, seen through the include.
        "b_state() -> trace_state_change() -> GLOBAL_STATE_CODE()",
        // No definition seen (a file that includes nothing, a header that relies on its
        // includers): every definition applies.
        "c_io() -> bdrv_drain_all() -> GLOBAL_STATE_CODE()",
        "header_helper() -> bdrv_drain_all() -> GLOBAL_STATE_CODE()",
    ] {
        assert!(run.stdout.contains(path), "missing {path}: {}", run.stdout);
    }
}

#[test]
fn included_implementation_files_are_part_of_their_includer() {
    let run = callcheck(&["--config", CONFIG, TREE]);
    assert!(
        run.stdout.contains(
            "io_cipher() -> cipher_impl_encrypt() -> cipher_reset() -> GLOBAL_STATE_CODE()"
        ),
        "the includer calls the .c.inc's static, which calls the includer's: {}",
        run.stdout
    );
    // Without `c.inc` among the walked endings the file is not read at all.
    let dir = scratch("includes-extensions");
    let config = dir.join("callcheck.toml");
    fs::write(
        &config,
        "preset = \"qemu-block\"\nextensions = [\"c\", \"h\"]\n",
    )
    .unwrap();
    let run = callcheck(&["--config", config.to_str().unwrap(), TREE]);
    let blamed = blamed(&run.stdout);
    assert!(!blamed.contains(&"io_cipher") && !blamed.contains(&"cipher_impl_encrypt"));
    assert!(blamed.contains(&"io_fn"), "{}", run.stdout);
}

#[test]
fn unresolved_includes_are_counted() {
    let run = callcheck(&["--stats", "--config", CONFIG, TREE]);
    assert!(
        run.stderr.contains("\nunresolved includes: 2\n"),
        "<stdio.h> and <stdint.h> name no file read: {}",
        run.stderr
    );
    let one = callcheck(&["--stats", "--config", CONFIG, "testdata/includes/drv"]);
    assert!(
        one.stderr.contains("\nunresolved includes: 1\n"),
        "qemu/lock.h is not among the files read: {}",
        one.stderr
    );
    assert_eq!(one.code, 0, "lock_take() is defined in no file read");
}

#[test]
fn walked_endings_are_checked() {
    let dir = scratch("includes-bad-extension");
    let config = dir.join("callcheck.toml");
    fs::write(
        &config,
        "preset = \"qemu-block\"\nextensions = [\"c\", \".inc\"]\n",
    )
    .unwrap();
    let run = callcheck(&["--config", config.to_str().unwrap(), TREE]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("callcheck.toml:2:20: `.inc` is not a file name ending"),
        "{}",
        run.stderr
    );
}

#[test]
fn generated_wrappers_poll_in_both_qemu_spellings() {
    for version in ["7.2", "10.0"] {
        let tree = format!("testdata/wrappers/qemu-{version}");
        let run = callcheck(&["--preset", "qemu", &tree]);
        assert_eq!(run.code, 1, "{version}: {}", run.stderr);
        assert!(
            run.stdout.contains(
                "Error: bdrv_is_allocated() is IO_CODE(), but calls IO_OR_GS_CODE() code\n       \
                 bdrv_is_allocated() -> bdrv_common_block_status_above() [generated] -> \
                 bdrv_poll_co() -> IO_OR_GS_CODE()\n"
            ),
            "{version}: {}",
            run.stdout
        );
        let callees = callcheck(&[
            "callees",
            "bdrv_common_block_status_above",
            "--preset",
            "qemu",
            &tree,
        ]);
        assert!(
            callees
                .stdout
                .contains("*> bdrv_co_common_block_status_above()")
                && callees.stdout.contains("*> bdrv_poll_co()"),
            "{version}: the wrapper calls its coroutine and polls: {}",
            callees.stdout
        );
        // check_calls.py's preset builds no generated edges: nothing to report.
        assert_eq!(callcheck(&[&tree]).code, 0);
    }
}

#[test]
fn no_co_wrappers_hand_their_function_to_the_main_loop() {
    let run = callcheck(&[
        "callees",
        "bdrv_co_open_child",
        "--preset",
        "qemu",
        "testdata/wrappers/qemu-10.0",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("~> bdrv_open_child()")
            && run.stdout.contains("*> aio_bh_schedule_oneshot()"),
        "a reference to the function, a call of the scheduler: {}",
        run.stdout
    );
}
