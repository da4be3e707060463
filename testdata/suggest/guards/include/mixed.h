/* read_all() gets coroutine_mixed_fn here too. */
int read_all(int fd);
