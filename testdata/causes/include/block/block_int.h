typedef struct BlockDriverState BlockDriverState;
typedef struct Coroutine Coroutine;

/* The driver table: one field of each kind of declaration. */
struct BlockDriver {
    int coroutine_fn (*bdrv_co_preadv)(BlockDriverState *bs, long offset);
    int no_coroutine_fn (*bdrv_probe)(BlockDriverState *bs);
    int (*bdrv_flush)(BlockDriverState *bs);
};

struct BlockDriverState {
    struct BlockDriver *drv;
};

/* A coroutine's entry point runs in the coroutine. */
struct Coroutine {
    void coroutine_fn (*entry)(void *opaque);
};

int no_coroutine_fn bdrv_pread(BlockDriverState *bs, long offset);
