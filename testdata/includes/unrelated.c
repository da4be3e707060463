/* Includes no header: their statics are not its. */
void io_unrelated(void)
{
    IO_CODE();
    helper();
}
