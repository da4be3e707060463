/* Not the step2() that one.c calls: static, and one.c does not include this file. */
static void step2(void)
{
}

void two_user(void)
{
    step2();
}
