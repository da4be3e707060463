void main_only(void);

void unrelated(void)
{
    main_only();
}

void lonely(void)
{
    main_only();
}
