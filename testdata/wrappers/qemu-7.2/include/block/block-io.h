/* QEMU 7.2 spells the specifier generated_co_wrapper. */
#define BDRV_POLL_WHILE(bs, cond) ({ IO_OR_GS_CODE(); aio_poll_while(cond); })

int generated_co_wrapper bdrv_common_block_status_above(BlockDriverState *bs, int64_t offset);
