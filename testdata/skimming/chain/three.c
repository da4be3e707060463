void main_only(void);

void step2(void)
{
    main_only();
}
