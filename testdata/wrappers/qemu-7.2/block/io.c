#include "block/block-io.h"

int coroutine_fn bdrv_co_common_block_status_above(BlockDriverState *bs, int64_t offset)
{
    IO_CODE();
    return 0;
}

int bdrv_is_allocated(BlockDriverState *bs, int64_t offset)
{
    IO_CODE();
    return bdrv_common_block_status_above(bs, offset);
}

void aio_bh_schedule_oneshot(AioContext *ctx, QEMUBHFunc *cb, void *opaque)
{
}
