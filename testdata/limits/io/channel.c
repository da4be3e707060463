/* An I/O channel class: sockets, TLS, and migration's block channel bind io_writev. */
typedef struct QIOChannel QIOChannel;

typedef struct QIOChannelClass {
    int (*io_writev)(QIOChannel *ioc);
} QIOChannelClass;

struct QIOChannel {
    QIOChannelClass *klass;
};

int qio_channel_writev(QIOChannel *ioc)
{
    return ioc->klass->io_writev(ioc);
}

static int qio_channel_socket_writev(QIOChannel *ioc)
{
    return 0;
}

static QIOChannelClass socket_class = {
    .io_writev = qio_channel_socket_writev,
};
