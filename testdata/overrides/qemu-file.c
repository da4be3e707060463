#include "qemu-file.h"

/* The definition disagrees with the header: coroutine_fn. */
size_t coroutine_fn qemu_get_counted_string(void *f, char *buf)
{
    return 0;
}

/* Only coroutine_fn, everywhere: its plain callers break the rule. */
int coroutine_fn qemu_co_read(void *f)
{
    return 0;
}
