#include "block/block_int.h"
#include "block/block-io.h"

static void qcow2_load_snapshots(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
}

static int coroutine_fn qcow2_co_preadv(BlockDriverState *bs, long offset)
{
    return bdrv_pread(bs, offset);
}

static int qcow2_open(BlockDriverState *bs, int flags)
{
    BDRV_POLL_WHILE(bs, flags);
    qcow2_load_snapshots(bs);
    return 0;
}

static void qcow2_close(BlockDriverState *bs)
{
}

/* A coroutine_fn in a field that is not declared coroutine_fn: callers will not be coroutines. */
static int coroutine_fn qcow2_co_flush(BlockDriverState *bs)
{
    return 0;
}

static struct BlockDriver bdrv_qcow2 = {
    .format_name    = "qcow2",
    .bdrv_co_preadv = qcow2_co_preadv,
    .bdrv_open      = qcow2_open,
    .bdrv_close     = qcow2_close,
    .bdrv_flush     = qcow2_co_flush,
};
