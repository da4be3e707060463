/* A mixed wrapper with no context of its own (see callcheck.toml). */
int mixed_wrapper bdrv_flush(void *bs);
