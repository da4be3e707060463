#include "block/block_int.h"

int bdrv_make_empty(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    return 0;
}

int blk_co_pwritev_part(BlockDriverState *bs)
{
    IO_OR_GS_CODE();
    return 0;
}
