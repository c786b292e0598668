/*
 * exit() with frees still to come: an atexit handler registered before the first CUDA call (so it runs after any
 * handler the preload registers later, as C++ static destructors do) frees every allocation after main returns.
 *
 * Usage: exit_host --mode MODE --chunk BYTES --count N
 * Output: allocated=<n>  (then, from the handler, on stderr only: nothing unless a free fails)
 * Exit status: 0, or 5 when a free in the handler failed.
 */
#include "common.h"

#include <unistd.h>

static struct cuapi api;
static CUdeviceptr ptrs[1024];
static size_t count;

static void free_all(void)
{
    for (size_t i = 0; i < count; i++) {
        CUresult rc = api.memFree(ptrs[i]);
        if (rc != CUDA_SUCCESS) {
            fprintf(stderr, "exit_host: cuMemFree in atexit failed: %d\n", (int)rc);
            _exit(5);
        }
    }
}

int main(int argc, char **argv)
{
    const char *mode = "direct";
    size_t chunk = 1 << 20;
    long wanted = 4;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = opt_value(argc, argv, &i, "--mode")))
            mode = v;
        else if ((v = opt_value(argc, argv, &i, "--chunk")))
            chunk = (size_t)parse_size("--chunk", v);
        else if ((v = opt_value(argc, argv, &i, "--count")))
            wanted = parse_long("--count", v, 1, 1024);
        else
            fail(EXIT_USAGE, "usage: exit_host --mode MODE --chunk BYTES --count N");
    }
    output_init();
    atexit(free_all);
    cuapi_load(&api, mode);
    cuapi_open_device0(&api);
    while ((long)count < wanted) {
        cu_check(&api, api.memAlloc(&ptrs[count], chunk), "cuMemAlloc");
        count++;
    }
    printf("allocated=%zu\n", count);
    return 0; /* exit(): the preload's handler, then free_all */
}
