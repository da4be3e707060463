/* Reached by no checked function, yet its contexts disagree: the warning is given all the
   same. */
void confused(void)
{
    GS_ONLY();
    EITHER();
}
