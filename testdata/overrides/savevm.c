#include "qemu-file.h"

int coroutine_fn qemu_co_read(void *f);

/* Relies on the header: fine. */
int load_header(void *f)
{
    char buf[256];
    return qemu_get_counted_string(f, buf);
}

/* Calls a coroutine_fn from plain code: a violation. */
int load_section(void *f)
{
    return qemu_co_read(f);
}
