#include "block/block_int.h"

/* The mirror filter, which sits only above root nodes: in write-blocking mode its writes go to
 * the target's block backend. */
static int bdrv_mirror_top_pwritev(BlockDriverState *bs)
{
    return blk_co_pwritev_part(bs);
}

static BlockDriver bdrv_mirror_top = {
    .bdrv_co_pwritev = bdrv_mirror_top_pwritev,
};
