/* The lock.h that `-I include` finds. */
static inline void lock_take(void)
{
    GLOBAL_STATE_CODE();
}
