/* QEMU 7.2 spelling: a mixed wrapper with no context of its own. */
int generated_co_wrapper bdrv_flush(void *bs);
