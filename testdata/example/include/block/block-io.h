/* I/O API: thread-safe functions that may run in any I/O thread. */
#ifndef BLOCK_IO_H
#define BLOCK_IO_H

#include "block-common.h"

void bdrv_drained_begin(BlockDriverState *bs);
void bdrv_drained_end(BlockDriverState *bs);
void bdrv_drained_end_no_poll(BlockDriverState *bs, int *drained_end_counter);
int coroutine_fn bdrv_co_preadv(BdrvChild *child, int64_t offset, int64_t bytes,
                                QEMUIOVector *qiov, BdrvRequestFlags flags);
void bdrv_get_full_backing_filename(BlockDriverState *bs, char *dest, size_t sz,
                                    Error **errp);

/* The markers expand to assertions; their bodies are never code for callcheck. */
#define GLOBAL_STATE_CODE() assert(qemu_in_main_thread())
#define IO_CODE() do { } while (0)
#define IO_OR_GS_CODE() do { } while (0)

#endif
