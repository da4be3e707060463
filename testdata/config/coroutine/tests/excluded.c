/* Excluded by the configuration: this violation is never reported. */
void excluded_plain(void)
{
    co_read(1);
}
