/*
 * Concurrent allocate/free churn on device 0.
 *
 * Usage: stress --mode MODE --threads T --iters N --chunk-min A --chunk-max B [--seed S]
 *   Each of T threads runs N iterations: allocate a chunk of random size in
 *   [A, B] (k/m/g suffixes allowed) and keep it; when holding 8, free a random
 *   one of them. At the end every thread frees what it holds. Out of memory is
 *   an expected outcome and only counted. Same seed, same sizes.
 *
 * Output: ok_allocs=, oom=, errors= (other allocation failures), free_errors=,
 *         free_after= and total= (cuMemGetInfo after everything was freed).
 * Exit status 2 if errors or free_errors is non-zero.
 */
#include "common.h"

#include <pthread.h>

#define HOLD 8

struct worker {
    const struct cuapi *api;
    CUcontext ctx;
    long iters;
    unsigned long long min, max;
    uint64_t rng;
    unsigned long long ok, oom, errors, free_errors;
};

/* splitmix64: small, seedable, and well distributed even for seeds 0, 1, 2... */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void *churn(void *arg)
{
    struct worker *w = arg;
    CUdeviceptr held[HOLD];
    int n = 0;
    if (w->api->ctxSetCurrent(w->ctx) != CUDA_SUCCESS) {
        w->errors++;
        return NULL;
    }
    for (long i = 0; i < w->iters; i++) {
        if (n == HOLD) {
            int victim = (int)(next_random(&w->rng) % HOLD);
            if (w->api->memFree(held[victim]) != CUDA_SUCCESS)
                w->free_errors++;
            held[victim] = held[--n];
        }
        size_t size = (size_t)(w->min + next_random(&w->rng) % (w->max - w->min + 1));
        CUdeviceptr p;
        CUresult rc = w->api->memAlloc(&p, size);
        if (rc == CUDA_SUCCESS) {
            held[n++] = p;
            w->ok++;
        } else if (rc == CUDA_ERROR_OUT_OF_MEMORY) {
            w->oom++;
        } else {
            w->errors++;
        }
    }
    while (n > 0)
        if (w->api->memFree(held[--n]) != CUDA_SUCCESS)
            w->free_errors++;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = "direct", *v;
    long threads = 0, iters = -1, seed = 1;
    unsigned long long cmin = 0, cmax = 0;
    for (int i = 1; i < argc; i++) {
        if ((v = opt_value(argc, argv, &i, "--mode")))
            mode = v;
        else if ((v = opt_value(argc, argv, &i, "--threads")))
            threads = parse_long("--threads", v, 1, 4096);
        else if ((v = opt_value(argc, argv, &i, "--iters")))
            iters = parse_long("--iters", v, 0, LONG_MAX);
        else if ((v = opt_value(argc, argv, &i, "--chunk-min")))
            cmin = parse_size("--chunk-min", v);
        else if ((v = opt_value(argc, argv, &i, "--chunk-max")))
            cmax = parse_size("--chunk-max", v);
        else if ((v = opt_value(argc, argv, &i, "--seed")))
            seed = parse_long("--seed", v, LONG_MIN, LONG_MAX);
        else
            fail(EXIT_USAGE, "usage: %s --mode MODE --threads T --iters N --chunk-min A --chunk-max B [--seed S]",
                 argv[0]);
    }
    if (threads == 0 || iters < 0 || cmin == 0 || cmax < cmin)
        fail(EXIT_USAGE, "--threads, --iters, --chunk-min and --chunk-max (>= chunk-min > 0) are required");
    output_init();

    struct cuapi api;
    cuapi_load(&api, mode);
    CUcontext ctx = cuapi_open_device0(&api);

    struct worker *w = calloc((size_t)threads, sizeof *w);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!w || !tid)
        fail(EXIT_CUDA, "out of host memory");
    for (long t = 0; t < threads; t++) {
        w[t].api = &api;
        w[t].ctx = ctx;
        w[t].iters = iters;
        w[t].min = cmin;
        w[t].max = cmax;
        w[t].rng = (uint64_t)seed * 1000003u + (uint64_t)t;
        if (pthread_create(&tid[t], NULL, churn, &w[t]))
            fail(EXIT_CUDA, "pthread_create failed");
    }
    unsigned long long ok = 0, oom = 0, errors = 0, free_errors = 0;
    for (long t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        ok += w[t].ok;
        oom += w[t].oom;
        errors += w[t].errors;
        free_errors += w[t].free_errors;
    }
    printf("ok_allocs=%llu\noom=%llu\nerrors=%llu\nfree_errors=%llu\n", ok, oom, errors, free_errors);

    size_t free_b, total_b;
    cu_check(&api, api.memGetInfo(&free_b, &total_b), "cuMemGetInfo");
    printf("free_after=%zu\ntotal=%zu\n", free_b, total_b);
    free(w);
    free(tid);
    return errors || free_errors ? EXIT_CUDA : 0;
}
