void a1(void)
{
    A_CODE();
    a2();
}

void a2(void)
{
    A_CODE();
    helper();
}

void helper(void)
{
    b();
}

void b(void)
{
    B_CODE();
}
