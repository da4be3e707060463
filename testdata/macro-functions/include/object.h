#include "paste.h"

void *object_check(void *obj, const char *name);

/* A cast function per type, defined by nested macros. */
#define DECLARE_CHECKER(Instance, NAME) \
    static inline Instance *NAME(void *obj) \
    { return (Instance *)object_check(obj, #NAME); }

#define DECLARE_TYPE(Instance, NAME) \
    typedef struct Instance Instance; \
    DECLARE_CHECKER(Instance, NAME)

/* A cleanup function per type, and a local that calls it when it goes out of scope. */
#define DEFINE_CLEANUP(Type, func) \
    static inline void glue(cleanup_, Type)(Type **p) { func(*p); }
#define auto_ptr(Type) __attribute__((cleanup(cleanup_ ## Type))) Type *
