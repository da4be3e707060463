/* Written by the build: the definition of the wrapper that block.h only declares. */
#include "block.h"

void gen_poll(void);

int bdrv_read(int n)
{
    gen_poll();
    return bdrv_co_read(n);
}
