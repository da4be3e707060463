#include "debug.h"

void bdrv_drain_all(void)
{
    GLOBAL_STATE_CODE();
}

/* This file's DPRINTF drains: only this file's functions reach bdrv_drain_all() through it. */
#define DPRINTF(fmt, ...) do { bdrv_drain_all(); } while (0)

void trace_state_change(int s)
{
    GLOBAL_STATE_CODE();
}

/* True: its own file's DPRINTF. */
void a_io(void)
{
    IO_CODE();
    DPRINTF("a\n");
}
