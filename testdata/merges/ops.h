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
