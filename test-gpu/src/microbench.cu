/*
 * microbench.cu - host-side cost of three driver-API calls, for comparing a
 * process with and without the hami preload.
 *
 * Build (on the GPU machine; run.sh does this):
 *   nvcc -O2 -arch=sm_90 -I/usr/local/cuda/include microbench.cu -o microbench \
 *        -L/usr/local/cuda/lib64/stubs -lcuda
 *
 * Everything measured is a direct call into libcuda's exported symbols
 * (cuLaunchKernel, cuMemAlloc_v2, cuMemFree_v2, cuMemGetInfo_v2), which is what
 * an LD_PRELOADed libhami.so interposes. No CUDA runtime API is called: the
 * kernel is an empty PTX entry (sm_90) JIT-loaded with cuModuleLoadData and
 * looked up with cuModuleGetFunction. (nvcc still links its static runtime,
 * because it registers every .cu file's - here empty - fatbin; that runtime
 * is never initialised.)
 *
 * Metrics (host wall time, CLOCK_MONOTONIC):
 *   launch_ns    per cuLaunchKernel of the empty kernel <<<1,1>>> on the NULL
 *                stream, launched back to back; cuCtxSynchronize between
 *                batches, outside the timed region.
 *   allocfree_ns per cuMemAlloc_v2 + cuMemFree_v2 pair (--alloc-bytes, 1 MiB).
 *   meminfo_ns   per cuMemGetInfo_v2 call.
 * Each metric: --warmup untimed batches, then --batches timed batches; the
 * per-call value of a batch is batch time / calls; the median over batches is
 * reported (plus min, max and every batch).
 *
 * Usage: microbench [--batches 20] [--launches 10000] [--pairs 2000]
 *                   [--infos 1000] [--alloc-bytes 1048576] [--warmup 2]
 * Prints human lines on stderr and one JSON object on stdout. Exit 0 on
 * success, 1 when a CUDA call failed (the JSON then says which), 2 on bad args.
 */
#include <cuda.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char kEmptyPtx[] =
    ".version 7.8\n"
    ".target sm_90\n"
    ".address_size 64\n"
    "\n"
    ".visible .entry hami_empty_kernel()\n"
    "{\n"
    "\tret;\n"
    "}\n";

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static const char *err_name(CUresult r)
{
    const char *s = NULL;
    if (cuGetErrorName(r, &s) != CUDA_SUCCESS || s == NULL)
        return "UNKNOWN";
    return s;
}

static int fail(const char *what, CUresult rc)
{
    fprintf(stderr, "microbench: %s failed: %d (%s)\n", what, (int)rc, err_name(rc));
    printf("{\"tool\":\"microbench\",\"ok\":false,\"error\":\"%s\",\"error_rc\":%d,\"error_name\":\"%s\"}\n",
           what, (int)rc, err_name(rc));
    fflush(stdout);
    return 1;
}

/* 1 when a library whose path contains "libhami" is mapped into this process. */
static int hami_mapped(void)
{
    FILE *m = fopen("/proc/self/maps", "r");
    if (!m)
        return -1;
    char line[4096];
    int found = 0;
    while (fgets(line, sizeof line, m))
        if (strstr(line, "libhami")) {
            found = 1;
            break;
        }
    fclose(m);
    return found;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct stats {
    double median, min, max, mean;
};

static struct stats summarize(const double *v, int n)
{
    struct stats s = {0, 0, 0, 0};
    if (n <= 0)
        return s;
    double *t = (double *)malloc((size_t)n * sizeof *t);
    if (!t)
        return s;
    memcpy(t, v, (size_t)n * sizeof *t);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    s.median = (n % 2) ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    s.min = t[0];
    s.max = t[n - 1];
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += t[i];
    s.mean = sum / n;
    free(t);
    return s;
}

static void json_metric(const char *key, const double *v, int n, long calls, int last)
{
    struct stats s = summarize(v, n);
    printf("\"%s\":{\"median\":%.2f,\"min\":%.2f,\"max\":%.2f,\"mean\":%.2f,\"calls_per_batch\":%ld,"
           "\"batches\":[",
           key, s.median, s.min, s.max, s.mean, calls);
    for (int i = 0; i < n; i++)
        printf("%s%.2f", i ? "," : "", v[i]);
    printf("]}%s", last ? "" : ",");
}

static int parse_long(const char *s, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || v < 0)
        return -1;
    *out = v;
    return 0;
}

#define CHECK(call)                                                                                \
    do {                                                                                           \
        CUresult rc_ = (call);                                                                     \
        if (rc_ != CUDA_SUCCESS)                                                                   \
            return fail(#call, rc_);                                                               \
    } while (0)

int main(int argc, char **argv)
{
    long batches = 20, launches = 10000, pairs = 2000, infos = 1000, alloc_bytes = 1 << 20,
         warmup = 2;
    for (int a = 1; a < argc; a++) {
        long *dst = NULL;
        if (strcmp(argv[a], "--batches") == 0)
            dst = &batches;
        else if (strcmp(argv[a], "--launches") == 0)
            dst = &launches;
        else if (strcmp(argv[a], "--pairs") == 0)
            dst = &pairs;
        else if (strcmp(argv[a], "--infos") == 0)
            dst = &infos;
        else if (strcmp(argv[a], "--alloc-bytes") == 0)
            dst = &alloc_bytes;
        else if (strcmp(argv[a], "--warmup") == 0)
            dst = &warmup;
        if (!dst || a + 1 >= argc || parse_long(argv[a + 1], dst) != 0) {
            fprintf(stderr, "usage: microbench [--batches N] [--launches N] [--pairs N] [--infos N] "
                            "[--alloc-bytes B] [--warmup N]\n");
            return 2;
        }
        a++;
    }
    if (batches < 1 || launches < 1 || pairs < 1 || infos < 1 || alloc_bytes < 1) {
        fprintf(stderr, "microbench: counts must be >= 1\n");
        return 2;
    }

    double t_start = now_ns();
    CUdevice dev;
    CUcontext ctx = NULL;
    CUmodule mod = NULL;
    CUfunction fn = NULL;
    char name[256] = {0};
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
    if (cuDeviceGetName(name, (int)sizeof name - 1, dev) != CUDA_SUCCESS)
        snprintf(name, sizeof name, "?");
    CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
    CHECK(cuCtxSetCurrent(ctx));
    CHECK(cuModuleLoadData(&mod, kEmptyPtx));
    CHECK(cuModuleGetFunction(&fn, mod, "hami_empty_kernel"));
    double t_ready = now_ns();

    size_t mem_free = 0, mem_total = 0;
    CHECK(cuMemGetInfo_v2(&mem_free, &mem_total));

    double *v_launch = (double *)calloc((size_t)batches, sizeof(double));
    double *v_alloc = (double *)calloc((size_t)batches, sizeof(double));
    double *v_info = (double *)calloc((size_t)batches, sizeof(double));
    if (!v_launch || !v_alloc || !v_info) {
        fprintf(stderr, "microbench: out of host memory\n");
        return 1;
    }

    /* (a) kernel launches */
    for (long b = -warmup; b < batches; b++) {
        double t0 = now_ns();
        for (long i = 0; i < launches; i++) {
            CUresult rc = cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL);
            if (rc != CUDA_SUCCESS)
                return fail("cuLaunchKernel", rc);
        }
        double t1 = now_ns();
        CHECK(cuCtxSynchronize());
        if (b >= 0)
            v_launch[b] = (t1 - t0) / (double)launches;
    }

    /* (b) cuMemAlloc_v2 + cuMemFree_v2 pairs */
    for (long b = -warmup; b < batches; b++) {
        double t0 = now_ns();
        for (long i = 0; i < pairs; i++) {
            CUdeviceptr p = 0;
            CUresult rc = cuMemAlloc_v2(&p, (size_t)alloc_bytes);
            if (rc != CUDA_SUCCESS)
                return fail("cuMemAlloc_v2", rc);
            rc = cuMemFree_v2(p);
            if (rc != CUDA_SUCCESS)
                return fail("cuMemFree_v2", rc);
        }
        double t1 = now_ns();
        if (b >= 0)
            v_alloc[b] = (t1 - t0) / (double)pairs;
    }

    /* (c) cuMemGetInfo_v2 */
    for (long b = -warmup; b < batches; b++) {
        double t0 = now_ns();
        for (long i = 0; i < infos; i++) {
            size_t f = 0, t = 0;
            CUresult rc = cuMemGetInfo_v2(&f, &t);
            if (rc != CUDA_SUCCESS)
                return fail("cuMemGetInfo_v2", rc);
        }
        double t1 = now_ns();
        if (b >= 0)
            v_info[b] = (t1 - t0) / (double)infos;
    }

    size_t mem_free_end = 0, mem_total_end = 0;
    CHECK(cuMemGetInfo_v2(&mem_free_end, &mem_total_end));
    CHECK(cuModuleUnload(mod));
    cuDevicePrimaryCtxRelease(dev);
    double t_end = now_ns();

    struct stats sl = summarize(v_launch, (int)batches), sa = summarize(v_alloc, (int)batches),
                 si = summarize(v_info, (int)batches);
    fprintf(stderr,
            "microbench: %s: launch %.1f ns, alloc+free %.1f ns, memGetInfo %.1f ns (medians of %ld "
            "batches); memGetInfo free=%zu total=%zu; setup %.1f ms\n",
            name, sl.median, sa.median, si.median, batches, mem_free, mem_total,
            (t_ready - t_start) / 1e6);

    printf("{\"tool\":\"microbench\",\"ok\":true,\"device\":\"");
    for (const char *c = name; *c; c++)
        if (*c != '"' && *c != '\\' && (unsigned char)*c >= 0x20)
            putchar(*c);
    printf("\",\"hami_mapped\":%d,\"params\":{", hami_mapped());
    printf("\"batches\":%ld,\"launches\":%ld,\"pairs\":%ld,\"infos\":%ld,"
           "\"alloc_bytes\":%ld,\"warmup\":%ld},",
           batches, launches, pairs, infos, alloc_bytes, warmup);
    printf("\"mem_free\":%zu,\"mem_total\":%zu,\"mem_free_end\":%zu,\"mem_total_end\":%zu,", mem_free,
           mem_total, mem_free_end, mem_total_end);
    printf("\"setup_ms\":%.3f,\"total_ms\":%.3f,", (t_ready - t_start) / 1e6, (t_end - t_start) / 1e6);
    json_metric("launch_ns", v_launch, (int)batches, launches, 0);
    json_metric("allocfree_ns", v_alloc, (int)batches, pairs, 0);
    json_metric("meminfo_ns", v_info, (int)batches, infos, 1);
    printf("}\n");
    fflush(stdout);
    free(v_launch);
    free(v_alloc);
    free(v_info);
    return 0;
}
