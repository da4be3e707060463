/* Reached by nothing and carrying no context: left out of the graph. */
void plain(void)
{
}
