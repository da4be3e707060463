void main_only(void);

void also_unrelated(void)
{
    main_only(); // callcheck: ignore called before the I/O threads start
}
