#include "block/block_int.h"
#include "block/block-io.h"

int coroutine_fn bdrv_co_preadv(BlockDriverState *bs, long offset)
{
    IO_CODE();
    return bs->drv->bdrv_co_preadv(bs, offset);
}

int coroutine_fn bdrv_co_pread(BlockDriverState *bs, long offset)
{
    IO_CODE();
    return bdrv_co_preadv(bs, offset);
}

static void bdrv_flush_stats(BlockDriverState *bs)
{
    bdrv_graph_update();
}

int coroutine_fn bdrv_co_flush(BlockDriverState *bs)
{
    IO_CODE();
    bdrv_flush_stats(bs);
    return 0;
}

void aio_poll_once(BlockDriverState *bs)
{
}

void bdrv_close(BlockDriverState *bs)
{
    IO_CODE();
    bs->drv->bdrv_close(bs);
}

/* Not a coroutine, but calls a coroutine_fn callback. */
int bdrv_read_header(BlockDriverState *bs)
{
    return bs->drv->bdrv_co_preadv(bs, 0);
}

int co_loop_b bdrv_co_loop(BlockDriverState *bs)
{
    return bdrv_flush(bs);
}

void bdrv_graph_update(void)
{
    GLOBAL_STATE_CODE();
}

int bdrv_reopen(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    return 0;
}

int bdrv_open_driver(BlockDriverState *bs, int flags)
{
    IO_OR_GS_CODE();
    return bs->drv->bdrv_open(bs, flags);
}

void blk_flush_all(BlockDriverState *bs)
{
    IO_OR_GS_CODE();
    bdrv_flush(bs);
}
