#include "block/block_int.h"

/* Any node's write: a block backend's, a filter's, a format's to its file. */
static int bdrv_driver_pwritev(BlockDriverState *bs)
{
    return bs->drv->bdrv_co_pwritev(bs);
}

int bdrv_co_pwritev(BdrvChild *child)
{
    IO_CODE();
    return bdrv_driver_pwritev(child->bs);
}

int bdrv_co_block_status(BlockDriverState *bs)
{
    IO_CODE();
    return bs->drv->bdrv_co_block_status(bs);
}
