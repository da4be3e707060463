/*
 * coroutine_mixed_fn inference, and suggest honouring context guards
 * (`--preset qemu-coroutine`, whose guard is qemu_in_coroutine()).
 */
#include "mixed.h"

int coroutine_fn co_yield(void)
{
    return 0;
}

void no_coroutine_fn blocking_poll(void)
{
}

int coroutine_mixed_fn flush_all(void)
{
    return 0;
}

/* Yields only in a coroutine, called from both contexts: coroutine_mixed_fn, here and in mixed.h. */
int read_all(int fd)
{
    if (qemu_in_coroutine()) {
        co_yield();
    }
    return fd;
}

/* The same, with the definition split over lines and an else branch: coroutine_mixed_fn. */
static int
either_wait(int fd)
{
    if (qemu_in_coroutine()) {
        return co_yield();
    } else {
        return fd;
    }
}

/* Calls coroutine code only under the guard and only coroutine code calls it: coroutine_fn,
 * all callers agree (a guarded call forces nothing). */
static int maybe_yield(void)
{
    if (qemu_in_coroutine()) {
        return co_yield();
    }
    return 0;
}

/* Blocks only outside coroutines (after the guard's early return), only coroutine code calls
 * it: coroutine_fn, all callers agree, no conflict. */
static int drain_or_wait(void)
{
    if (qemu_in_coroutine()) {
        return co_yield();
    }
    blocking_poll();
    return 0;
}

/* Called only under the guard's out-of-coroutine branch: nothing, though its only caller is
 * suggested coroutine_fn. */
static int outside_only(void)
{
    return flush_all();
}

/* Only coroutine code calls it: coroutine_fn, all callers agree. */
static int mid(void)
{
    if (!qemu_in_coroutine()) {
        return outside_only();
    }
    return flush_all();
}

/* Guards its coroutine call but blocks unguarded: nothing (a coroutine reaches the block). */
static int bad_mixed(void)
{
    if (qemu_in_coroutine()) {
        co_yield();
    }
    blocking_poll();
    return 0;
}

/* Guards its coroutine call, called only from no_coroutine_fn code: nothing. */
static int only_out(void)
{
    if (qemu_in_coroutine()) {
        co_yield();
    }
    return 0;
}

/* Only coroutine code calls it, and it blocks: a conflict. */
static void waits(void)
{
    blocking_poll();
}

void no_coroutine_fn poller(void)
{
    only_out();
}

int coroutine_fn entry(void)
{
    read_all(1);
    either_wait(2);
    maybe_yield();
    drain_or_wait();
    bad_mixed();
    waits();
    return mid();
}

void main_loop(void)
{
    read_all(3);
    either_wait(4);
    bad_mixed();
}
