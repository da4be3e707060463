/* The flush runs only under `flags & REQ_FUA`. */

int co_flush(void *bs)
{
    GLOBAL_STATE_CODE();
    return 0;
}

static int raw_co_prw(void *bs, long offset, int type, int flags)
{
    int ret = submit(bs, offset, type);
    if (ret == 0 && (flags & REQ_FUA)) {
        ret = co_flush(bs);
    }
    return ret;
}

/* No path: flags 0. */
int raw_zone_append(void *bs, long offset)
{
    IO_CODE();
    return raw_co_prw(bs, offset, 1, 0 /* flags */);
}

/* The path stays: a flag whose value is not known. */
int raw_pwrite_fua(void *bs, long offset)
{
    IO_CODE();
    return raw_co_prw(bs, offset, 1, REQ_FUA);
}

static int flush_if_dirty(void *bs, int flags)
{
    if (dirty) {
        co_flush(bs);
    }
    return 0;
}

/* The path stays: the test is not of a parameter. */
int raw_sync(void *bs)
{
    IO_CODE();
    return flush_if_dirty(bs, 0);
}

static int raw_co_prw_default(void *bs, int flags)
{
    flags |= default_flags;
    if (flags & REQ_FUA) {
        co_flush(bs);
    }
    return 0;
}

/* The path stays: the parameter is assigned before its test. */
int raw_write_default(void *bs)
{
    IO_CODE();
    return raw_co_prw_default(bs, 0);
}

static int raw_forward(void *bs, int flags)
{
    return raw_co_prw(bs, 0, 1, flags);
}

/* The path stays: a constant counts for the callee's own tests only, one step deep. */
int raw_write_forwarded(void *bs)
{
    IO_CODE();
    return raw_forward(bs, 0);
}
