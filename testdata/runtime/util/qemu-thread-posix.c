void qemu_thread_atexit_add(void *notifier)
{
    notifier_list_add(&thread_exit, notifier);
}
