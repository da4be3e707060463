/* c.c defines no DPRINTF and includes nothing that does: every definition applies, as
 * before (a use of a macro the file cannot see is left as the tree has it). */
void c_io(void)
{
    IO_CODE();
    DPRINTF("c\n");
}
