#include "block/block_int.h"

static void raw_close(BlockDriverState *bs)
{
    bdrv_graph_update();
}

void raw_setup(struct BlockDriver *drv)
{
    drv->bdrv_close = raw_close;
}

int coroutine_fn raw_co_reopen(BlockDriverState *bs)
{
    IO_CODE();
    return bdrv_co_reopen(bs);
}
