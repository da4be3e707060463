/* Only the prototypes carry the attributes here, as QEMU's headers often do. */
int coroutine_fn co_read(int x);
int co_after(int x) coroutine_fn;
void no_coroutine_fn blocking_wait(void);
void co_wrapper_mixed mixed_wrapper(void);
