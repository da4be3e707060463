void gs_ref(void)
{
    GLOBAL_STATE_CODE();
}

void gs_flush_all(void)
{
    GLOBAL_STATE_CODE();
}

void gs_drain_all(void)
{
    GLOBAL_STATE_CODE();
}

/* callcheck: allow(GLOBAL_STATE_CODE) the caller holds the BQL in every path today */
void io_allowed_before(void)
{
    IO_CODE();
    gs_ref();
}

void io_allowed_inside(void)
{
    // callcheck: allow(GLOBAL_STATE_CODE) called only during startup
    IO_CODE();
    gs_ref();
}

void io_ignored_line(void)
{
    IO_CODE();
    gs_ref(); /* callcheck: ignore never reached when the device is an I/O one */
}

void io_flush(void)
{
    IO_CODE();
    gs_flush_all();
}

void drain_bh_cb(void *opaque)
{
    gs_drain_all();
}

void io_schedules_bh(void)
{
    IO_CODE();
    aio_bh_schedule_oneshot(ctx, drain_bh_cb, NULL);
}

void io_stale_allow(void)
{
    // callcheck: allow(IO_OR_GS_CODE) it used to call an IO_OR_GS_CODE() helper
    IO_CODE();
}

/* A real violation, still reported. */
void io_real(void)
{
    IO_CODE();
    gs_ref();
}

// callcheck: alow(GLOBAL_STATE_CODE) misspelt
void io_misspelt(void)
{
    IO_CODE();
}
