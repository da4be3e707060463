/*
 * Block backends of the miniature block layer.
 */
#include "block/block-global-state.h"
#include "block/block-io.h"

struct BlockBackend {
    BlockDriverState *bs;
    bool iostatus_enabled;
};

bool blk_iostatus_is_enabled(const BlockBackend *blk)
{
    GLOBAL_STATE_CODE();
    return blk->iostatus_enabled;
}

static void send_qmp_error_event(BlockBackend *blk, int error)
{
    qapi_event_send_block_io_error(blk_name(blk),
                                   blk_iostatus_is_enabled(blk) ? error : 0);
}

void blk_error_action(BlockBackend *blk, int error)
{
    IO_CODE();
    send_qmp_error_event(blk, error);
}

/* Wrongly categorised: IO_OR_GS_CODE() but takes a reference, which is global state. */
void blk_drain(BlockBackend *blk)
{
    BlockDriverState *bs = blk->bs;

    IO_OR_GS_CODE();
    if (bs) {
        bdrv_ref(bs);
        bdrv_drained_begin(bs);
    }
    bdrv_unref(bs);
}

int blk_co_preadv(BlockBackend *blk, int64_t offset, int64_t bytes, QEMUIOVector *qiov)
{
    IO_CODE();
    return bdrv_co_preadv(blk->bs->file, offset, bytes, qiov, 0);
}
