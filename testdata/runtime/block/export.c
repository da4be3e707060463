/* References handed to calls that only register or schedule them: the function runs later,
 * elsewhere, so the caller does not reach what it reaches. */

void bdrv_unref(void *bs)
{
    GLOBAL_STATE_CODE();
}

static void blk_exp_delete_bh(void *opaque)
{
    bdrv_unref(opaque);
}

static void *connect_thread_func(void *opaque)
{
    bdrv_unref(opaque);
    return 0;
}

static void em_complete(void *opaque, int ret)
{
    bdrv_unref(opaque);
}

static void coroutine_fn blk_aio_entry(void *opaque)
{
    bdrv_unref(opaque);
}

/* False before: a bottom half runs in the main loop, later. */
void blk_exp_unref(void *exp)
{
    IO_CODE();
    aio_bh_schedule_oneshot(qemu_get_aio_context(), blk_exp_delete_bh, exp);
}

/* False before: the start routine runs in the new thread. */
void nbd_co_establish_connection(void *conn)
{
    IO_CODE();
    qemu_thread_create(&conn->thread, "nbd-connect", connect_thread_func, conn, 0);
}

/* False before: an AIO completion callback runs when the request completes. */
int bdrv_co_ioctl(BlockDriverState *bs, int req, void *buf)
{
    IO_CODE();
    BlockDriver *drv = bs->drv;
    drv->bdrv_aio_ioctl(bs, req, buf, em_complete, &co);
    qemu_coroutine_yield();
    return 0;
}

/* True: g_clear_pointer() calls the function at once. */
void blk_drop_node(void *bs)
{
    IO_CODE();
    g_clear_pointer(&bs, bdrv_unref);
}

/* True: the coroutine is entered at once; and the same function handed to a bottom half and
 * to a call that runs it is still used. */
void blk_aio_prwv(void *acb)
{
    IO_CODE();
    Coroutine *co = qemu_coroutine_create(blk_aio_entry, acb);
    aio_co_enter(qemu_get_current_aio_context(), co);
}

void blk_exp_unref_now(void *exp)
{
    IO_CODE();
    aio_bh_schedule_oneshot(qemu_get_aio_context(), blk_exp_delete_bh, exp);
    run_now(blk_exp_delete_bh, exp);
}
