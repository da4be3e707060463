//! End-to-end tests of member calls that follow types, on `testdata/dispatch/`: typedef'd
//! function types, tagless typedef'd structs, members held by value, nested and local
//! initializers, locals assigned from a member path, QOM cast macros and pointer typedefs. Each
//! mechanism has a path that was false before (the object is never of that type) and must stay
//! gone, and a true one that must stay.

mod common;

use common::callcheck;

const CONFIG: &str = "testdata/dispatch/callcheck.toml";
const TREE: &str = "testdata/dispatch";

fn report() -> String {
    let run = callcheck(&["--config", CONFIG, TREE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.stdout
}

#[test]
fn true_paths_through_typed_dispatch_stay() {
    let stdout = report();
    for path in [
        // A pointer typedef of a function type; a compound literal with a chained designator.
        "aio_task_co() -> AioTask.func -> block_copy_task_entry() -> block_copy_commit()",
        // OBJECT_DECLARE_TYPE defines BLOCK_JOB_GET_CLASS.
        "block_job_drain() -> BlockJobClass.drain -> mirror_drain()",
        // BLOCK_JOB(obj), then a member held by value and one by pointer.
        "block_job_unref() -> JobDriver.free -> block_job_free()",
        // A nested initializer binds JobDriver.free through BlockJobDriver.job_driver.
        "job_unref() -> JobDriver.free -> block_job_free()",
        // Nothing is known of an Unknown: its `open` is any of unknown type.
        "channel_kick() -> .open -> channel_open()",
        // The typedef'd function type CoroutineEntry makes Coroutine.entry coroutine_fn.
        "qemu_coroutine_enter() -> Coroutine.entry\n",
    ] {
        assert!(stdout.contains(path), "missing {path}:\n{stdout}");
    }
}

#[test]
fn false_paths_of_unrelated_types_are_gone() {
    let stdout = report();
    for function in [
        // An anonymous typedef'd struct's `func` is not AioTask's.
        "log_writes_co_do_file",
        // ObjectFree (a parenthesized function type) types Object.free.
        "object_finalize",
        // CHARDEV_GET_CLASS invokes OBJECT_GET_CLASS with ChardevClass.
        "qemu_chr_drain",
        // qemu_irq is a pointer to IRQState.
        "qemu_set_irq",
        // `BlockDriver *drv = bs->drv` and `drv = bs->drv`.
        "bdrv_open_driver",
        "bdrv_reopen_driver",
    ] {
        assert!(
            !stdout.contains(&format!("Error: {function}() ")),
            "{function} is reported:\n{stdout}"
        );
    }
    assert!(
        !stdout.contains("Error: Coroutine.entry"),
        "Coroutine.entry is coroutine_fn by its typedef:\n{stdout}"
    );
    assert!(
        !stdout.contains("-> entry()"),
        "`co->entry = entry` binds the parameter, not the function named entry:\n{stdout}"
    );
}

#[test]
fn stats_count_member_calls_matched_by_name_alone() {
    let run = callcheck(&["--config", CONFIG, "--stats", TREE]);
    // channel_kick's `u->open` alone: the other member calls have types with field nodes, and
    // log_writes_co_do_file's `req->func` reaches none.
    assert!(
        run.stderr
            .lines()
            .any(|l| l == "member calls by field name alone: 1 (to 1 field nodes)"),
        "{}",
        run.stderr
    );
}
