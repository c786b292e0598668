/*
 * Checks the fake driver's own semantics (no trampoline involved). Linked with
 * -lcuda against the fake; run with FAKECUDA_LEDGER set to a fresh file,
 * FAKECUDA_TOTAL_MB=64, FAKECUDA_DEVICES=2 and FAKECUDA_GRANULE=4096 (selftest.sh does).
 * Prints "checks=<n>" and exits 0, or names the first failed check and exits 1.
 */
#define _GNU_SOURCE
#define __CUDA_API_VERSION_INTERNAL 1 /* every ABI version under its exported name */
#include <cuda.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger.h"

#define MiB (1ULL << 20)

static int checks;

#define CHECK(cond)                                                        \
    do {                                                                   \
        checks++;                                                          \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                       \
        }                                                                  \
    } while (0)

static struct fakecuda_ledger *map_ledger(void)
{
    const char *path = getenv("FAKECUDA_LEDGER");
    int fd = path ? open(path, O_RDONLY) : -1;
    if (fd < 0) {
        fprintf(stderr, "FAKECUDA_LEDGER must name the ledger file\n");
        exit(1);
    }
    void *p = mmap(NULL, sizeof(struct fakecuda_ledger), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        exit(1);
    return p;
}

int main(void)
{
    CUdevice dev;
    CUcontext ctx, pctx0, pctx1, cur;
    CUdeviceptr p, q, base;
    CUdeviceptr_v1 p1, base1;
    size_t fr, tot, size;
    unsigned int fr1, tot1, size1;
    int n, v;
    const char *s;
    void *fn;
    CUdriverProcAddressQueryResult st;

    /* Before cuInit: only version, errors and entry point lookup work. */
    CHECK(cuDeviceGetCount(&n) == CUDA_ERROR_NOT_INITIALIZED);
    CHECK(cuMemAlloc_v2(&p, 1) == CUDA_ERROR_NOT_INITIALIZED);
    CHECK(cuDriverGetVersion(&v) == CUDA_SUCCESS && v == 13000);
    CHECK(cuGetErrorName(CUDA_ERROR_OUT_OF_MEMORY, &s) == CUDA_SUCCESS && !strcmp(s, "CUDA_ERROR_OUT_OF_MEMORY"));
    CHECK(cuGetErrorString(CUDA_ERROR_OUT_OF_MEMORY, &s) == CUDA_SUCCESS && !strcmp(s, "out of memory"));
    CHECK(cuGetErrorName((CUresult)12345, &s) == CUDA_ERROR_INVALID_VALUE && s == NULL);
    CHECK(cuGetProcAddress_v2("cuInit", &fn, 13000, 0, &st) == CUDA_SUCCESS && fn == (void *)&cuInit);
    CHECK(cuGetExportTable((const void **)&fn, NULL) == CUDA_ERROR_NOT_SUPPORTED);

    CHECK(cuInit(1) == CUDA_ERROR_INVALID_VALUE);
    CHECK(cuInit(0) == CUDA_SUCCESS);
    CHECK(cuDeviceGetCount(&n) == CUDA_SUCCESS && n == 2);
    CHECK(cuDeviceGet(&dev, 2) == CUDA_ERROR_INVALID_DEVICE);
    char name[32];
    CHECK(cuDeviceGetName(name, sizeof name, 1) == CUDA_SUCCESS && !strcmp(name, "Fake GPU 1"));
    CUuuid u0, u1, u1b;
    CHECK(cuDeviceGetUuid_v2(&u0, 0) == CUDA_SUCCESS && cuDeviceGetUuid_v2(&u1, 1) == CUDA_SUCCESS);
    CHECK(cuDeviceGetUuid(&u1b, 1) == CUDA_SUCCESS && !memcmp(&u1, &u1b, sizeof u1) && memcmp(&u0, &u1, sizeof u0));
    CHECK(cuDeviceTotalMem_v2(&tot, 1) == CUDA_SUCCESS && tot == 64 * MiB);
    CHECK(cuDeviceTotalMem(&tot1, 0) == CUDA_SUCCESS && tot1 == 64 * MiB);
    CHECK(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, 0) == CUDA_SUCCESS && v == 132);

    /* No context yet. */
    CHECK(cuMemAlloc_v2(&p, 1) == CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuMemGetInfo_v2(&fr, &tot) == CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxGetCurrent(&cur) == CUDA_SUCCESS && cur == NULL);

    CHECK(cuDevicePrimaryCtxRetain(&pctx0, 0) == CUDA_SUCCESS);
    CHECK(cuDevicePrimaryCtxRetain(&pctx1, 1) == CUDA_SUCCESS && pctx1 != pctx0);
    CHECK(cuCtxSetCurrent(pctx0) == CUDA_SUCCESS);
    CHECK(cuCtxGetDevice(&dev) == CUDA_SUCCESS && dev == 0);
    CHECK(cuCtxGetDevice_v2(&dev, pctx1) == CUDA_SUCCESS && dev == 1);
    CHECK(cuCtxSynchronize() == CUDA_SUCCESS && cuCtxSynchronize_v2(pctx1) == CUDA_SUCCESS);

    /* Granule rounding (4096), alignment, address ranges, unknown pointers. */
    CHECK(cuMemAlloc_v2(&p, 0) == CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAlloc_v2(&p, 100) == CUDA_SUCCESS && p % 512 == 0 && p > 0xFFFFFFFFULL);
    CHECK(cuMemGetAddressRange_v2(&base, &size, p + 50) == CUDA_SUCCESS && base == p && size == 4096);
    CHECK(cuMemGetAddressRange_v2(&base, &size, p + 4096) == CUDA_ERROR_NOT_FOUND);
    CHECK(cuMemGetInfo_v2(&fr, &tot) == CUDA_SUCCESS && tot == 64 * MiB && fr == 64 * MiB - 4096);
    CHECK(cuMemFree_v2(p + 8) == CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemFree_v2(p) == CUDA_SUCCESS);
    CHECK(cuMemFree_v2(p) == CUDA_ERROR_INVALID_VALUE);
    CHECK(cuMemAlloc_v2(&q, 4096) == CUDA_SUCCESS && q != p);
    CHECK(cuMemFree_v2(q) == CUDA_SUCCESS);

    /* Legacy 32-bit entry points. */
    CHECK(cuMemAlloc(&p1, 5000) == CUDA_SUCCESS && p1 != 0 && p1 % 512 == 0);
    CHECK(cuMemGetAddressRange(&base1, &size1, p1 + 1) == CUDA_SUCCESS && base1 == p1 && size1 == 8192);
    CHECK(cuMemGetInfo(&fr1, &tot1) == CUDA_SUCCESS && fr1 == 64 * MiB - 8192);
    CHECK(cuMemFree(p1) == CUDA_SUCCESS);

    /* Out of memory per device; other devices unaffected. */
    CHECK(cuMemAlloc_v2(&p, 64 * MiB + 1) == CUDA_ERROR_OUT_OF_MEMORY);
    CHECK(cuMemAlloc_v2(&p, 64 * MiB) == CUDA_SUCCESS);
    CHECK(cuMemAlloc_v2(&q, 1) == CUDA_ERROR_OUT_OF_MEMORY);
    CHECK(cuCtxSetCurrent(pctx1) == CUDA_SUCCESS && cuMemAlloc_v2(&q, 1) == CUDA_SUCCESS);
    CHECK(cuMemFree_v2(q) == CUDA_SUCCESS);
    CHECK(cuCtxSetCurrent(pctx0) == CUDA_SUCCESS && cuMemFree_v2(p) == CUDA_SUCCESS);

    /* Every cuCtxCreate ABI; destroying a context frees its memory. */
    CUexecAffinityParam aff = {CU_EXEC_AFFINITY_TYPE_SM_COUNT, {{132}}};
    CUctxCreateParams params = {&aff, 1, NULL};
    CHECK(cuCtxCreate(&ctx, 0, 0) == CUDA_SUCCESS && cuCtxDestroy(ctx) == CUDA_SUCCESS);
    CHECK(cuCtxCreate_v3(&ctx, &aff, 1, 0, 0) == CUDA_SUCCESS && cuCtxDestroy_v2(ctx) == CUDA_SUCCESS);
    CHECK(cuCtxCreate_v4(&ctx, &params, 0, 1) == CUDA_SUCCESS);
    CHECK(cuCtxDestroy_v2(ctx) == CUDA_SUCCESS && cuCtxDestroy_v2(ctx) == CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxCreate_v2(&ctx, 0, 0) == CUDA_SUCCESS && cuCtxGetCurrent(&cur) == CUDA_SUCCESS && cur == ctx);
    CHECK(cuMemAlloc_v2(&p, 10 * MiB) == CUDA_SUCCESS);
    CHECK(cuCtxDestroy_v2(ctx) == CUDA_SUCCESS && cuCtxGetCurrent(&cur) == CUDA_SUCCESS && cur == NULL);
    CHECK(cuCtxDestroy_v2(pctx0) == CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuCtxSetCurrent(pctx0) == CUDA_SUCCESS && cuMemGetInfo_v2(&fr, &tot) == CUDA_SUCCESS && fr == tot);

    /* Releasing the last primary reference frees its memory; retain revives the handle. */
    CHECK(cuMemAlloc_v2(&p, MiB) == CUDA_SUCCESS);
    CHECK(cuDevicePrimaryCtxRelease_v2(0) == CUDA_SUCCESS);
    CHECK(cuMemAlloc_v2(&p, MiB) == CUDA_ERROR_CONTEXT_IS_DESTROYED);
    CHECK(cuDevicePrimaryCtxRelease(0) == CUDA_ERROR_INVALID_CONTEXT);
    CHECK(cuDevicePrimaryCtxRetain(&cur, 0) == CUDA_SUCCESS && cur == pctx0);
    CHECK(cuMemGetInfo_v2(&fr, &tot) == CUDA_SUCCESS && fr == tot);

    CHECK(cuLaunchKernel((CUfunction)(void *)&checks, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL) == CUDA_SUCCESS);
    CHECK(cuLaunchKernel_ptsz(NULL, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL) == CUDA_ERROR_INVALID_HANDLE);

    /* Lookup rules. */
    CHECK(cuGetProcAddress("cuMemAlloc", &fn, 3000, 0) == CUDA_SUCCESS && fn == (void *)&cuMemAlloc);
    CHECK(cuGetProcAddress_v2("cuLaunchKernel", &fn, 13000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, NULL) ==
              CUDA_SUCCESS && fn == (void *)&cuLaunchKernel_ptsz);
    CHECK(cuGetProcAddress_v2("cuLaunchKernel", &fn, 6000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, NULL) ==
              CUDA_SUCCESS && fn == (void *)&cuLaunchKernel);
    CHECK(cuGetProcAddress_v2("cuLaunchKernel", &fn, 3000, 0, &st) == CUDA_ERROR_NOT_FOUND && fn == NULL &&
          st == CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT);
    CHECK(cuGetProcAddress_v2("cuMemAlloc_v2", &fn, 13000, 0, &st) == CUDA_ERROR_NOT_FOUND &&
          st == CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND);
    CHECK(cuGetProcAddress_v2("cuMemAlloc", &fn, 13010, 0, &st) == CUDA_ERROR_INVALID_VALUE && fn == NULL);
    CHECK(cuGetProcAddress_v2("cuMemAlloc", &fn, 13000, 4, &st) == CUDA_ERROR_INVALID_VALUE);

    /* The ledger: a child that exits holding memory gives it back. */
    struct fakecuda_ledger *l = map_ledger();
    CHECK(atomic_load(&l->dev[0].live) == 0 && atomic_load(&l->dev[0].hwm) == 64 * MiB);
    CHECK(atomic_load(&l->dev[1].hwm) == 4096 && atomic_load(&l->devices) == 2);
    CHECK(atomic_load(&l->calls[FAKECUDA_FN_cuMemAlloc]) == 1);
    CHECK(atomic_load(&l->calls[FAKECUDA_FN_cuLaunchKernel_ptsz]) == 1);
    CHECK(cuMemAlloc_v2(&p, 3 * MiB) == CUDA_SUCCESS && atomic_load(&l->dev[0].live) == 3 * MiB);
    pid_t child = fork();
    if (child == 0) {
        /* Not the parent's memory to give back; only its own. */
        if (cuMemAlloc_v2(&q, 5 * MiB) != CUDA_SUCCESS || atomic_load(&l->dev[0].live) != 8 * MiB)
            _exit(3);
        exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(atomic_load(&l->dev[0].live) == 3 * MiB && atomic_load(&l->dev[0].hwm) == 64 * MiB);
    CHECK(cuMemFree_v2(p) == CUDA_SUCCESS && atomic_load(&l->dev[0].live) == 0);

    printf("checks=%d\n", checks);
    return 0;
}
