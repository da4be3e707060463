/* Annotated correctly: I/O code calls only I/O code, global state calls anything. */
void gs(void)
{
    GLOBAL_STATE_CODE();
    io();
}

void io(void)
{
    IO_CODE();
    helper();
}

void helper(void)
{
}
