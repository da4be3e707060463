#ifndef CO_H
#define CO_H

#define coroutine_fn
#define no_coroutine_fn
#define coroutine_mixed_fn

int coroutine_fn co_read(int fd);
int coroutine_mixed_fn co_maybe(int fd);
int step_split(int fd,
               int len);
struct Req *make_req(int fd);
void no_coroutine_fn blocking_wait(int fd);
int plain_entry(int fd);

#endif
