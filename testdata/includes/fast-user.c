/* Sees fast.h's pick(), not slow.h's. */
#include "include/fast.h"

void io_fast(void)
{
    IO_CODE();
    pick();
}
