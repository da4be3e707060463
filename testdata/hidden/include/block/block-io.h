/* A marker hidden in a macro, behind another macro, as QEMU's BDRV_POLL_WHILE does. */
#define AIO_WAIT_WHILE(bs, cond) ({                 \
    IO_OR_GS_CODE();                                \
    while ((cond)) {                                \
        aio_poll_once(bs);                          \
    }                                               \
})

#define BDRV_POLL_WHILE(bs, cond) AIO_WAIT_WHILE(bs, cond)

/* Written by the build (scripts/block-coroutine-wrapper.py), not in the tree. */
int co_wrapper_mixed bdrv_pread(BlockDriverState *bs, long offset);
int co_wrapper bdrv_flush(BlockDriverState *bs);
int coroutine_fn no_co_wrapper bdrv_co_reopen(BlockDriverState *bs);
