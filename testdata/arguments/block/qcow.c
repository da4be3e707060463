/* A status query passes allocate = 0, and every write is behind `if (!allocate) return 0;`. */

static void write_table(void *bs)
{
    GLOBAL_STATE_CODE();
}

static int get_cluster_offset(void *bs, long offset, int allocate, long *result)
{
    *result = 0;
    if (!l2_offset) {
        if (!allocate)
            return 0;
        write_table(bs);
    }
    return 1;
}

/* No path: the constant fails the test. */
int qcow_block_status(void *bs, long offset)
{
    long r;
    IO_CODE();
    return get_cluster_offset(bs, offset, 0, &r);
}

/* A constant that passes the test: the path stays. */
int qcow_allocate(void *bs, long offset)
{
    long r;
    IO_CODE();
    return get_cluster_offset(bs, offset, 1, &r);
}

/* An argument that is not a constant: the path stays. */
int qcow_maybe_allocate(void *bs, long offset, int allocate)
{
    long r;
    IO_CODE();
    return get_cluster_offset(bs, offset, allocate, &r);
}
