static inline void inner_helper(void)
{
    GLOBAL_STATE_CODE();
}
