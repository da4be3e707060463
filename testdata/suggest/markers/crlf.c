void crlf_io(void)
{
    IO_CODE();
    crlf_leaf();
}

static void crlf_leaf(void)
{
    return;
}
