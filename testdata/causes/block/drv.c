#include "block/block_int.h"

/* Bound to a coroutine_fn field without being coroutine_fn. */
static int drv_preadv(BlockDriverState *bs, long offset)
{
    return 0;
}

/* Bound to a no_coroutine_fn field, but coroutine_fn. */
static int coroutine_fn drv_probe(BlockDriverState *bs)
{
    return 0;
}

/* Bound to a field without context; blocks. */
static int drv_flush(BlockDriverState *bs)
{
    return bdrv_pread(bs, 8);
}

static struct BlockDriver bdrv_drv = {
    .bdrv_co_preadv = drv_preadv,
    .bdrv_probe     = drv_probe,
    .bdrv_flush     = drv_flush,
};
