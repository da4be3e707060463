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

static int raw_flush(BlockDriverState *bs)
{
    return 0;
}

/* bs->drv is a BlockDriver * (block_int.h): this binds BlockDriver.bdrv_flush. */
void raw_register(BlockDriverState *bs)
{
    bs->drv->bdrv_flush = raw_flush;
}

/* No declaration says what s->drv points to; only BlockDriver declares these fields. */
void raw_attach(RawState *s)
{
    s->drv->bdrv_close = raw_close;
    s->drv->bdrv_co_preadv = raw_co_preadv;
}

int coroutine_fn raw_co_reopen(BlockDriverState *bs)
{
    IO_CODE();
    return bdrv_co_reopen(bs);
}
