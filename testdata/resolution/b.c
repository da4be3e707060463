/* b.c has no helper() of its own: its calls go to every non-static one (c.c's). */
void io_b(void)
{
    IO_CODE();
    helper();
}

static void hidden(void)
{
    GLOBAL_STATE_CODE();
}
