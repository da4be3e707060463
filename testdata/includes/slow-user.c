/* Sees slow.h's pick(), not fast.h's. */
#include "include/slow.h"

void io_slow(void)
{
    IO_CODE();
    pick();
}
