/* Reached only transitively: a.c includes h.h, which includes this. */
#include "inner.h"
