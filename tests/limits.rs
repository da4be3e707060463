//! End-to-end tests of `[[path-limit]]`, on `testdata/limits/`: the `qemu` preset's facts about
//! which block nodes and channels meet. A format driver's write to its file child reaches
//! neither vvfat nor the mirror filter, and a character device's socket is never migration's
//! block channel; the same paths from a block backend's write and from a snapshot stay. Without
//! the limits (`[without] path-limit`), the false paths come back.

mod common;

use common::{callcheck, callcheck_in, fixture_copy, subjects};
use std::fs;

#[test]
fn the_presets_limits_drop_the_paths_that_cannot_run_and_keep_the_others() {
    let run = callcheck(&[
        "--config",
        "testdata/limits/callcheck.toml",
        "testdata/limits",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        subjects(&run.stdout),
        ["bdrv_co_pwritev", "bdrv_co_pwritev", "save_snapshot"],
        "{}",
        run.stdout
    );
    for path in [
        "bdrv_co_pwritev() -> bdrv_driver_pwritev() -> BlockDriver.bdrv_co_pwritev -> vvfat_co_pwritev()",
        "bdrv_co_pwritev() -> bdrv_driver_pwritev() -> BlockDriver.bdrv_co_pwritev -> bdrv_mirror_top_pwritev()",
        "save_snapshot() -> qio_channel_writev() -> QIOChannelClass.io_writev -> qio_channel_block_writev()",
    ] {
        assert!(run.stdout.contains(path), "missing {path}:\n{}", run.stdout);
    }
}

#[test]
fn without_the_limits_the_false_paths_come_back() {
    let dir = fixture_copy("testdata/limits", "limits-without");
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu\"\n[without]\npath-limit = [\"format-writes-never-reach-mirror-filter\", \
         \"format-writes-never-reach-vvfat\", \"block-channel-only-in-snapshots\"]\n",
    )
    .unwrap();
    let run = callcheck_in(&dir, &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        subjects(&run.stdout),
        [
            "bdrv_co_block_status",
            "bdrv_co_block_status",
            "bdrv_co_pwritev",
            "bdrv_co_pwritev",
            "save_snapshot",
            "tcp_chr_write",
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("qcow_co_block_status() -> bdrv_co_pwritev()"),
        "{}",
        run.stdout
    );
}

#[test]
fn one_limit_taken_out_brings_back_only_its_paths() {
    let dir = fixture_copy("testdata/limits", "limits-one");
    fs::write(
        dir.join("callcheck.toml"),
        "preset = \"qemu\"\n[without]\npath-limit = [\"block-channel-only-in-snapshots\"]\n",
    )
    .unwrap();
    let run = callcheck_in(&dir, &["."]);
    assert_eq!(
        subjects(&run.stdout),
        [
            "bdrv_co_pwritev",
            "bdrv_co_pwritev",
            "save_snapshot",
            "tcp_chr_write"
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn a_limit_that_starts_at_a_function_needs_it_on_the_path() {
    // A limit of one's own: `tcp_chr_write` may reach the block channel only through
    // `save_snapshot`, which it calls on one branch; the direct way is barred, the longer one
    // through the snapshot is the proof.
    let dir = fixture_copy("testdata/limits", "limits-own");
    fs::write(
        dir.join("chardev/char-socket.c"),
        "typedef struct QIOChannel QIOChannel;\n\
         int qio_channel_writev(QIOChannel *ioc);\n\
         int save_snapshot(QIOChannel *block_channel);\n\
         int tcp_chr_write(QIOChannel *socket_channel)\n{\n    IO_CODE();\n    \
         if (socket_channel) {\n        return save_snapshot(socket_channel);\n    }\n    \
         return qio_channel_writev(socket_channel);\n}\n",
    )
    .unwrap();
    let run = callcheck_in(&dir, &["."]);
    assert!(
        run.stdout.contains(
            "tcp_chr_write() -> save_snapshot() -> qio_channel_writev() -> \
             QIOChannelClass.io_writev -> qio_channel_block_writev()"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn contexts_and_print_config_show_each_limit_with_its_reason() {
    let run = callcheck(&["contexts", "--preset", "qemu", "testdata/limits"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("path limits (5)"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "block-channel-only-in-snapshots  [preset]  once past save_snapshot, load_snapshot: \
             only qio_channel_block_*  migration/savevm.c:"
        ),
        "{}",
        run.stdout
    );
    let config = callcheck(&["--preset", "qemu", "--print-config"]);
    assert!(
        config
            .stdout
            .contains("[[path-limit]]\nname = \"format-writes-never-reach-vvfat\""),
        "{}",
        config.stdout
    );
}
