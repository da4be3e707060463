/* QEMU's block driver table in miniature: every driver binds its callbacks here, and block/io.c
 * calls them through `bs->drv`, whatever driver the node has. */
typedef struct BlockDriverState BlockDriverState;
typedef struct BdrvChild BdrvChild;

typedef struct BlockDriver {
    int (*bdrv_co_pwritev)(BlockDriverState *bs);
    int (*bdrv_co_block_status)(BlockDriverState *bs);
} BlockDriver;

struct BlockDriverState {
    BlockDriver *drv;
    BdrvChild *file;
};

struct BdrvChild {
    BlockDriverState *bs;
};

int bdrv_co_pwritev(BdrvChild *child);
int bdrv_co_block_status(BlockDriverState *bs);
int bdrv_make_empty(BlockDriverState *bs);
int blk_co_pwritev_part(BlockDriverState *bs);
