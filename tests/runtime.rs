//! End-to-end tests of what runs where, on `testdata/runtime/` and `testdata/merges/`: functions
//! handed to calls that only register or schedule them (`[[deferred]]`), Windows-only files, the
//! replay events whose kind the caller fixes (`[[cut]]`s of the `qemu` preset), and member calls
//! through file-scope variables, arrays of tagless structs and member arrays. Each has a path that was false
//! before and must stay gone, and a true one that must stay; `[without]` brings the false ones
//! back, which shows that the preset's entries remove them.

mod common;

use common::{callcheck, callcheck_in, fixture_copy, subjects};
use std::fs;

const TRUE_RUNTIME: [&str; 4] = [
    "blk_aio_prwv",
    "blk_drop_node",
    "blk_exp_unref_now",
    "filter_replay_co_receive",
];

#[test]
fn deferred_references_windows_files_and_replay_kinds_make_no_path() {
    let run = callcheck(&[
        "--config",
        "testdata/runtime/callcheck.toml",
        "testdata/runtime",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(subjects(&run.stdout), TRUE_RUNTIME, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("replay_net_packet_event() -> replay_add_event() -> replay_run_event()"),
        "a network event still runs the network handler:\n{}",
        run.stdout
    );
}

#[test]
fn without_the_presets_entries_the_false_paths_come_back() {
    let dir = fixture_copy("testdata/runtime", "runtime-without");
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu\"\n[without]\nexclude = [\"**/*-win32.c\"]\n\
         deferred = [\"aio_bh_schedule_oneshot\", \"qemu_thread_create\", \"bdrv_aio_ioctl\"]\n\
         cut = [\"replay_bh_schedule_oneshot_event -> replay_add_event\"]\n",
    )
    .unwrap();
    let run = callcheck_in(&dir, &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut expected: Vec<&str> = TRUE_RUNTIME.to_vec();
    expected.extend([
        "bdrv_co_ioctl",
        "blk_exp_unref",
        "coroutine_pool_refill",
        "nbd_co_establish_connection",
        "nvme_wake_free_req",
    ]);
    expected.sort();
    assert_eq!(subjects(&run.stdout), expected, "{}", run.stdout);
}

#[test]
fn the_presets_entries_are_listed_with_their_reasons() {
    let run = callcheck(&["--preset", "qemu", "--print-config"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for text in [
        "[[deferred]]\nfunction = \"qemu_thread_create\"\narguments = [3]\n",
        "[[deferred]]\nfield = \"bdrv_aio_ioctl\"\narguments = [4]\n",
        "pthread_create(&thread->thread",
        "[[cut]]\nfrom = \"replay_block_event\"\nto = \"replay_add_event\"\n",
        "\"**/*-win32.c\"",
    ] {
        assert!(
            run.stdout.contains(text),
            "missing {text:?}:\n{}",
            run.stdout
        );
    }
    let run = callcheck(&["contexts", "--preset", "qemu", "testdata/runtime"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for text in [
        "deferred (22): functions handed to these calls run elsewhere, later",
        "  qemu_thread_create() argument 3  [preset]  util/qemu-thread-posix.c:",
        "  ->bdrv_aio_ioctl() argument 4  [preset]  block/io.c:",
        "cuts (3): these steps are not taken",
        "  replay_block_event() -> replay_add_event()  [preset]  replay/replay-events.c:",
    ] {
        assert!(
            run.stdout.contains(text),
            "missing {text:?}:\n{}",
            run.stdout
        );
    }
    let run = callcheck(&["contexts", "--preset", "qemu-block", "testdata/runtime"]);
    assert!(!run.stdout.contains("deferred ("), "{}", run.stdout);
}

#[test]
fn a_deferred_entry_is_checked() {
    let dir = common::scratch("runtime-bad-deferred");
    for (text, expected) in [
        (
            "[[deferred]]\nfunction = \"f\"\nfield = \"g\"\nreason = \"r\"\n",
            "a [[deferred]] entry names either a `function` or a `field`",
        ),
        (
            "[[deferred]]\nfunction = \"f x\"\nreason = \"r\"\n",
            "deferred call `f x` is not a C name",
        ),
        (
            "[[deferred]]\nfunction = \"f\"\narguments = [0]\nreason = \"r\"\n",
            "argument positions count from 1 to 64",
        ),
        (
            "[[deferred]]\nfunction = \"f\"\nreason = \" \"\n",
            "a suppression needs a reason",
        ),
        (
            "preset = \"qemu-block\"\n[without]\ndeferred = [\"atexit\"]\n",
            "the preset sets no deferred call `atexit` to leave out",
        ),
    ] {
        fs::write(dir.join("callcheck.toml"), text).unwrap();
        let run = callcheck_in(&dir, &["."]);
        assert_eq!(run.code, 2, "{text}");
        assert!(run.stderr.contains(expected), "{text}: {}", run.stderr);
    }
}

#[test]
fn globals_and_tagless_struct_arrays_dispatch_through_their_own_type() {
    let run = callcheck(&[
        "--config",
        "testdata/merges/callcheck.toml",
        "testdata/merges",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // v9fs_flush (xen_xenstore_ops->write), vmbus_do_run (state_runner[...].run) and
    // vu_client_trip (dev->vq[index].handler, a VuVirtq's) are gone.
    assert_eq!(
        subjects(&run.stdout),
        ["gdb_co_run", "job_start", "mmio_co_write"],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("mmio_co_write() -> MemoryRegionOps.write -> otp_write()")
    );
    // The element of a member array still dispatches through its own type's field.
    assert!(run.stdout.contains(
        "gdb_co_run() -> GdbCmdParseEntry.handler -> handle_backward() -> replay_reverse_step()"
    ));
}
