void step(void);

void io_fn reader(void)
{
    step();
}
