/* Each io_* function is IO_CODE(); its name says whether it reaches gs() in the code a build
 * with this configuration compiles. */
void gs(void)
{
    GLOBAL_STATE_CODE();
}

void io_debug_dead(void)
{
    IO_CODE();
#ifdef DEBUG_ALLOC
    gs();
#endif
}

void io_debug_else_reaches(void)
{
    IO_CODE();
#ifndef DEBUG_EXT
    gs();
#else
    safe();
#endif
}

void io_defined_reaches(void)
{
    IO_CODE();
#if defined(CONFIG_ON) && LEVEL >= 2
    gs();
#endif
}

void io_elif_taken_else_dead(void)
{
    IO_CODE();
#if LEVEL == 1
    safe();
#elif LEVEL == 2
    safe();
#else
    gs();
#endif
}

void io_unknown_reads_both(void)
{
    IO_CODE();
#ifdef CONFIG_UNKNOWN
    safe();
#else
    gs();
#endif
}

/* A switch the file defines itself: its own definition wins over `undefined`. */
#define DEBUG_LOCAL 1

void io_local_define_reaches(void)
{
    IO_CODE();
#if DEBUG_LOCAL
    gs();
#endif
}

#undef CONFIG_ON

void io_after_undef_dead(void)
{
    IO_CODE();
#ifdef CONFIG_ON
    gs();
#endif
}

/* Defined only in a branch that may not be built: unknown below. */
#ifdef CONFIG_UNKNOWN
#define MAYBE 1
#endif

void io_maybe_reaches(void)
{
    IO_CODE();
#if MAYBE
    gs();
#endif
}

/* Braces unbalanced in a dead branch do not count (nor, where the switch is unknown, across
 * the branches). */
#ifdef DEBUG_BRACES
void io_never(void) {
    {
#else
void io_braces_reaches(void)
{
#endif
    IO_CODE();
    gs();
}
