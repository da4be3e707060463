#include "api.h"
#include "block.h"

void io_fast(void);
void gs_slow(void);
void trace_gs(void);

void io_entry(void)
{
    IO_CODE();
#ifdef USE_FAST
    /* Every unit is compiled with -DUSE_FAST: only this branch is read. */
    io_fast();
#else
    gs_slow();
#endif
#ifdef TRACE_IO
    /* Only this unit has -DTRACE_IO: the units disagree, so the branch stays open. */
    trace_gs();
#endif
}

void io_reset(void)
{
    IO_CODE();
    api_reset();
}

void io_read(void)
{
    IO_CODE();
    bdrv_read(0);
}

void io_config(void)
{
    IO_CODE();
    cfg_check();
}
