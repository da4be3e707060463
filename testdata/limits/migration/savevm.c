/* The only maker of a block channel: a snapshot writes through it. */
typedef struct QIOChannel QIOChannel;
int qio_channel_writev(QIOChannel *ioc);

int save_snapshot(QIOChannel *block_channel)
{
    IO_OR_GS_CODE();
    return qio_channel_writev(block_channel);
}
