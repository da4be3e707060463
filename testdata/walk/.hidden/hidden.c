void io_hidden_c(void)
{
    IO_CODE();
    gs();
}
