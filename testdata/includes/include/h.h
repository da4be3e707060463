/* A static inline in a header is compiled into every file that includes it. */
#include <stdint.h>
#include "outer.h"

static inline void helper(void)
{
    GLOBAL_STATE_CODE();
}
