/* Firmware built by another toolchain: not QEMU's printf(). */
int printf(const char *fmt, ...)
{
    bdrv_graph_wrlock();
    return 0;
}
