#include "job.h"

void job_txn_commit(void)
{
    GLOBAL_STATE_CODE();
}

void block_job_free(Job *job)
{
    job_txn_commit();
}

void object_free_plain(void *obj)
{
}

/* A nested initializer: BlockJobDriver.job_driver is a JobDriver. */
static const BlockJobDriver mirror_job_driver = {
    .job_driver = {
        .free = block_job_free,
    },
};

void object_new(Object *obj)
{
    obj->free = object_free_plain;
}

/* False before: an Object's free is not a JobDriver's. */
void object_finalize(Object *obj)
{
    IO_CODE();
    obj->free(obj);
}

/* True: through the driver a job points to. */
void job_unref(Job *job)
{
    IO_CODE();
    job->driver->free(job);
}

/* True: a QOM cast, then members held by value and by pointer. */
void block_job_unref(void *obj)
{
    IO_CODE();
    BLOCK_JOB(obj)->job.driver->free(0);
}

void mirror_drain(BlockJob *job)
{
    GLOBAL_STATE_CODE();
}

void char_drain(Chardev *chr)
{
}

static struct BlockJobClass mirror_class = { .drain = mirror_drain };
static ChardevClass char_class = { .drain = char_drain };

/* True: OBJECT_DECLARE_TYPE defines BLOCK_JOB_GET_CLASS. */
void block_job_drain(BlockJob *job)
{
    IO_CODE();
    BLOCK_JOB_GET_CLASS(job)->drain(job);
}

/* False before: a character device's class drains no block job. */
void qemu_chr_drain(Chardev *chr)
{
    IO_CODE();
    CHARDEV_GET_CLASS(chr)->drain(chr);
}
