/*
 * mock_cuda.c - a fake libcuda.so.1 for checking test-gpu/ without a GPU
 * (selftest.sh only; never used on the GPU machine). It implements just the
 * driver calls that fill_limit.c, microbench.cu and the fake torch use, on a
 * pretend 81559 MiB device. Real sizes (cuMemGetAddressRange_v2): requests
 * <= 1 MiB round up to 4 KiB, larger ones to 2 MiB. Retaining the primary
 * context uses 512 MiB (a pretend context overhead).
 */
#include <cuda.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024ull)
static const size_t kTotal = 81559ull * MIB;
static size_t used;
static int ctx_refs;
static uintptr_t next_addr = 0x7f0000000000ull;

struct blk {
    CUdeviceptr p;
    size_t sz;
};
static struct blk *blks;
static size_t nblk, capblk;

static size_t real_size(size_t n)
{
    size_t g = n <= MIB ? 4096 : 2 * MIB;
    return (n + g - 1) / g * g;
}

CUresult cuInit(unsigned int f) { (void)f; return CUDA_SUCCESS; }
CUresult cuDeviceGet(CUdevice *d, int o) { if (o != 0) return CUDA_ERROR_INVALID_DEVICE; *d = 0; return CUDA_SUCCESS; }
CUresult cuDeviceGetName(char *n, int len, CUdevice d) { (void)d; snprintf(n, (size_t)len, "Mock H100 80GB HBM3"); return CUDA_SUCCESS; }
CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d)
{
    (void)d;
    if (ctx_refs++ == 0)
        used += 512 * MIB;
    *c = (CUcontext)(uintptr_t)0x1000;
    return CUDA_SUCCESS;
}
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) { (void)d; if (ctx_refs > 0 && --ctx_refs == 0) used -= 512 * MIB; return CUDA_SUCCESS; }
CUresult cuCtxSetCurrent(CUcontext c) { (void)c; return CUDA_SUCCESS; }
CUresult cuCtxSynchronize(void) { return CUDA_SUCCESS; }
CUresult cuDeviceTotalMem_v2(size_t *b, CUdevice d) { (void)d; *b = kTotal; return CUDA_SUCCESS; }
CUresult cuMemGetInfo_v2(size_t *f, size_t *t)
{
    if (!ctx_refs) return CUDA_ERROR_INVALID_CONTEXT;
    *f = kTotal - used;
    *t = kTotal;
    return CUDA_SUCCESS;
}
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n)
{
    if (!ctx_refs) return CUDA_ERROR_INVALID_CONTEXT;
    if (n == 0) return CUDA_ERROR_INVALID_VALUE;
    size_t r = real_size(n);
    if (used + r > kTotal) return CUDA_ERROR_OUT_OF_MEMORY;
    if (nblk == capblk) {
        capblk = capblk ? capblk * 2 : 256;
        blks = realloc(blks, capblk * sizeof *blks);
    }
    next_addr = (next_addr + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
    blks[nblk].p = (CUdeviceptr)next_addr;
    blks[nblk].sz = r;
    nblk++;
    *p = (CUdeviceptr)next_addr;
    next_addr += r;
    used += r;
    return CUDA_SUCCESS;
}
CUresult cuMemFree_v2(CUdeviceptr p)
{
    for (size_t i = 0; i < nblk; i++)
        if (blks[i].p == p) {
            used -= blks[i].sz;
            blks[i] = blks[--nblk];
            return CUDA_SUCCESS;
        }
    return CUDA_ERROR_INVALID_VALUE;
}
CUresult cuMemGetAddressRange_v2(CUdeviceptr *base, size_t *sz, CUdeviceptr p)
{
    for (size_t i = 0; i < nblk; i++)
        if (p >= blks[i].p && p < blks[i].p + blks[i].sz) {
            if (base) *base = blks[i].p;
            if (sz) *sz = blks[i].sz;
            return CUDA_SUCCESS;
        }
    return CUDA_ERROR_NOT_FOUND;
}
CUresult cuModuleLoadData(CUmodule *m, const void *img)
{
    if (!img || !strstr((const char *)img, ".entry")) return CUDA_ERROR_INVALID_IMAGE;
    *m = (CUmodule)(uintptr_t)0x2000;
    return CUDA_SUCCESS;
}
CUresult cuModuleGetFunction(CUfunction *f, CUmodule m, const char *name)
{
    (void)m;
    if (strcmp(name, "hami_empty_kernel") != 0) return CUDA_ERROR_NOT_FOUND;
    *f = (CUfunction)(uintptr_t)0x3000;
    return CUDA_SUCCESS;
}
CUresult cuModuleUnload(CUmodule m) { (void)m; return CUDA_SUCCESS; }
static volatile unsigned sink;
CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                        unsigned bz, unsigned sh, CUstream s, void **a, void **e)
{
    (void)gx; (void)gy; (void)gz; (void)bx; (void)by; (void)bz; (void)sh; (void)s; (void)a; (void)e;
    if (!f) return CUDA_ERROR_INVALID_HANDLE;
    for (int i = 0; i < 50; i++) sink += (unsigned)i;
    return CUDA_SUCCESS;
}
/* Also resolved by the real hami-ffm bindings at boot (so the real distribution can run on this mock). */
CUresult cuDriverGetVersion(int *v) { *v = 13000; return CUDA_SUCCESS; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return CUDA_SUCCESS; }
CUresult cuDeviceGetUuid_v2(CUuuid *u, CUdevice d) { (void)d; memset(u, 0x42, sizeof *u); return CUDA_SUCCESS; }
CUresult cuDeviceGetAttribute(int *v, CUdevice_attribute a, CUdevice d) { (void)a; (void)d; *v = 0; return CUDA_SUCCESS; }
CUresult cuCtxGetCurrent(CUcontext *c) { *c = ctx_refs ? (CUcontext)(uintptr_t)0x1000 : NULL; return CUDA_SUCCESS; }
CUresult cuCtxGetDevice(CUdevice *d) { if (!ctx_refs) return CUDA_ERROR_INVALID_CONTEXT; *d = 0; return CUDA_SUCCESS; }
CUresult cuLaunchKernel_ptsz(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                             unsigned bz, unsigned sh, CUstream s, void **a, void **e)
{
    return cuLaunchKernel(f, gx, gy, gz, bx, by, bz, sh, s, a, e);
}
CUresult cuGetProcAddress_v2(const char *sym, void **pfn, int v, cuuint64_t fl, CUdriverProcAddressQueryResult *st)
{
    (void)sym; (void)v; (void)fl;
    *pfn = NULL;
    if (st) *st = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    return CUDA_ERROR_NOT_FOUND;
}
CUresult cuGetErrorString(CUresult r, const char **s) { return cuGetErrorName(r, s); }

CUresult cuGetErrorName(CUresult r, const char **s)
{
    switch (r) {
    case CUDA_SUCCESS: *s = "CUDA_SUCCESS"; break;
    case CUDA_ERROR_OUT_OF_MEMORY: *s = "CUDA_ERROR_OUT_OF_MEMORY"; break;
    case CUDA_ERROR_INVALID_VALUE: *s = "CUDA_ERROR_INVALID_VALUE"; break;
    case CUDA_ERROR_INVALID_CONTEXT: *s = "CUDA_ERROR_INVALID_CONTEXT"; break;
    case CUDA_ERROR_NOT_FOUND: *s = "CUDA_ERROR_NOT_FOUND"; break;
    default: *s = "CUDA_ERROR_MOCK_OTHER"; break;
    }
    return CUDA_SUCCESS;
}
