#include "qemu/lock.h"

void io_locked(void)
{
    IO_CODE();
    lock_take();
}
