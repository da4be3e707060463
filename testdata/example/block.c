/*
 * Global state of the miniature block layer.
 */
#include "block/block-global-state.h"
#include "block/block-io.h"

static QTAILQ_HEAD(, BlockDriverState) all_bdrv_states =
    QTAILQ_HEAD_INITIALIZER(all_bdrv_states);

void bdrv_ref(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    bs->refcnt++;
}

void bdrv_unref(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    if (--bs->refcnt == 0) {
        bdrv_close(bs);
    }
}

static void bdrv_close(BlockDriverState *bs)
{
    GLOBAL_STATE_CODE();
    /* "bdrv_ref(" inside a string or comment is not a call */
    trace_bdrv_close(bs, "closing bdrv_ref(bs)");
}

char *bdrv_dirname(BlockDriverState *bs, Error **errp)
{
    GLOBAL_STATE_CODE();
    return g_strdup(bs->filename);
}

static char *bdrv_make_absolute_filename(BlockDriverState *relative_to,
                                         const char *filename, Error **errp)
{
    char *dir = bdrv_dirname(relative_to, errp);
    return g_strconcat(dir, filename, NULL);
}

/* Wrongly categorised as I/O: it reaches bdrv_dirname() through a helper. */
void bdrv_get_full_backing_filename(BlockDriverState *bs, char *dest, size_t sz,
                                    Error **errp)
{
    char *backing;

    IO_CODE();
    backing = bdrv_make_absolute_filename(bs, bs->filename, errp);
    pstrcpy(dest, sz, backing);
}

#if 0
/* Dead code: never checked. */
void bdrv_dead(BlockDriverState *bs)
{
    IO_CODE();
    bdrv_ref(bs);
}
#endif
