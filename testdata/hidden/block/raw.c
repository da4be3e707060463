#include "block/block_int.h"

static void raw_close(BlockDriverState *bs)
{
    bdrv_graph_update();
}

static int coroutine_fn raw_co_preadv(BlockDriverState *bs, long offset)
{
    return 0;
}

static int raw_open(BlockDriverState *bs, int flags)
{
    return 0;
}

/* The declaration of drv shows its type: this binds BlockDriver.bdrv_open. */
void raw_setup(struct BlockDriver *drv)
{
    drv->bdrv_open = raw_open;
}

/* Through a chain of members the type is unknown: these bind .bdrv_close and .bdrv_co_preadv. */
void raw_attach(BlockDriverState *bs)
{
    bs->drv->bdrv_close = raw_close;
    bs->drv->bdrv_co_preadv = raw_co_preadv;
}

int coroutine_fn raw_co_reopen(BlockDriverState *bs)
{
    IO_CODE();
    return bdrv_co_reopen(bs);
}
