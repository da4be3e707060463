/* What block/block-gen.c, which the build generates, includes to poll. */
#include "block/block-io.h"

static inline int bdrv_poll_co(BdrvPollCo *s)
{
    assert(!qemu_in_coroutine());
    BDRV_POLL_WHILE(s->bs, s->in_progress);
    return s->ret;
}
