#include "block/block-io.h"

void no_coroutine_fn blocking_wait(void)
{
    aio_poll(0);
}

void coroutine_fn bdrv_co_yield_to_drain(void *bs)
{
    qemu_coroutine_yield();
}

int coroutine_fn bdrv_co_flush(void *bs)
{
    return 0;
}

/* A guarded branch in braces and its else: the then branch calls a coroutine_fn, which a
 * function that works in both contexts may; the else branch blocks. */
int block_crypto_read(void *bs)
{
    if (qemu_in_coroutine()) {
        bdrv_co_flush(bs);
    } else {
        blocking_wait();
    }
    return 0;
}

/* The early return of bdrv_do_drained_begin(): the rest of the block runs outside
 * coroutines only. */
void bdrv_do_drained_begin(void *bs)
{
    if (qemu_in_coroutine()) {
        bdrv_co_yield_to_drain(bs);
        return;
    }
    blocking_wait();
}

/* The negated guard, one statement per branch. */
void handle_dependencies(void *bs)
{
    if (!qemu_in_coroutine())
        blocking_wait();
    else
        bdrv_co_yield_to_drain(bs);
}

/* Coroutines reach the functions above: none of them blocks on the way. */
void coroutine_fn bdrv_co_drain(void *bs)
{
    block_crypto_read(bs);
    bdrv_do_drained_begin(bs);
    handle_dependencies(bs);
}

/* Through a mixed wrapper a coroutine runs bdrv_co_flush() directly: it never polls. */
void coroutine_fn bdrv_co_close(void *bs)
{
    bdrv_flush(bs);
}

/* True paths that stay: an unguarded block, and a call outside the guard in a function
 * that also calls it under the guard. */
void coroutine_fn bdrv_co_truncate(void *bs)
{
    if (qemu_in_coroutine()) {
        blocking_wait();
    }
    blocking_wait();
}

void bdrv_drain_unguarded(void *bs)
{
    bdrv_co_yield_to_drain(bs);
}
