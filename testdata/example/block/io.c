/*
 * Draining in the miniature block layer.
 */
#include "block/block-global-state.h"
#include "block/block-io.h"

static void bdrv_co_drain_bh_cb(void *opaque);

void bdrv_drain_all_begin(void)
{
    GLOBAL_STATE_CODE();
    bdrv_do_drained_begin(NULL, true);
}

void bdrv_drain_all_end(void)
{
    GLOBAL_STATE_CODE();
    bdrv_do_drained_end(NULL, true);
}

static void bdrv_do_drained_begin_quiesce(BlockDriverState *bs)
{
    IO_OR_GS_CODE();
    bs->quiesce_counter++;
}

static void coroutine_fn bdrv_co_yield_to_drain(BlockDriverState *bs, bool begin)
{
    /* The callback runs later in the main loop: a reference, not a call. */
    aio_bh_schedule_oneshot(qemu_get_aio_context(), bdrv_co_drain_bh_cb, bs);
    qemu_coroutine_yield();
}

static void bdrv_co_drain_bh_cb(void *opaque)
{
    BlockDriverState *bs = opaque;

    if (bs) {
        bdrv_do_drained_begin(bs, false);
    } else {
        bdrv_drain_all_begin();
    }
}

static void bdrv_do_drained_begin(BlockDriverState *bs, bool poll)
{
    if (qemu_in_coroutine()) {
        bdrv_co_yield_to_drain(bs, true);
        return;
    }
    bdrv_do_drained_begin_quiesce(bs);
}

static void bdrv_do_drained_end(BlockDriverState *bs, bool poll)
{
    if (qemu_in_coroutine()) {
        bdrv_co_yield_to_drain(bs, false);
        return;
    }
    bs->quiesce_counter--;
}

void bdrv_drained_begin(BlockDriverState *bs)
{
    IO_OR_GS_CODE();
    bdrv_do_drained_begin(bs, true);
}

void bdrv_drained_end(BlockDriverState *bs)
{
    IO_OR_GS_CODE();
    bdrv_do_drained_end(bs, true);
}

void bdrv_drained_end_no_poll(BlockDriverState *bs, int *drained_end_counter)
{
    IO_CODE();
    bdrv_do_drained_end(bs, false);
}

int coroutine_fn bdrv_co_preadv(BdrvChild *child, int64_t offset, int64_t bytes,
                                QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    BlockDriverState *bs = child->bs;

    IO_CODE();
    if (bdrv_is_quiesced(bs)) {
        return -EBUSY;
    }
    /* A member call: not the global function open(). */
    return bs->open(bs, flags);
}
