/*
 * Tokenizer traps: every token shape next to the others, so that a new tokenizer must cut this
 * file as today's does for its reports to stay as they are. io_entry() and io_macro() are
 * IO_CODE() and must not reach gs_work().
 */
#include "block.h"
#define GS_CALL(x) ({ GLOBAL_STATE_CODE(); gs_work(x); })
#define PASTE(a, b) a##b(0)
  #  define SPACED_DIRECTIVE gs_work(1)

typedef struct Ops {
    int (*run)(int n);
} Ops;

void gs_work(int n)
{
    GLOBAL_STATE_CODE();
}

static int helper$1(int a)
{
    IO_CODE();
    a <<= 2; a >>= 1; a = a == 1 ? a->b : a...c..d;
    a = '\'' + "\"gs_work(" + 1.5e10 + 0x1fULL + .5;
    return a && a || !a # a;
}

int io_macro(void)
{
    IO_CODE();
    return GS_CALL(1);
}

int io_entry(Ops *ops)
{
    IO_CODE();
    PASTE(gs_, work);
    ops->run(helper$1(0));
    /* gs_work( in a comment */ // gs_work( in a line comment
    // a byte that is not UTF-8 ends the reference lexer's line comment: é gs_work(2);
    return 0;
}
