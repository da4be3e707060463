#include "block/block_int.h"

static void raw_close(BlockDriverState *bs)
{
    bdrv_graph_update();
}

static int coroutine_fn raw_co_preadv(BlockDriverState *bs, long offset)
{
    return 0;
}

/* Assignments do not show the struct type: these bind .bdrv_close and .bdrv_co_preadv. */
void raw_setup(struct BlockDriver *drv)
{
    drv->bdrv_close = raw_close;
    drv->bdrv_co_preadv = raw_co_preadv;
}

int coroutine_fn raw_co_reopen(BlockDriverState *bs)
{
    IO_CODE();
    return bdrv_co_reopen(bs);
}
