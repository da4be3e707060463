static inline void pick(void)
{
    GLOBAL_STATE_CODE();
}
