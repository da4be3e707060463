/* A static of the includer, used by the included implementation file, and the other way. */
static void cipher_reset(void)
{
    GLOBAL_STATE_CODE();
}

#include "cipher-impl.c.inc"

void io_cipher(void)
{
    IO_CODE();
    cipher_impl_encrypt();
}
