void error_report(const char *fmt, ...)
{
    error_vprintf(fmt, 0);
}

int error_vprintf(const char *fmt, va_list ap)
{
    Monitor *cur_mon = monitor_cur();

    if (cur_mon && !monitor_cur_is_qmp()) {
        return monitor_vprintf(cur_mon, fmt, ap);
    }
    return vfprintf(stderr, fmt, ap);
}

int monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
{
    bdrv_graph_wrlock();
    return 0;
}
