#include "qom.h"

typedef struct Job Job;

typedef struct JobDriver {
    void (*free)(Job *job);
} JobDriver;

struct Job {
    const JobDriver *driver;
};

/* A struct member held by value: its members are followed too. */
typedef struct BlockJobDriver {
    JobDriver job_driver;
} BlockJobDriver;

typedef struct BlockJob {
    Job job;
} BlockJob;

struct BlockJobClass {
    void (*drain)(BlockJob *job);
};

OBJECT_DECLARE_TYPE(BlockJob, BlockJobClass, BLOCK_JOB)

typedef struct Chardev {
    Object parent_obj;
} Chardev;

typedef struct ChardevClass {
    void (*drain)(Chardev *chr);
} ChardevClass;

/* The older spelling: a macro that invokes a QOM check with the type. */
#define CHARDEV_GET_CLASS(obj) OBJECT_GET_CLASS(ChardevClass, obj, TYPE_CHARDEV)
