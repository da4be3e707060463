typedef struct BlockDriverState BlockDriverState;

typedef struct BlockDriver {
    int (*open)(BlockDriverState *bs);
} BlockDriver;

typedef struct ChannelOps {
    int (*open)(void *opaque);
} ChannelOps;

struct BlockDriverState {
    BlockDriver *drv;
};

/* A request of a log: an anonymous struct whose `func` is not AioTask's. */
typedef struct {
    BlockDriverState *bs;
    int (*func)(void *req);
} LogWritesReq;
