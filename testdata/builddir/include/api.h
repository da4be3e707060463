/* Found only through the build's -I ../include: src/ has no api.h of its own. */
static inline void api_reset(void)
{
    GLOBAL_STATE_CODE();
}
