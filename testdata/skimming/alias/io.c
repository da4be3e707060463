#define my_io io_fn

void helper(void);

void my_io reader(void)
{
    helper();
}
