/* What scripts/block-coroutine-wrapper.py's wrappers poll with. */
static inline void no_coroutine_fn bdrv_poll_co(void *s)
{
    aio_poll(s);
}
