/* A typedef'd function type carries its attribute to the members declared with it. */
typedef void coroutine_fn CoroutineEntry(void *opaque);

typedef struct Coroutine {
    CoroutineEntry *entry;
} Coroutine;

/* The pointer form of the same. */
typedef struct AioTask AioTask;
typedef int coroutine_fn (*AioTaskFunc)(AioTask *task);

struct AioTask {
    AioTaskFunc func;
};
