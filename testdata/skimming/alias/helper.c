void main_only(void);

void helper(void)
{
    main_only();
}
