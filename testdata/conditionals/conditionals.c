void gs(void)
{
    GLOBAL_STATE_CODE();
}

#if 0
void io_dead(void)
{
    IO_CODE();
    gs();
}
#ifdef NESTED
#endif
#else
void io_alive(void)
{
    IO_CODE();
    gs();
}
#endif

/* Braces unbalanced within each branch, balanced across them. */
#ifdef _WIN32
void io_branches(HANDLE h)
{
#else
void io_branches(int fd)
{
#endif
    IO_CODE();
    gs();
}

void io_if_zero_in_body(void)
{
    IO_CODE();
#if 0
    gs();
#elif defined(CONFIG_X)
    other();
#endif
}

void io_last(void)
{
    IO_CODE();
    gs();
}
