void step2(void);

void step1(void)
{
    step2();
}
