void main_only(void);

void unrelated(void)
{
    main_only();
}
