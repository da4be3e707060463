//! End-to-end tests of `[[path-limit]]`, on `testdata/limits/`: the `qemu` preset's facts about
//! which block nodes and channels meet. A format driver's write to its file child reaches
//! neither vvfat nor the mirror filter, and a character device's socket is never migration's
//! block channel; the same paths from a block backend's write and from a snapshot stay. Without
//! the limits (`[without] path-limit`), the false paths come back. A property test holds the
//! search to a brute-force one on random programs and limits.

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

mod shortest_paths {
    //! The check's search with path limits against a brute-force one: on small random programs
    //! with random limits, every `IO_CODE()` function has a violation exactly when a walk along
    //! the calls reaches a `GLOBAL_STATE_CODE()` function within the limits, and its path is as
    //! short as the shortest such walk.

    use callcheck::config::{self, ConfigRequest};
    use callcheck::session::{CheckOptions, Session};
    use proptest::prelude::*;
    use std::collections::{HashMap, VecDeque};

    /// A function: its marker (0 none, 1 `IO_CODE`, 2 `GLOBAL_STATE_CODE`) and what it calls.
    type Function = (u8, Vec<usize>);

    /// A limit: `only` (else `never`), the functions that start it, the functions it limits.
    type Limit = (bool, Vec<usize>, Vec<usize>);

    fn program() -> impl Strategy<Value = (Vec<Function>, Vec<Limit>)> {
        (2usize..9).prop_flat_map(|count| {
            let function = (0u8..3, proptest::collection::vec(0..count, 0..4));
            let names = || proptest::collection::vec(0..count, 1..3);
            let limit = (any::<bool>(), names(), names());
            (
                proptest::collection::vec(function, count),
                proptest::collection::vec(limit, 1..3),
            )
        })
    }

    fn source(functions: &[Function]) -> String {
        let mut text = String::new();
        for (i, (marker, calls)) in functions.iter().enumerate() {
            text.push_str(&format!("void f{i}(void)\n{{\n"));
            match marker {
                1 => text.push_str("    IO_CODE();\n"),
                2 => text.push_str("    GLOBAL_STATE_CODE();\n"),
                _ => {}
            }
            for callee in calls {
                text.push_str(&format!("    f{callee}();\n"));
            }
            text.push_str("}\n");
        }
        text
    }

    fn configuration(limits: &[Limit]) -> String {
        let list = |names: &[usize]| {
            let quoted: Vec<String> = names.iter().map(|n| format!("\"f{n}\"")).collect();
            quoted.join(", ")
        };
        let mut text = String::from("preset = \"qemu-block\"\n");
        for (index, (only, starts, limited)) in limits.iter().enumerate() {
            let kind = if *only { "only" } else { "never" };
            text.push_str(&format!(
                "[[path-limit]]\nname = \"l{index}\"\nfunctions = [{}]\n{kind} = [{}]\n\
                 reason = \"r\"\n",
                list(starts),
                list(limited)
            ));
        }
        text
    }

    /// The length of the shortest walk from each `IO_CODE()` function to a
    /// `GLOBAL_STATE_CODE()` one that keeps to the limits, by breadth-first search over
    /// (function, limits started so far).
    fn brute_force(functions: &[Function], limits: &[Limit]) -> HashMap<String, usize> {
        let starts = |f: usize| -> u8 {
            let mut set = 0;
            for (bit, (_, starting, _)) in limits.iter().enumerate() {
                if starting.contains(&f) {
                    set |= 1 << bit;
                }
            }
            set
        };
        let allowed = |started: u8, to: usize| {
            limits.iter().enumerate().all(|(bit, (only, _, limited))| {
                !limited.contains(&to) || (started & (1 << bit) != 0) == *only
            })
        };
        let mut found = HashMap::new();
        for subject in (0..functions.len()).filter(|&f| functions[f].0 == 1) {
            let mut seen = HashMap::new();
            let mut queue = VecDeque::from([((subject, starts(subject)), 0)]);
            seen.insert((subject, starts(subject)), 0);
            while let Some(((at, started), steps)) = queue.pop_front() {
                if steps > 0 && functions[at].0 == 2 {
                    found.insert(format!("f{subject}"), steps);
                    break;
                }
                for &to in &functions[at].1 {
                    let state = (to, started | starts(to));
                    if allowed(started, to) && !seen.contains_key(&state) {
                        seen.insert(state, steps + 1);
                        queue.push_back((state, steps + 1));
                    }
                }
            }
        }
        found
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn violations_are_the_shortest_walks_within_the_limits(
            (functions, limits) in program()
        ) {
            let dir = super::common::scratch("limits-shortest");
            let file = dir.join("callcheck.toml");
            std::fs::write(&file, configuration(&limits)).unwrap();
            let config = config::load(&ConfigRequest {
                file: Some(file),
                start: dir.clone(),
                ..ConfigRequest::default()
            })
            .expect("the generated configuration loads");
            let text = source(&functions);
            let mut session = Session::from_memory(config, &[("p.c".into(), text.as_bytes())]);
            let outcome = session.check(&CheckOptions::default()).unwrap();
            let got: HashMap<String, usize> = outcome
                .violations
                .iter()
                .map(|v| (session.graph.name(v.function).to_string(), v.path.len()))
                .collect();
            prop_assert_eq!(got, brute_force(&functions, &limits), "{}", text);
        }
    }
}
