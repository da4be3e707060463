#ifndef BLOCK_COMMON_H
#define BLOCK_COMMON_H

typedef struct BlockDriverState BlockDriverState;
typedef struct BlockBackend BlockBackend;

struct BlockDriverState {
    int refcnt;
    int quiesce_counter;
    char filename[4096];
    /* A callback field: calling it is not a call of a global function named open. */
    int (*open)(BlockDriverState *bs, int flags);
};

static inline bool bdrv_is_quiesced(BlockDriverState *bs)
{
    return bs->quiesce_counter > 0;
}

#endif
