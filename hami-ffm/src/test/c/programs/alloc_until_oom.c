/*
 * Allocates fixed-size chunks on device 0 until the driver says
 * CUDA_ERROR_OUT_OF_MEMORY, reports what it got, then frees everything.
 *
 * Usage: alloc_until_oom --mode MODE --chunk BYTES [--threads T] [--hold-ms MS]
 *   BYTES may carry a k/m/g suffix; T threads (default 1) allocate concurrently,
 *   each with the primary context current; MS: sleep while still holding.
 *
 * Output (in this order):
 *   mode=<mode>
 *   resolved.<symbol>.lib=, resolved.<symbol>.sym=   where each entry point resolved to
 *   launch_result=<CUresult of one cuLaunchKernel through the resolved pointer>
 *   allocated=<successful allocations>  bytes=<allocated * chunk>  first_oom=<code ending the loop>
 *   free=<cuMemGetInfo free>  total=<cuMemGetInfo total>   (while holding)
 *   devtotal=<cuDeviceTotalMem of device 0>
 *   free_errors=<failed cuMemFree>  free_after=<cuMemGetInfo free after freeing>
 * An allocation error other than OUT_OF_MEMORY prints error=<code> and exits 2.
 */
#include "common.h"

#include <pthread.h>

struct worker {
    const struct cuapi *api;
    CUcontext ctx;
    size_t chunk;
    CUdeviceptr *ptrs;
    size_t count, cap;
    CUresult end; /* result of the allocation that ended the loop */
    const char *failed_at;
};

static void *allocate(void *arg)
{
    struct worker *w = arg;
    CUresult rc = w->api->ctxSetCurrent(w->ctx);
    if (rc != CUDA_SUCCESS) {
        w->end = rc;
        w->failed_at = "cuCtxSetCurrent";
        return NULL;
    }
    for (;;) {
        CUdeviceptr p;
        rc = w->api->memAlloc(&p, w->chunk);
        if (rc != CUDA_SUCCESS) {
            w->end = rc;
            w->failed_at = "cuMemAlloc";
            return NULL;
        }
        if (w->count == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 1024;
            w->ptrs = realloc(w->ptrs, w->cap * sizeof *w->ptrs);
            if (!w->ptrs)
                fail(EXIT_CUDA, "out of host memory");
        }
        w->ptrs[w->count++] = p;
    }
}

int main(int argc, char **argv)
{
    const char *mode = "direct", *v;
    unsigned long long chunk = 0;
    long threads = 1, hold_ms = 0;
    for (int i = 1; i < argc; i++) {
        if ((v = opt_value(argc, argv, &i, "--mode")))
            mode = v;
        else if ((v = opt_value(argc, argv, &i, "--chunk")))
            chunk = parse_size("--chunk", v);
        else if ((v = opt_value(argc, argv, &i, "--threads")))
            threads = parse_long("--threads", v, 1, 1024);
        else if ((v = opt_value(argc, argv, &i, "--hold-ms")))
            hold_ms = parse_long("--hold-ms", v, 0, LONG_MAX / 1000);
        else
            fail(EXIT_USAGE, "usage: %s --mode MODE --chunk BYTES [--threads T] [--hold-ms MS]", argv[0]);
    }
    if (chunk == 0)
        fail(EXIT_USAGE, "--chunk BYTES (> 0) is required");
    output_init();

    struct cuapi api;
    cuapi_load(&api, mode);
    printf("mode=%s\n", mode);
    cuapi_print_resolution(&api);

    CUcontext ctx = cuapi_open_device0(&api);

    static char fake_kernel;
    CUresult rc = api.launchKernel((CUfunction)(void *)&fake_kernel, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, NULL);
    printf("launch_result=%d\n", (int)rc);

    struct worker *w = calloc((size_t)threads, sizeof *w);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!w || !tid)
        fail(EXIT_CUDA, "out of host memory");
    for (long t = 0; t < threads; t++) {
        w[t].api = &api;
        w[t].ctx = ctx;
        w[t].chunk = chunk;
        if (pthread_create(&tid[t], NULL, allocate, &w[t]))
            fail(EXIT_CUDA, "pthread_create failed");
    }
    unsigned long long allocated = 0;
    for (long t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        allocated += w[t].count;
    }
    for (long t = 0; t < threads; t++)
        if (w[t].end != CUDA_ERROR_OUT_OF_MEMORY)
            cu_check(&api, w[t].end, w[t].failed_at);
    printf("allocated=%llu\n", allocated);
    printf("bytes=%llu\n", allocated * chunk);
    printf("first_oom=%d\n", (int)w[0].end);

    size_t free_b, total_b, devtotal;
    cu_check(&api, api.memGetInfo(&free_b, &total_b), "cuMemGetInfo");
    printf("free=%zu\ntotal=%zu\n", free_b, total_b);
    cu_check(&api, api.deviceTotalMem(&devtotal, 0), "cuDeviceTotalMem");
    printf("devtotal=%zu\n", devtotal);

    if (hold_ms)
        sleep_ms(hold_ms);

    unsigned long long free_errors = 0;
    for (long t = 0; t < threads; t++) {
        for (size_t k = 0; k < w[t].count; k++)
            if (api.memFree(w[t].ptrs[k]) != CUDA_SUCCESS)
                free_errors++;
        free(w[t].ptrs);
    }
    printf("free_errors=%llu\n", free_errors);
    cu_check(&api, api.memGetInfo(&free_b, &total_b), "cuMemGetInfo");
    printf("free_after=%zu\n", free_b);
    free(w);
    free(tid);
    return free_errors ? EXIT_CUDA : 0;
}
