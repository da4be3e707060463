/* A character device writes through its socket channel, never a block channel. */
typedef struct QIOChannel QIOChannel;
int qio_channel_writev(QIOChannel *ioc);

int tcp_chr_write(QIOChannel *socket_channel)
{
    IO_CODE();
    return qio_channel_writev(socket_channel);
}
