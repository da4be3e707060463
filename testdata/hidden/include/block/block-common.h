/* Function specifiers, as in QEMU: aliases of the coroutine attributes. */
#define coroutine_fn
#define no_coroutine_fn
#define coroutine_mixed_fn

#define co_wrapper                     no_coroutine_fn
#define co_wrapper_mixed               no_coroutine_fn coroutine_mixed_fn
#define no_co_wrapper

/* A cycle: each word stands for the other, and one of them for coroutine_fn too. */
#define co_loop_a                      co_loop_b coroutine_fn
#define co_loop_b                      co_loop_a

/* Not aliases: a constant and an expression. */
#define BDRV_SECTOR_SIZE 512
#define BDRV_O_RDWR (1 << 1)
