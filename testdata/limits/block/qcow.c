#include "block/block_int.h"

/* An image format: it writes its metadata to its file child. */
static int qcow_co_block_status(BlockDriverState *bs)
{
    return bdrv_co_pwritev(bs->file);
}

static int qcow_co_pwritev(BlockDriverState *bs)
{
    return bdrv_co_pwritev(bs->file);
}

static BlockDriver bdrv_qcow = {
    .bdrv_co_pwritev = qcow_co_pwritev,
    .bdrv_co_block_status = qcow_co_block_status,
};
