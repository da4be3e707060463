/* Every definition below is IO_CODE() and calls gs(); each must be found, nothing else. */
#include "gs.h"

static inline coroutine_fn GRAPH_RDLOCK int QEMU_WARN_UNUSED_RESULT
sig_multi_line(BlockDriverState *bs,
               int64_t offset,
               int flags)
{
    IO_CODE();
    return gs();
}

int __attribute__((noinline)) sig_attribute(void) __attribute__((cold))
{
    IO_CODE();
    return gs();
}

void (*sig_returns_fp(int n))(void)
{
    IO_CODE();
    gs();
    return 0;
}

int sig_knr(a, b)
    int a;
    char *b;
{
    IO_CODE();
    return gs();
}

type_init(register_types)

static struct S { int (*cb)(void); } sig_table = { .cb = gs };

struct S *sig_returns_struct(struct S *s, union U u)
{
    IO_CODE();
    gs();
    return s;
}

const char *names[] = { "a", "b" };

extern "C" {
int sig_extern_c(void)
{
    IO_CODE();
    return gs();
}
}

enum E { E_A = sizeof(int), E_B };

/* Prototypes are not definitions. */
int sig_prototype(void);
int (*sig_pointer)(void);
