#include "coroutine.h"

void coroutine_fn co_body(void *opaque)
{
}

/* A function that has the name of the parameter below. */
void entry(void *opaque)
{
    GLOBAL_STATE_CODE();
}

/* `entry` is the parameter here, not the function above. */
void qemu_coroutine_create(Coroutine *co, CoroutineEntry *entry)
{
    co->entry = entry;
}

void co_setup(Coroutine *co)
{
    co->entry = co_body;
}

/* Not coroutine_fn, yet it calls Coroutine.entry, which is (true by the rules). */
void qemu_coroutine_enter(Coroutine *co)
{
    IO_CODE();
    co->entry(co);
}
