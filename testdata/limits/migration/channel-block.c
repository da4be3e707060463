/* Migration's block channel: a snapshot's vmstate written into a block node. */
typedef struct QIOChannel QIOChannel;

typedef struct QIOChannelClass {
    int (*io_writev)(QIOChannel *ioc);
} QIOChannelClass;

void bdrv_drain_all_begin(void);

static int qio_channel_block_writev(QIOChannel *ioc)
{
    bdrv_drain_all_begin();
    return 0;
}

static QIOChannelClass block_class = {
    .io_writev = qio_channel_block_writev,
};

void bdrv_drain_all_begin(void)
{
    GLOBAL_STATE_CODE();
}
