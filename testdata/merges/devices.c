#include "ops.h"

void no_coroutine_fn blk_pwrite(void *blk)
{
}

/* A MemoryRegionOps.write that blocks. */
static void otp_write(void *opaque, unsigned long addr, unsigned long data, unsigned size)
{
    blk_pwrite(opaque);
}

static const MemoryRegionOps otp_ops = {
    .write = otp_write,
};

static bool xs_be_write(void *h, const char *path, const void *data, unsigned int len)
{
    return true;
}

static struct xenstore_backend_ops emu_xenstore_backend_ops = {
    .write = xs_be_write,
};

/* False before: the global's declared type says which `write` this is. */
static bool qemu_xen_xs_write(void *h, const char *path, const void *data, unsigned int len)
{
    return xen_xenstore_ops->write(h, path, data, len);
}

void coroutine_fn v9fs_flush(void *pdu)
{
    qemu_xen_xs_write(pdu, "state", "", 0);
}

/* True: a call through a MemoryRegionOps still reaches every MemoryRegionOps.write. */
void coroutine_fn mmio_co_write(const MemoryRegionOps *ops, void *opaque)
{
    ops->write(opaque, 0, 0, 4);
}
