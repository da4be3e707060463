#include "include/object.h"

DECLARE_TYPE(Writer, READER)

/* READER here is this file's own, which casts to Writer. */
void writer_open(void *obj)
{
    IO_CODE();
    READER(obj);
}
