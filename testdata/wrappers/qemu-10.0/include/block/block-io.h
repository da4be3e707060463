/* QEMU 8.0 on: co_wrapper* and no_co_wrapper* specifiers. */
#define BDRV_POLL_WHILE(bs, cond) ({ IO_OR_GS_CODE(); aio_poll_while(cond); })

int co_wrapper_mixed_bdrv_rdlock
bdrv_common_block_status_above(BlockDriverState *bs, int64_t offset);

int no_co_wrapper bdrv_co_open_child(BlockDriverState *bs);
