#include "include/object.h"

void *object_check(void *obj, const char *name)
{
    GLOBAL_STATE_CODE();
    return obj;
}
