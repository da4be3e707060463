/* Another file's static local_co(): co.c's static prototype says nothing about it. */
static int local_co(void)
{
    return 1;
}

void calls_other_local(void)
{
    local_co();
}
