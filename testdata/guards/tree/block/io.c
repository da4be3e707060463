/* The default preset (check_calls.py's rules) on a tree with firmware under roms/. */

void bdrv_graph_wrlock(void)
{
    GLOBAL_STATE_CODE();
}

/* error_report() prints through error_vprintf(), a boundary of the presets: no violation. */
int bdrv_co_preadv(void *bs)
{
    IO_CODE();
    error_report("read failed");
    return 0;
}

/* printf() is the C library's here; the firmware's printf() under roms/ is left out. */
int bdrv_co_pwritev(void *bs)
{
    IO_CODE();
    printf("write\n");
    return 0;
}

/* A true path that stays. */
int bdrv_co_pdiscard(void *bs)
{
    IO_CODE();
    bdrv_graph_wrlock();
    return 0;
}
