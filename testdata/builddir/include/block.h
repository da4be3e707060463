int generated_co_wrapper bdrv_read(int n);
int coroutine_fn bdrv_co_read(int n);
