#include "block/block_int.h"

/* Blocks until the read is done: not for coroutines. */
int no_coroutine_fn bdrv_pread(BlockDriverState *bs, long offset)
{
    return 0;
}

/* The one call that every bdrv_co_open_*() violation goes through: their common cause. */
static int read_header(BlockDriverState *bs)
{
    return bdrv_pread(bs, 0);
}

int coroutine_fn bdrv_co_open_a(BlockDriverState *bs)
{
    return read_header(bs);
}

int coroutine_fn bdrv_co_open_b(BlockDriverState *bs)
{
    return read_header(bs);
}

int coroutine_fn bdrv_co_open_c(BlockDriverState *bs)
{
    return read_header(bs);
}

/* Reaches bdrv_pread() only through the bdrv_flush field: a guessed path. */
int coroutine_fn bdrv_co_flush(BlockDriverState *bs)
{
    return bs->drv->bdrv_flush(bs);
}

/* Not coroutine_fn, but calls through a coroutine_fn field: this function is the subject, not
 * the field. */
int bdrv_read_sync(BlockDriverState *bs)
{
    return bs->drv->bdrv_co_preadv(bs, 0);
}
