/* A CRLF file: the suggestion keeps its line endings. */
#include "co.h"

static int crlf_helper(int fd)
{
    return co_read(fd);
}

void coroutine_fn crlf_entry(int fd)
{
    crlf_helper(fd);
}
