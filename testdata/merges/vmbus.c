#include "ops.h"

static int coroutine_fn job_run(void *job)
{
    return 0;
}

static const JobDriver job_driver = {
    .run = job_run,
};

static void vmbus_run_init(void *vmbus)
{
}

/* A file-local anonymous struct: its `run` is no JobDriver's. */
static const struct {
    void (*run)(void *vmbus);
    void (*complete)(void *vmbus);
} state_runner[] = {
    [0] = { .run = vmbus_run_init },
    [1].run = vmbus_run_init,
};

/* False before: `state_runner[...].run` merged with JobDriver.run, a coroutine_fn field. */
static void vmbus_do_run(void *vmbus, int state)
{
    state_runner[state].run(vmbus);
}

/* True: a JobDriver's run is coroutine_fn. */
static void job_start(const JobDriver *drv, void *job)
{
    drv->run(job);
}
