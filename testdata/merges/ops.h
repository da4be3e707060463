struct xenstore_backend_ops {
    bool (*write)(void *h, const char *path, const void *data, unsigned int len);
};

extern struct xenstore_backend_ops *xen_xenstore_ops;

typedef struct MemoryRegionOps {
    void (*write)(void *opaque, unsigned long addr, unsigned long data, unsigned size);
} MemoryRegionOps;

typedef struct JobDriver {
    int coroutine_fn (*run)(void *job);
} JobDriver;

typedef struct VuDev VuDev;

typedef struct VuVirtq {
    void (*handler)(VuDev *dev, int qidx);
} VuVirtq;

struct VuDev {
    VuVirtq *vq;
    int nvq;
};

typedef struct GdbCmdParseEntry {
    void (*handler)(void *params, void *user_ctx);
} GdbCmdParseEntry;
