void helper(void)
{
    GLOBAL_STATE_CODE();
}

void shared(int x)
{
    GLOBAL_STATE_CODE();
}

void io_c(void)
{
    IO_CODE();
    /* hidden() is static in b.c: not visible here. */
    hidden();
}
