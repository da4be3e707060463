unsigned swap16(unsigned v)
{
    GLOBAL_STATE_CODE();
    return v;
}

unsigned swap32(unsigned v)
{
    return v;
}
