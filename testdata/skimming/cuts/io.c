void main_only(void);

void io_fn reader(void)
{
    main_only();
}
