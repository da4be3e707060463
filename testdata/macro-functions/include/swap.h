#include "paste.h"

unsigned swap16(unsigned v);
unsigned swap32(unsigned v);

/* Byte-order conversions: the names are pasted from the arguments. */
#define CONVERT(endian, size) \
static inline unsigned endian ## size ## _to_cpu(unsigned v) \
{ \
    return glue(swap, size)(v); \
}

CONVERT(be, 16)
CONVERT(be, 32)
