int gs(void)
{
    GLOBAL_STATE_CODE();
    return 0;
}
