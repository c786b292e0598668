/* hami-ffm trampoline: internal declarations shared by its translation units. */
#ifndef HAMI_H
#define HAMI_H

#include <stdint.h>
#include <stddef.h>
#include <cuda.h>

#define HAMI_HIDDEN __attribute__((visibility("hidden")))

/*
 * The driver functions the trampoline exports and lets Java hook, as X(name, params, args).
 * Until Java installs a hook, each export passes straight to the real driver. The context calls (primary retain and
 * every cuCtxCreate version) are exported so that, under a limit, the first one starts the JVM boot in the background
 * without waiting for it (docs/startup.md); without a limit they are pure pass-through like every other export.
 */
#define HAMI_HOOKS(X) HAMI_FORWARDING_HOOKS(X) HAMI_QUERY_HOOKS(X)

/* Written by hand in trampoline.c: answered from the launch's environment while the JVM is not up yet. */
#define HAMI_QUERY_HOOKS(X) X(cuDeviceTotalMem_v2, (size_t * bytes, CUdevice dev), (bytes, dev))

#define HAMI_FORWARDING_HOOKS(X)                                                                               \
    X(cuInit, (unsigned int flags), (flags))                                                                   \
    X(cuMemAlloc_v2, (CUdeviceptr * dptr, size_t bytesize), (dptr, bytesize))                                  \
    X(cuMemFree_v2, (CUdeviceptr dptr), (dptr))                                                                \
    X(cuMemGetInfo_v2, (size_t * free_bytes, size_t * total_bytes), (free_bytes, total_bytes))                 \
    X(cuLaunchKernel,                                                                                          \
      (CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,      \
       unsigned int bz, unsigned int shmem, CUstream stream, void **params, void **extra),                     \
      (f, gx, gy, gz, bx, by, bz, shmem, stream, params, extra))                                               \
    X(cuLaunchKernel_ptsz,                                                                                     \
      (CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,      \
       unsigned int bz, unsigned int shmem, CUstream stream, void **params, void **extra),                     \
      (f, gx, gy, gz, bx, by, bz, shmem, stream, params, extra))                                               \
    X(cuDevicePrimaryCtxRetain, (CUcontext * pctx, CUdevice dev), (pctx, dev))                                 \
    X(cuCtxCreate_v2, (CUcontext * pctx, unsigned int flags, CUdevice dev), (pctx, flags, dev))                \
    X(cuCtxCreate_v3,                                                                                          \
      (CUcontext * pctx, CUexecAffinityParam * params, int count, unsigned int flags, CUdevice dev),           \
      (pctx, params, count, flags, dev))                                                                       \
    X(cuCtxCreate_v4, (CUcontext * pctx, CUctxCreateParams * params, unsigned int flags, CUdevice dev),        \
      (pctx, params, flags, dev))                                                                              \
    X(cuMemAllocManaged, (CUdeviceptr * dptr, size_t bytesize, unsigned int flags), (dptr, bytesize, flags))   \
    X(cuMemAllocPitch_v2,                                                                                      \
      (CUdeviceptr * dptr, size_t * pitch, size_t width, size_t height, unsigned int element),                 \
      (dptr, pitch, width, height, element))                                                                   \
    X(cuMemAllocAsync, (CUdeviceptr * dptr, size_t bytesize, CUstream stream), (dptr, bytesize, stream))       \
    X(cuMemAllocAsync_ptsz, (CUdeviceptr * dptr, size_t bytesize, CUstream stream), (dptr, bytesize, stream))  \
    X(cuMemAllocFromPoolAsync, (CUdeviceptr * dptr, size_t bytesize, CUmemoryPool pool, CUstream stream),      \
      (dptr, bytesize, pool, stream))                                                                          \
    X(cuMemAllocFromPoolAsync_ptsz, (CUdeviceptr * dptr, size_t bytesize, CUmemoryPool pool, CUstream stream), \
      (dptr, bytesize, pool, stream))                                                                          \
    X(cuMemFreeAsync, (CUdeviceptr dptr, CUstream stream), (dptr, stream))                                     \
    X(cuMemFreeAsync_ptsz, (CUdeviceptr dptr, CUstream stream), (dptr, stream))                                \
    X(cuMemCreate,                                                                                             \
      (CUmemGenericAllocationHandle * handle, size_t size, const CUmemAllocationProp *prop,                    \
       unsigned long long flags),                                                                              \
      (handle, size, prop, flags))                                                                             \
    X(cuMemRelease, (CUmemGenericAllocationHandle handle), (handle))                                           \
    X(cuMemRetainAllocationHandle, (CUmemGenericAllocationHandle * handle, void *addr), (handle, addr))        \
    X(cuMemMap,                                                                                                \
      (CUdeviceptr ptr, size_t size, size_t offset, CUmemGenericAllocationHandle handle,                       \
       unsigned long long flags),                                                                              \
      (ptr, size, offset, handle, flags))                                                                      \
    X(cuMemUnmap, (CUdeviceptr ptr, size_t size), (ptr, size))                                                 \
    X(cuMemImportFromShareableHandle,                                                                          \
      (CUmemGenericAllocationHandle * handle, void *os_handle, CUmemAllocationHandleType type),                \
      (handle, os_handle, type))                                                                           \
    HAMI_MEMORY_PATH_HOOKS(X)                                                                                  \
    HAMI_LAUNCH_HOOKS(X)

/* The launch paths compute sharing times and throttles (docs/compute.md), beside cuLaunchKernel(_ptsz) above. */
#define HAMI_LAUNCH_HOOKS(X)                                                                                   \
    X(cuLaunchKernelEx, (const CUlaunchConfig *config, CUfunction f, void **params, void **extra),              \
      (config, f, params, extra))                                                                              \
    X(cuLaunchKernelEx_ptsz, (const CUlaunchConfig *config, CUfunction f, void **params, void **extra),         \
      (config, f, params, extra))                                                                              \
    X(cuLaunchCooperativeKernel,                                                                               \
      (CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,      \
       unsigned int bz, unsigned int shmem, CUstream stream, void **params),                                   \
      (f, gx, gy, gz, bx, by, bz, shmem, stream, params))                                                      \
    X(cuLaunchCooperativeKernel_ptsz,                                                                          \
      (CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,      \
       unsigned int bz, unsigned int shmem, CUstream stream, void **params),                                   \
      (f, gx, gy, gz, bx, by, bz, shmem, stream, params))                                                      \
    X(cuGraphLaunch, (CUgraphExec exec, CUstream stream), (exec, stream))                                      \
    X(cuGraphLaunch_ptsz, (CUgraphExec exec, CUstream stream), (exec, stream))

/* Issue 3's remaining memory paths: arrays, external memory, IPC (shown, not charged), the ends of contexts
 * (their creation is exported above) (docs/memory.md). */
#define HAMI_MEMORY_PATH_HOOKS(X)                                                                              \
    X(cuArrayCreate_v2, (CUarray * handle, const CUDA_ARRAY_DESCRIPTOR *desc), (handle, desc))                 \
    X(cuArray3DCreate_v2, (CUarray * handle, const CUDA_ARRAY3D_DESCRIPTOR *desc), (handle, desc))             \
    X(cuMipmappedArrayCreate, (CUmipmappedArray * handle, const CUDA_ARRAY3D_DESCRIPTOR *desc, unsigned int levels), \
      (handle, desc, levels))                                                                                  \
    X(cuArrayDestroy, (CUarray array), (array))                                                                \
    X(cuMipmappedArrayDestroy, (CUmipmappedArray array), (array))                                              \
    X(cuImportExternalMemory, (CUexternalMemory * memory, const CUDA_EXTERNAL_MEMORY_HANDLE_DESC *desc),       \
      (memory, desc))                                                                                          \
    X(cuDestroyExternalMemory, (CUexternalMemory memory), (memory))                                            \
    X(cuIpcOpenMemHandle_v2, (CUdeviceptr * dptr, CUipcMemHandle handle, unsigned int flags), (dptr, handle, flags)) \
    X(cuIpcCloseMemHandle, (CUdeviceptr dptr), (dptr))                                                         \
    X(cuDevicePrimaryCtxRelease_v2, (CUdevice dev), (dev))                                                     \
    X(cuCtxDestroy_v2, (CUcontext ctx), (ctx))

enum hami_hook_id {
#define HAMI_ID(name, params, args) HAMI_ID_##name,
    HAMI_HOOKS(HAMI_ID)
#undef HAMI_ID
    HAMI_HOOK_COUNT
};

/* Boot states, as the exports see them. */
enum hami_boot_state {
    HAMI_BOOT_IDLE = 0,     /* no JVM, none asked for */
    HAMI_BOOT_RUNNING = 1,  /* the boot thread is creating the JVM */
    HAMI_BOOT_READY = 2,    /* Java has installed what it decided to install */
    HAMI_BOOT_FAILED = 3,   /* enforcement impossible: decision calls fail with a message */
    HAMI_BOOT_FORKED = 4    /* a child of a booted or booting parent: no JVM here */
};

/*
 * What Java receives, by address, in the system property hami.bridge (never through a symbol lookup).
 * docs/trampoline.md draws it; io.hami.boot.Bridge reads it at these offsets.
 */
struct hami_bridge {
    uint32_t magic;                                  /*  0: HAMI_BRIDGE_MAGIC */
    uint32_t version;                                /*  4: HAMI_BRIDGE_VERSION */
    int (*real_symbol)(const char *name, void **found); /* 8: *found = the real driver's export, or NULL */
    int (*install)(const char *name, void *hook);    /* 16: 0, or -1 for a name the trampoline does not export;
                                                        "hami_exit" takes a void (*)(void), run once at exit() */
    int (*report)(int ok, const char *message);      /* 24: the agent's verdict, before premain returns */
    const char *dist;                                /* 32: the distribution's root directory */
};
#define HAMI_BRIDGE_MAGIC 0x48414d42u /* "HAMB" */
#define HAMI_BRIDGE_VERSION 2u

/* trampoline.c */
HAMI_HIDDEN void *hami_real(const char *name);
HAMI_HIDDEN int hami_exported(const char *name);
HAMI_HIDDEN void *hami_export_for(const char *name, void *found);
HAMI_HIDDEN int hami_install(const char *name, void *hook);
HAMI_HIDDEN void hami_clear_hooks(void);
HAMI_HIDDEN void hami_run_exit_hook(void);
/* LIBCUDA_LOG_LEVEL as HAMi-core reads it: errors always, warnings from 2 (the default), info from 3, debug from 4 */
#define HAMI_LOG_ERROR 0
#define HAMI_LOG_WARN 2
#define HAMI_LOG_INFO 3
#define HAMI_LOG_DEBUG 4
HAMI_HIDDEN void hami_log_at(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define hami_log(...) hami_log_at(HAMI_LOG_WARN, __VA_ARGS__)

/* dlsym.c */
HAMI_HIDDEN void *hami_real_dlsym(void *handle, const char *name);

/* boot.c */
HAMI_HIDDEN int hami_limited(void);
HAMI_HIDDEN int hami_launch_limit(int device, uint64_t *bytes);
HAMI_HIDDEN int hami_boot_wait(void);
HAMI_HIDDEN int hami_boot_wait_for(_Atomic(void *) *hook);
HAMI_HIDDEN void hami_boot_hook_installed(void);
HAMI_HIDDEN void hami_boot_kick(void);
HAMI_HIDDEN const char *hami_boot_message(void);

/* nvml.c: NVML's memory queries, answered in C from the region (docs/memory.md) */
HAMI_HIDDEN int hami_nvml_exported(const char *name);
HAMI_HIDDEN void *hami_nvml_export_for(const char *name, void *found);
HAMI_HIDDEN int hami_visible_index(const char *visible, const char *uuid, unsigned int nvml_index);

/* pool.c: the block pool's entries (include/hami.h), installed by name as "hami_pool_*" */
HAMI_HIDDEN int hami_pool_install(const char *name, void *hook);

#endif
