#include "include/co.h"

/* A static prototype speaks for the static definition of its own file only. */
static int coroutine_fn local_co(void);

int co_read(int x)
{
    return x;
}

int co_after(int x)
{
    return x;
}

static int local_co(void)
{
    return 0;
}

void blocking_wait(void)
{
}

void mixed_wrapper(void)
{
}

/* Not coroutine_fn, yet calls coroutine_fn code directly. */
void plain_caller(void)
{
    co_read(1);
}

void other_plain(void)
{
    co_after(1);
}

int coroutine_fn good_caller(void)
{
    return co_read(2) + local_co() + co_after(3);
}

/* A coroutine reaching a blocking function through an unannotated helper. */
void helper_unannotated(void)
{
    blocking_wait();
}

int coroutine_fn co_blocks(void)
{
    helper_unannotated();
    return 0;
}

/* The path would pass through an annotated function: blamed there, not here. */
void coroutine_mixed_fn mixed_caller(void)
{
    blocking_wait();
}

int coroutine_fn co_via_annotated(void)
{
    mixed_caller();
    return 0;
}

/* co_wrapper_mixed means no_coroutine_fn and coroutine_mixed_fn (block-common.h): a caller that
 * knows it is a coroutine must call the coroutine_fn it wraps instead (osdep.h). */
int coroutine_fn co_calls_wrapper(void)
{
    mixed_wrapper();
    return 0;
}

/* local_co() is coroutine_fn by its static prototype above. */
void plain_local(void)
{
    local_co();
}
