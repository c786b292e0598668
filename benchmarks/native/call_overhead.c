/*
 * Host time per driver call, for the same binary run natively and under the preload: cuLaunchKernel of a (fake or
 * real) kernel handle and cuMemAlloc_v2 + cuMemFree_v2 pairs. Prints one JSON object.
 *
 *   call_overhead [--batches 30] [--launches 20000] [--pairs 5000] [--bytes 1048576] [--ptx FILE]
 *
 * With --ptx the kernel comes from a real module (GPU machine); without, any non-NULL handle (the fake driver).
 * An "anchor" allocation stays live throughout, so alloc/free pairs measure the driver's sub-allocator rather than
 * page mapping (which dominates and varies when the only allocation of a 2 MiB page is freed).
 */
#include <cuda.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define CHECK(call)                                                                                                \
    do {                                                                                                           \
        CUresult rc_ = (call);                                                                                     \
        if (rc_ != CUDA_SUCCESS) {                                                                                 \
            fprintf(stderr, "%s failed: %d\n", #call, (int)rc_);                                                   \
            return 2;                                                                                              \
        }                                                                                                          \
    } while (0)

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc(1, (size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    return buf;
}

int main(int argc, char **argv) {
    long batches = 30, launches = 20000, pairs = 5000, bytes = 1 << 20;
    const char *ptx = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--batches")) batches = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--launches")) launches = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--pairs")) pairs = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--bytes")) bytes = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--ptx")) ptx = argv[i + 1];
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 1; }
    }
    CUdevice dev;
    CUcontext ctx;
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
    CHECK(cuCtxSetCurrent(ctx));
    CUfunction fn = (CUfunction)(void *)&main; /* the fake driver takes any non-NULL handle */
    if (ptx != NULL) {
        /* looked up at run time: the fake driver of the build machine has no modules */
        void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
        CUresult (*load)(CUmodule *, const void *) = driver ? dlsym(driver, "cuModuleLoadData") : NULL;
        CUresult (*get)(CUfunction *, CUmodule, const char *) = driver ? dlsym(driver, "cuModuleGetFunction") : NULL;
        CUmodule module;
        char *text = read_file(ptx);
        if (text == NULL || load == NULL || get == NULL) { fprintf(stderr, "cannot load %s\n", ptx); return 1; }
        CHECK(load(&module, text));
        CHECK(get(&fn, module, "empty"));
    }
    CUdeviceptr anchor, p;
    CHECK(cuMemAlloc(&anchor, (size_t)bytes));
    double *launch = calloc((size_t)batches, sizeof(double));
    double *pair = calloc((size_t)batches, sizeof(double));
    for (long b = -2; b < batches; b++) { /* two warm-up batches */
        double t0 = now_ns();
        for (long i = 0; i < launches; i++) {
            CHECK(cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL));
        }
        double t1 = now_ns();
        CHECK(cuCtxSynchronize());
        double t2 = now_ns();
        for (long i = 0; i < pairs; i++) {
            CHECK(cuMemAlloc(&p, (size_t)bytes));
            CHECK(cuMemFree(p));
        }
        double t3 = now_ns();
        if (b >= 0) {
            launch[b] = (t1 - t0) / (double)launches;
            pair[b] = (t3 - t2) / (double)pairs;
        }
    }
    CHECK(cuMemFree(anchor));
    printf("{\"launch_ns\":%.2f,\"allocfree_ns\":%.2f,\"batches\":%ld,\"launches\":%ld,\"pairs\":%ld,\"bytes\":%ld}\n",
           median(launch, (int)batches), median(pair, (int)batches), batches, launches, pairs, bytes);
    return 0;
}
