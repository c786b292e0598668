/*
 * mock_hami.c - a stand-in libhami.so for checking test-gpu/ without a GPU
 * or Java (selftest.sh only). LD_PRELOADed, it interposes cuMemAlloc_v2,
 * cuMemFree_v2, cuMemGetInfo_v2 and cuDeviceTotalMem_v2 and enforces
 * CUDA_DEVICE_MEMORY_LIMIT (e.g. "4g") by the real size the driver reports,
 * with no context overhead accounted: the behaviour the real product must
 * show. MOCK_HAMI_BROKEN=1 makes it enforce nothing (to see failures
 * reported). No limit: pure pass-through.
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t limit_b, accounted;
static int inited, broken;
static CUresult (*real_alloc)(CUdeviceptr *, size_t);
static CUresult (*real_free)(CUdeviceptr);
static CUresult (*real_info)(size_t *, size_t *);
static CUresult (*real_total)(size_t *, CUdevice);
static CUresult (*real_range)(CUdeviceptr *, size_t *, CUdeviceptr);

static void init(void)
{
    if (inited)
        return;
    inited = 1;
    real_alloc = (CUresult(*)(CUdeviceptr *, size_t))dlsym(RTLD_NEXT, "cuMemAlloc_v2");
    real_free = (CUresult(*)(CUdeviceptr))dlsym(RTLD_NEXT, "cuMemFree_v2");
    real_info = (CUresult(*)(size_t *, size_t *))dlsym(RTLD_NEXT, "cuMemGetInfo_v2");
    real_total = (CUresult(*)(size_t *, CUdevice))dlsym(RTLD_NEXT, "cuDeviceTotalMem_v2");
    real_range = (CUresult(*)(CUdeviceptr *, size_t *, CUdeviceptr))dlsym(RTLD_NEXT, "cuMemGetAddressRange_v2");
    const char *l = getenv("CUDA_DEVICE_MEMORY_LIMIT");
    broken = getenv("MOCK_HAMI_BROKEN") && strcmp(getenv("MOCK_HAMI_BROKEN"), "1") == 0;
    if (l && *l) {
        char *end = NULL;
        unsigned long long v = strtoull(l, &end, 10);
        if (end && (*end == 'g' || *end == 'G'))
            v <<= 30;
        else if (end && (*end == 'm' || *end == 'M'))
            v <<= 20;
        limit_b = (size_t)v;
    }
}

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n)
{
    init();
    CUresult r = real_alloc(p, n);
    if (r != CUDA_SUCCESS || !limit_b || broken)
        return r;
    CUdeviceptr base;
    size_t sz = n;
    real_range(&base, &sz, *p);
    if (accounted + sz > limit_b) {
        real_free(*p);
        *p = 0;
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    accounted += sz;
    return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr p)
{
    init();
    size_t sz = 0;
    CUdeviceptr base;
    if (limit_b && !broken && real_range(&base, &sz, p) == CUDA_SUCCESS)
        accounted -= sz;
    return real_free(p);
}

CUresult cuMemGetInfo_v2(size_t *f, size_t *t)
{
    init();
    CUresult r = real_info(f, t);
    if (r == CUDA_SUCCESS && limit_b && !broken) {
        *t = limit_b;
        *f = limit_b - accounted;
    }
    return r;
}

CUresult cuDeviceTotalMem_v2(size_t *b, CUdevice d)
{
    init();
    CUresult r = real_total(b, d);
    if (r == CUDA_SUCCESS && limit_b && !broken)
        *b = limit_b;
    return r;
}
