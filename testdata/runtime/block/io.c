void bdrv_drain_all(void)
{
    GLOBAL_STATE_CODE();
}

/* False before: the Windows definition of qemu_thread_atexit_add() calls bdrv_drain_all(). */
void coroutine_pool_refill(void)
{
    IO_CODE();
    qemu_thread_atexit_add(&pool_notifier);
}
