/* Only Windows builds compile this file: its definitions must not merge with the POSIX ones. */

static void run_main_thread_exit(void)
{
    bdrv_unref(0);
}

void qemu_thread_atexit_add(void *notifier)
{
    bdrv_drain_all();
    atexit(run_main_thread_exit);
}
