#include "block.h"

void gs_slow(void)
{
    GLOBAL_STATE_CODE();
}

void trace_gs(void)
{
    GLOBAL_STATE_CODE();
}

void io_fast(void)
{
}

int coroutine_fn bdrv_co_read(int n)
{
    return n;
}

void gen_poll(void)
{
    GLOBAL_STATE_CODE();
}
