/* A macro in a header: every file that includes it sees it. */
#define TRACE_STATE(s) trace_state_change(s)

/* A header that uses a macro it does not define or include itself (QEMU's headers rely on
 * osdep.h coming first): the file sees no definition of DPRINTF, so every one applies. */
static inline void header_helper(void)
{
    IO_CODE();
    DPRINTF("header\n");
}
