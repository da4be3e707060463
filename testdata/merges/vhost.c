#include "ops.h"

void no_coroutine_fn replay_reverse_step(void)
{
}

/* A GdbCmdParseEntry.handler that blocks: no VuVirtq.handler is. */
static void handle_backward(void *params, void *user_ctx)
{
    replay_reverse_step();
}

static const GdbCmdParseEntry gdb_gen_query_table[] = {
    { .handler = handle_backward },
};

static void vq_kick_handler(VuDev *dev, int qidx)
{
}

void vu_set_queue_handler(VuDev *dev, VuVirtq *vq)
{
    vq->handler = vq_kick_handler;
}

/* False before: `dev->vq[index].handler` is a VuVirtq's handler, but the element of a member
 * array was taken for a global named `vq` and merged with every `handler` by name. */
static void vu_handle_vring_kick(VuDev *dev, unsigned int index)
{
    if (dev->vq[index].handler) {
        dev->vq[index].handler(dev, index);
    }
}

void coroutine_fn vu_client_trip(VuDev *dev)
{
    vu_handle_vring_kick(dev, 0);
}

/* True: a GdbCmdParseEntry's handler, found through an element of a member array. */
typedef struct GdbState {
    GdbCmdParseEntry *cmds;
} GdbState;

void coroutine_fn gdb_co_run(GdbState *s, int i)
{
    s->cmds[i].handler(0, 0);
}
