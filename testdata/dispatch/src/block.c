#include "block.h"

int raw_open(BlockDriverState *bs)
{
    return 0;
}

int channel_open(void *opaque)
{
    GLOBAL_STATE_CODE();
    return 0;
}

static BlockDriver bdrv_raw = { .open = raw_open };

struct Holder {
    void *ops;
};

/* Nothing says what h->ops points to, and two structs declare `open`: a binding by name. */
void channel_attach(struct Holder *h)
{
    h->ops->open = channel_open;
}

/* False before: a local assigned from a member path is a BlockDriver. */
int bdrv_open_driver(BlockDriverState *bs)
{
    IO_CODE();
    BlockDriver *drv = bs->drv;
    return drv->open(bs);
}

/* Also declared first and assigned later. */
int bdrv_reopen_driver(BlockDriverState *bs)
{
    IO_CODE();
    BlockDriver *drv;
    drv = bs->drv;
    return drv->open(bs);
}

/* By name alone: no struct Unknown is declared, so its `open` is any of unknown type. */
int channel_kick(struct Unknown *u)
{
    IO_CODE();
    return u->open(u);
}
