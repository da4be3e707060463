/* Global state (GS) API: functions that run in the main loop under the big lock. */
#ifndef BLOCK_GLOBAL_STATE_H
#define BLOCK_GLOBAL_STATE_H

#include "block-common.h"

void bdrv_ref(BlockDriverState *bs);
void bdrv_unref(BlockDriverState *bs);
void bdrv_drain_all_begin(void);
void bdrv_drain_all_end(void);
char *bdrv_dirname(BlockDriverState *bs, Error **errp);
bool blk_iostatus_is_enabled(const BlockBackend *blk);

#endif
