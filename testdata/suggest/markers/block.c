/* Marker inference from the block layer's reachability rules. */

void bdrv_gs(void)
{
    GLOBAL_STATE_CODE();
}

void bdrv_either(void)
{
    IO_OR_GS_CODE();
    bad_helper();
}

/* Forced IO_CODE: its only caller is IO_CODE. */
static int io_helper(int x)
{
	if (x) {
		return 1;
	}
	return 0;
}

/* Forced IO_CODE, with an empty body. */
static void io_empty(void)
{
}

/* Forced IO_CODE, a body on one line. */
static void io_one_line(void) { io_empty(); }

void bdrv_io(void)
{
    IO_CODE();
    io_helper(1);
    io_one_line();
}

/* Forced GLOBAL_STATE_CODE: it reaches bdrv_gs(); its only caller is GLOBAL_STATE_CODE. */
static void
reaches_gs(void)
{
    bdrv_gs();
}

/* All callers agree: only GLOBAL_STATE_CODE calls it. */
static void gs_only(void)
{
    /* nothing */
}

void bdrv_main(void)
{
    GLOBAL_STATE_CODE();
    reaches_gs();
    gs_only();
}

/* Conflict: IO_OR_GS_CODE calls it, and it reaches GLOBAL_STATE_CODE. */
static void bad_helper(void)
{
    bdrv_gs();
}
