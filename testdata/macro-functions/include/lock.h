#include "object.h"

typedef struct Lock Lock;
void lock_release(Lock *lock);
Lock *lock_take(Lock *lock);

DEFINE_CLEANUP(Lock, lock_release)

/* Holds a lock until the end of the scope. */
#define LOCK_GUARD(x) auto_ptr(Lock) glue(guard_, __LINE__) = lock_take(x)
