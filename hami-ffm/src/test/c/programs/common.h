/*
 * Shared by the test programs: reaching the driver in one of four ways
 * (--mode), argument parsing and key=value output.
 *
 *   direct         call the exported symbols by name (program linked with -lcuda)
 *   dlsym          dlopen("libcuda.so.1") + dlsym(handle, "<name>")
 *   procaddr       dlsym only cuGetProcAddress_v2, look up "cuGetProcAddress"
 *                  through it (version 12000) and resolve everything else through
 *                  the result, with cudaVersion 13000 and flags 0, as CUDA runtime 13 does
 *   procaddr-ptsz  as procaddr, with CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM
 *
 * Built with -DNO_LIBCUDA a program does not reference the driver's symbols
 * and links without -lcuda (like an application using the CUDA runtime, which
 * dlopens the driver); --mode direct then fails with exit status 3.
 *
 * Exit statuses: 0 success, 1 usage, 2 CUDA call failed, 3 driver not reachable.
 */
#ifndef FAKECUDA_PROGRAMS_COMMON_H
#define FAKECUDA_PROGRAMS_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <cuda.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXIT_USAGE 1
#define EXIT_CUDA 2
#define EXIT_UNREACHABLE 3

#define PROCADDR_SELF_VERSION 12000
#define PROCADDR_VERSION 13000

typedef CUresult (*pfn_cuGetProcAddress_v2)(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *);

struct cuapi {
    const char *mode;
    CUresult (*init)(unsigned int);
    CUresult (*deviceGet)(CUdevice *, int);
    CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
    CUresult (*ctxSetCurrent)(CUcontext);
    CUresult (*memAlloc)(CUdeviceptr *, size_t);
    CUresult (*memFree)(CUdeviceptr);
    CUresult (*memGetInfo)(size_t *, size_t *);
    CUresult (*deviceTotalMem)(size_t *, CUdevice);
    CUresult (*launchKernel)(CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int,
                             unsigned int, unsigned int, CUstream, void **, void **);
    CUresult (*getErrorName)(CUresult, const char **);
};

/* dlsym name (exported symbol) and cuGetProcAddress base name of each member. */
#define CUAPI_MEMBERS(X)                                              \
    X(init, "cuInit", "cuInit")                                       \
    X(deviceGet, "cuDeviceGet", "cuDeviceGet")                        \
    X(primaryCtxRetain, "cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRetain") \
    X(ctxSetCurrent, "cuCtxSetCurrent", "cuCtxSetCurrent")            \
    X(memAlloc, "cuMemAlloc_v2", "cuMemAlloc")                        \
    X(memFree, "cuMemFree_v2", "cuMemFree")                           \
    X(memGetInfo, "cuMemGetInfo_v2", "cuMemGetInfo")                  \
    X(deviceTotalMem, "cuDeviceTotalMem_v2", "cuDeviceTotalMem")      \
    X(launchKernel, "cuLaunchKernel", "cuLaunchKernel")               \
    X(getErrorName, "cuGetErrorName", "cuGetErrorName")

static inline void fail(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static inline void fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

/* Java reads the output while the program may still be holding memory. */
static inline void output_init(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Library basename and symbol of a code address, "none" where unknown. */
static inline void describe_addr(const void *p, const char **lib, const char **sym)
{
    Dl_info info;
    *lib = *sym = "none";
    if (p && dladdr(p, &info)) {
        if (info.dli_fname && *info.dli_fname)
            *lib = base_name(info.dli_fname);
        if (info.dli_sname)
            *sym = info.dli_sname;
    }
}

static inline const char *cu_name(const struct cuapi *api, CUresult rc)
{
    const char *s = NULL;
    if (!api->getErrorName || api->getErrorName(rc, &s) != CUDA_SUCCESS || !s)
        return "?";
    return s;
}

/* Fatal CUDA error: error=/error_at= on stdout for the test, detail on stderr. */
static inline void cu_check(const struct cuapi *api, CUresult rc, const char *what)
{
    if (rc == CUDA_SUCCESS)
        return;
    printf("error=%d\nerror_at=%s\n", (int)rc, what);
    fflush(stdout);
    fail(EXIT_CUDA, "%s failed: %d (%s)", what, (int)rc, cu_name(api, rc));
}

static inline void *open_libcuda(void)
{
    void *h = dlopen("libcuda.so.1", RTLD_NOW);
    if (!h)
        fail(EXIT_UNREACHABLE, "dlopen(libcuda.so.1): %s", dlerror());
    return h;
}

static inline void load_direct(struct cuapi *api)
{
#ifdef NO_LIBCUDA
    (void)api;
    fail(EXIT_UNREACHABLE, "--mode direct: built with -DNO_LIBCUDA, not linked against libcuda");
#else
    api->init = cuInit;
    api->deviceGet = cuDeviceGet;
    api->primaryCtxRetain = cuDevicePrimaryCtxRetain;
    api->ctxSetCurrent = cuCtxSetCurrent;
    api->memAlloc = cuMemAlloc_v2;
    api->memFree = cuMemFree_v2;
    api->memGetInfo = cuMemGetInfo_v2;
    api->deviceTotalMem = cuDeviceTotalMem_v2;
    api->launchKernel = cuLaunchKernel;
    api->getErrorName = cuGetErrorName;
#endif
}

static inline void load_dlsym(struct cuapi *api)
{
    void *h = open_libcuda();
    void *p;
#define LOAD_DLSYM(member, sym, base)                                  \
    if (!(p = dlsym(h, sym)))                                          \
        fail(EXIT_UNREACHABLE, "dlsym(libcuda, %s): %s", sym, dlerror()); \
    memcpy(&api->member, &p, sizeof p);
    CUAPI_MEMBERS(LOAD_DLSYM)
#undef LOAD_DLSYM
}

/* Returns the cuGetProcAddress_v2 found by the self-lookup. */
static inline pfn_cuGetProcAddress_v2 procaddr_self(void)
{
    void *h = open_libcuda();
    void *p = dlsym(h, "cuGetProcAddress_v2");
    if (!p)
        fail(EXIT_UNREACHABLE, "dlsym(libcuda, cuGetProcAddress_v2): %s", dlerror());
    pfn_cuGetProcAddress_v2 gpa;
    memcpy(&gpa, &p, sizeof p);

    void *self = NULL;
    CUdriverProcAddressQueryResult st = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    CUresult rc = gpa("cuGetProcAddress", &self, PROCADDR_SELF_VERSION, CU_GET_PROC_ADDRESS_DEFAULT, &st);
    if (rc != CUDA_SUCCESS || st != CU_GET_PROC_ADDRESS_SUCCESS || !self)
        fail(EXIT_UNREACHABLE, "cuGetProcAddress_v2(cuGetProcAddress, %d): result=%d status=%d",
             PROCADDR_SELF_VERSION, (int)rc, (int)st);
    memcpy(&gpa, &self, sizeof self);
    return gpa;
}

static inline void load_procaddr(struct cuapi *api, cuuint64_t flags)
{
    pfn_cuGetProcAddress_v2 gpa = procaddr_self();
    void *p;
    CUdriverProcAddressQueryResult st;
    CUresult rc;
#define LOAD_PROCADDR(member, sym, base)                                                      \
    p = NULL;                                                                                 \
    st = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;                                                \
    rc = gpa(base, &p, PROCADDR_VERSION, flags, &st);                                         \
    if (rc != CUDA_SUCCESS || st != CU_GET_PROC_ADDRESS_SUCCESS || !p)                        \
        fail(EXIT_UNREACHABLE, "cuGetProcAddress(%s, %d, %llu): result=%d status=%d", base,   \
             PROCADDR_VERSION, (unsigned long long)flags, (int)rc, (int)st);                  \
    memcpy(&api->member, &p, sizeof p);
    CUAPI_MEMBERS(LOAD_PROCADDR)
#undef LOAD_PROCADDR
}

static inline void cuapi_load(struct cuapi *api, const char *mode)
{
    memset(api, 0, sizeof *api);
    api->mode = mode;
    if (!strcmp(mode, "direct"))
        load_direct(api);
    else if (!strcmp(mode, "dlsym"))
        load_dlsym(api);
    else if (!strcmp(mode, "procaddr"))
        load_procaddr(api, CU_GET_PROC_ADDRESS_DEFAULT);
    else if (!strcmp(mode, "procaddr-ptsz"))
        load_procaddr(api, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM);
    else
        fail(EXIT_USAGE, "unknown --mode %s (direct, dlsym, procaddr, procaddr-ptsz)", mode);
}

/* resolved.<dlsym name>.lib=<library basename> and .sym=<symbol> of each entry point in use. */
static inline void cuapi_print_resolution(const struct cuapi *api)
{
    const char *lib, *sym;
    void *p;
#define PRINT_RESOLUTION(member, name, base)                     \
    memcpy(&p, &api->member, sizeof p);                          \
    describe_addr(p, &lib, &sym);                                \
    printf("resolved.%s.lib=%s\nresolved.%s.sym=%s\n", name, lib, name, sym);
    CUAPI_MEMBERS(PRINT_RESOLUTION)
#undef PRINT_RESOLUTION
}

/* Matches "--name value" or "--name=value" at argv[*i]; advances *i past the value. */
static inline const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        fail(EXIT_USAGE, "%s needs a value", name);
    return argv[++*i];
}

/* Decimal with optional k/m/g (binary) suffix. */
static inline unsigned long long parse_size(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    if (!errno && end != s && *s != '-') {
        switch (*end) {
        case 'k': case 'K': shift = 10; end++; break;
        case 'm': case 'M': shift = 20; end++; break;
        case 'g': case 'G': shift = 30; end++; break;
        default: break;
        }
        if (!*end && v <= (ULLONG_MAX >> shift))
            return v << shift;
    }
    fail(EXIT_USAGE, "%s: not a size: %s", opt, s);
}

static inline long parse_long(const char *opt, const char *s, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        fail(EXIT_USAGE, "%s: expected an integer in %ld..%ld, got %s", opt, min, max, s);
    return v;
}

static inline void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* Init, take device 0's primary context and make it current in the caller. */
static inline CUcontext cuapi_open_device0(const struct cuapi *api)
{
    CUdevice dev;
    CUcontext ctx;
    cu_check(api, api->init(0), "cuInit");
    cu_check(api, api->deviceGet(&dev, 0), "cuDeviceGet");
    cu_check(api, api->primaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
    cu_check(api, api->ctxSetCurrent(ctx), "cuCtxSetCurrent");
    return ctx;
}

#endif
