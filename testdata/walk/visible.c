void gs(void)
{
    GLOBAL_STATE_CODE();
}
