void step1(void);

void io_fn reader(void)
{
    step1();
}
