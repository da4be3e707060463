/* helper() is static here: a.c's calls go to this one, which is harmless. */
static void helper(void)
{
}

void io_a(void)
{
    IO_CODE();
    helper();
}

void io_member(struct Ops *ops)
{
    IO_CODE();
    /* Members are never global functions, even with the same name. */
    ops->shared(1);
    ops->helper = NULL;
}
