typedef struct BlockDriverState BlockDriverState;

/* The driver table: callbacks a driver fills in. */
struct BlockDriver {
    const char *format_name;
    int coroutine_fn (*bdrv_co_preadv)(BlockDriverState *bs, long offset);
    int (*bdrv_open)(BlockDriverState *bs, int flags);
    void (*bdrv_close)(BlockDriverState *bs);
    int (*bdrv_flush)(BlockDriverState *bs);
};

struct BlockDriverState {
    struct BlockDriver *drv;
};
