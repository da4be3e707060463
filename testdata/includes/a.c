#include <stdio.h>
#include "include/h.h"

void io_fn(void)
{
    IO_CODE();
    helper();
}

void io_transitive(void)
{
    IO_CODE();
    inner_helper();
}
