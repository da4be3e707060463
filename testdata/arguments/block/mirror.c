/* The write is only in `case METHOD_COPY:` of `switch (method)`. */

typedef enum { METHOD_COPY, METHOD_ZERO, METHOD_DISCARD } MirrorMethod;

int co_pwritev(void *bs, long offset)
{
    GLOBAL_STATE_CODE();
    return 0;
}

static int mirror_do_write(void *bs, MirrorMethod method, long offset)
{
    int ret;

    switch (method) {
    case METHOD_COPY:
        ret = co_pwritev(bs, offset);
        break;
    case METHOD_DISCARD:
        ret = co_pdiscard(bs, offset);
        break;
    default:
        abort();
    }
    return ret;
}

/* No path: another enumerator. */
int mirror_pdiscard(void *bs, long offset)
{
    IO_CODE();
    return mirror_do_write(bs, METHOD_DISCARD, offset);
}

/* The path stays: the enumerator of the case. */
int mirror_pwritev(void *bs, long offset)
{
    IO_CODE();
    return mirror_do_write(bs, METHOD_COPY, offset);
}
