void reader(void)
{
    IO_ONLY();
}
