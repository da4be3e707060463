/* No file includes this header: the io.c unit reads it first through -include. */
static inline void cfg_check(void)
{
    GLOBAL_STATE_CODE();
}
