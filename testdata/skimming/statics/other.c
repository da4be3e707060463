/* Namesakes of the helper and of the step, static, in a file nothing includes: no other file
   can call them, so their bodies are not read again. */
static void helper(void)
{
}

static void step(void)
{
    helper();
}

void other_user(void)
{
    step();
}
