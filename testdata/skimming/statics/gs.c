void main_only(void)
{
    GS_ONLY();
}
