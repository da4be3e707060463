/* Lexing traps: gs() is mentioned in every way that is not code, then called once for real. */
#define CALL_GS() gs()
#define MULTI_LINE(x) \
    do { gs(); } \
    while (0)

void gs(void)
{
    GLOBAL_STATE_CODE();
}

void io_traps(void)
{
    char open_brace = '{';
    char quote = '"';
    char close_brace = '}';
    char escaped = '\'';
    const char *s = "gs(); } { \" still a string gs()";
    const char *t = "a backslash at the end \\";
    /* gs(); } */
    // gs(); {
    IO_CODE();
    not_gs_either(open_brace, quote, close_brace, escaped, s, t);
}

void io_after_traps(void)
{
    IO_CODE();
    gs();
}
