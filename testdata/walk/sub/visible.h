static inline void io_header(void)
{
    IO_CODE();
    gs();
}
