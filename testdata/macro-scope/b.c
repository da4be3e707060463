#include "debug.h"

int log_line(const char *fmt)
{
    return 0;
}

/* b.c's own DPRINTF only logs. */
#define DPRINTF(fmt, ...) log_line(fmt)

/* False before: a.c's DPRINTF merged with this file's, so b_io() reached bdrv_drain_all(). */
void b_io(void)
{
    IO_CODE();
    DPRINTF("b\n");
}

/* True: the header's macro, seen through the include. */
void b_state(void)
{
    IO_CODE();
    TRACE_STATE(1);
}
