static inline void pick(void)
{
}
