/* A pointer typedef names the struct an object is. */
typedef struct IRQState *qemu_irq;
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

struct IRQState {
    qemu_irq_handler handler;
};

/* An anonymous struct named by its typedef. */
typedef struct {
    void (*handler)(void *params, void *user_ctx);
    const char *cmd;
} GdbCmdParseEntry;
