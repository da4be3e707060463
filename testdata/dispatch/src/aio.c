#include "coroutine.h"
#include "block.h"

typedef struct BlockCopyTask {
    AioTask task;
} BlockCopyTask;

void block_copy_commit(void)
{
    GLOBAL_STATE_CODE();
}

int coroutine_fn block_copy_task_entry(AioTask *task)
{
    block_copy_commit();
    return 0;
}

/* A compound literal with a chained designator binds AioTask.func. */
void block_copy_task_create(BlockCopyTask *task)
{
    *task = (BlockCopyTask) { .task.func = block_copy_task_entry, };
}

/* True: an AioTask's func is block_copy_task_entry. */
int coroutine_fn aio_task_co(AioTask *task)
{
    IO_CODE();
    return task->func(task);
}

/* False before: a log request's func is not an AioTask's. */
int coroutine_fn log_writes_co_do_file(LogWritesReq *req)
{
    IO_CODE();
    return req->func(req);
}
