/* Coroutine inference: a chain of unannotated helpers under a coroutine_fn. */
#include "co.h"

static int step_static(int fd);

int coroutine_fn co_read(int fd)
{
    return fd;
}

/* Forced: calls co_read(), and its only caller is step_static(). */
int
step_split(int fd,
           int len)
{
    return co_read(fd) + len;
}

/* Forced: calls step_split(), which is forced; only entry() calls it. */
static int step_static(int fd)
{
	return step_split(fd, 1);
}

/* All callers agree: only coroutine code calls it, and it calls coroutine_mixed_fn code. */
static int agree(int fd)
{
    return co_maybe(fd);
}

int coroutine_mixed_fn co_maybe(int fd)
{
    return fd;
}

/* A helper: only coroutine code calls it, but it needs nothing of it (--helpers). */
struct Req *
make_req(int fd)
{
    static struct Req *req;
    return req + fd;
}

/* Conflict: only coroutine code calls it, but it blocks. */
static void waits(int fd)
{
    blocking_wait(fd);
}

void no_coroutine_fn blocking_wait(int fd)
{
    (void)fd;
}

/* Not suggested: a plain function calls it too. */
static int shared(int fd)
{
    return fd;
}

/* Not suggested: it is handed to a scheduler, so its callers are unknown. */
static void callback(void *opaque)
{
    (void)opaque;
}

void coroutine_fn entry(int fd)
{
    step_static(fd);
    make_req(fd);
    agree(fd);
    waits(fd);
    shared(fd);
    schedule(callback, 0);
}

int plain_entry(int fd)
{
    return shared(fd);
}
