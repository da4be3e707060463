#include "swap.h"

/* No file includes this header, so no file is compiled with it: the function that the
 * invocation would define is not read (a tree's orphan X-macro headers, such as the helper.h
 * of each QEMU target, would otherwise be expanded under every definition of their macros),
 * unless only headers are checked. */
CONVERT(le, 16)
