#include "include/channel.h"
#include "include/swap.h"
#include "include/lock.h"

/* Defined here too, by the same header macro: each file sees its own. */
DECLARE_TYPE(Reader, READER)

/* Reaches object_check() through CHANNEL(), which include/channel.h defines. */
void reader_open(void *obj)
{
    IO_CODE();
    CHANNEL(obj);
}

/* be16_to_cpu() calls swap16(): both names are pasted. */
unsigned reader_header(unsigned v)
{
    IO_CODE();
    return be16_to_cpu(v);
}

/* be32_to_cpu() calls swap32(), which is fine. */
unsigned reader_size(unsigned v)
{
    IO_CODE();
    return be32_to_cpu(v);
}

/* The guard calls cleanup_Lock() at scope exit, and that calls lock_release(). */
void reader_locked(Lock *lock)
{
    IO_CODE();
    LOCK_GUARD(lock);
}
