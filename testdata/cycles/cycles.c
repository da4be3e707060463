/* Recursion and cycles must terminate; the shortest path wins. */
void gs(void)
{
    GLOBAL_STATE_CODE();
    gs();
}

void ping(int n)
{
    if (n) {
        pong(n - 1);
    }
}

void pong(int n)
{
    ping(n);
    pong(n);
    if (n > 100) {
        gs();
    }
}

void io_cycle(void)
{
    IO_CODE();
    ping(3);
}

void io_recursive(void)
{
    IO_OR_GS_CODE();
    io_recursive();
}

void mixed_a(void)
{
    IO_OR_GS_CODE();
    mixed_b();
}

void mixed_b(void)
{
    IO_CODE();
    mixed_a();
}
