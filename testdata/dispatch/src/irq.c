#include "irq.h"

void gdb_handle_backward(void *params, void *user_ctx)
{
    GLOBAL_STATE_CODE();
}

/* True: the local table's handler. */
void gdb_handle_packet(void)
{
    IO_CODE();
    static const GdbCmdParseEntry backward_cmd_desc = {
        .handler = gdb_handle_backward,
        .cmd = "b",
    };
    backward_cmd_desc.handler(0, 0);
}

void pic_irq_handler(void *opaque, int n, int level)
{
}

/* `handler` is a parameter: this binds no function. */
void qemu_init_irq(struct IRQState *irq, qemu_irq_handler handler)
{
    irq->handler = handler;
}

void pic_init(struct IRQState *irq)
{
    irq->handler = pic_irq_handler;
}

/* False before: a qemu_irq is an IRQState, whose handler is no gdb command's. */
void qemu_set_irq(qemu_irq irq, int level)
{
    IO_CODE();
    irq->handler(irq, 0, level);
}
