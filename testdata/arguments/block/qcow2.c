/* The marker itself is under the test: a caller passing false does not enter global state. */

void graph_wrlock(void)
{
    GLOBAL_STATE_CODE();
}

static void qcow2_do_close(void *bs, bool close_data_file)
{
    free_tables(bs);
    if (close_data_file && has_data_file(bs)) {
        GLOBAL_STATE_CODE();
        graph_wrlock();
    }
}

/* No path. */
int qcow2_invalidate_cache(void *bs)
{
    IO_CODE();
    qcow2_do_close(bs, false);
    return 0;
}

/* The path stays: true passes the test, and the marker counts. */
int qcow2_close_all(void *bs)
{
    IO_CODE();
    qcow2_do_close(bs, true);
    return 0;
}
