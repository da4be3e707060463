/* The helper is static, in a file that one.c includes: reached through the include. */
#include "helpers.c.inc"

void step(void)
{
    helper();
}
