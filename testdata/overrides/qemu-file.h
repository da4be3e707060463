/* The header promises callers that the function runs outside coroutines too. */
#include <stddef.h>

#define coroutine_fn
#define coroutine_mixed_fn

size_t coroutine_mixed_fn qemu_get_counted_string(void *f, char *buf);
