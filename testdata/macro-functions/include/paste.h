/* Helpers every project has: token pasting through a second macro. */
#define xglue(a, b) a ## b
#define glue(a, b) xglue(a, b)
