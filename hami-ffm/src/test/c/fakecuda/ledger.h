/*
 * Layout of the fake driver's cross-process ledger (env FAKECUDA_LEDGER).
 *
 * The file is mmap'ed MAP_SHARED by every process that loads the fake
 * libcuda.so.1 and by ledger_dump. An all-zero file is a valid empty ledger,
 * so processes racing to create it need no further coordination. Every field
 * is a lock-free 64-bit atomic; the layout only grows by bumping the version
 * that is folded into the magic.
 *
 * Deliberately independent of cuda.h: ledger_dump includes it alone.
 */
#ifndef FAKECUDA_LEDGER_H
#define FAKECUDA_LEDGER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* "FCLEDG" followed by the layout version (01). */
#define FAKECUDA_LEDGER_MAGIC 0x46434c4544470002ULL
#define FAKECUDA_LEDGER_VERSION 2
#define FAKECUDA_MAX_DEVICES 16
#define FAKECUDA_LEDGER_MAX_FUNCS 128
#define FAKECUDA_LEDGER_PROCS 256

/* Every function the fake driver exports, in ledger slot order. */
#define FAKECUDA_FUNCS(X)            \
    X(cuInit)                        \
    X(cuDriverGetVersion)            \
    X(cuDeviceGet)                   \
    X(cuDeviceGetCount)              \
    X(cuDeviceGetName)               \
    X(cuDeviceGetUuid)               \
    X(cuDeviceGetUuid_v2)            \
    X(cuDeviceTotalMem)              \
    X(cuDeviceTotalMem_v2)           \
    X(cuDeviceGetAttribute)          \
    X(cuDevicePrimaryCtxRetain)      \
    X(cuDevicePrimaryCtxRelease)     \
    X(cuDevicePrimaryCtxRelease_v2)  \
    X(cuCtxCreate)                   \
    X(cuCtxCreate_v2)                \
    X(cuCtxCreate_v3)                \
    X(cuCtxCreate_v4)                \
    X(cuCtxDestroy)                  \
    X(cuCtxDestroy_v2)               \
    X(cuCtxGetCurrent)               \
    X(cuCtxSetCurrent)               \
    X(cuCtxGetDevice)                \
    X(cuCtxGetDevice_v2)             \
    X(cuCtxSynchronize)              \
    X(cuCtxSynchronize_v2)           \
    X(cuMemAlloc)                    \
    X(cuMemAlloc_v2)                 \
    X(cuMemFree)                     \
    X(cuMemFree_v2)                  \
    X(cuMemGetInfo)                  \
    X(cuMemGetInfo_v2)               \
    X(cuMemGetAddressRange)          \
    X(cuMemGetAddressRange_v2)       \
    X(cuLaunchKernel)                \
    X(cuLaunchKernel_ptsz)           \
    X(cuGetProcAddress)              \
    X(cuGetProcAddress_v2)           \
    X(cuGetErrorName)                \
    X(cuGetErrorString)              \
    X(cuGetExportTable)              \
    X(cuMemAllocManaged)             \
    X(cuMemAllocPitch_v2)            \
    X(cuMemAllocAsync)               \
    X(cuMemAllocAsync_ptsz)          \
    X(cuMemAllocFromPoolAsync)       \
    X(cuMemAllocFromPoolAsync_ptsz)  \
    X(cuMemFreeAsync)                \
    X(cuMemFreeAsync_ptsz)           \
    X(cuMemGetAllocationGranularity) \
    X(cuMemCreate)                   \
    X(cuMemRelease)                  \
    X(cuMemAddressReserve)           \
    X(cuMemAddressFree)              \
    X(cuMemMap)                      \
    X(cuMemUnmap)                    \
    X(cuMemSetAccess)                \
    X(cuMemRetainAllocationHandle)   \
    X(cuMemExportToShareableHandle)  \
    X(cuMemImportFromShareableHandle)        \
    X(cuArrayCreate_v2)                      \
    X(cuArray3DCreate_v2)                    \
    X(cuMipmappedArrayCreate)                \
    X(cuArrayDestroy)                        \
    X(cuMipmappedArrayDestroy)               \
    X(cuArrayGetMemoryRequirements)          \
    X(cuMipmappedArrayGetMemoryRequirements) \
    X(cuImportExternalMemory)                \
    X(cuDestroyExternalMemory)               \
    X(cuMemAdvise_v2)                        \
    X(cuIpcGetMemHandle)                     \
    X(cuIpcOpenMemHandle_v2)                 \
    X(cuIpcCloseMemHandle)                   \
    X(cuDevicePrimaryCtxGetState)            \
    X(cuCtxPushCurrent_v2)                   \
    X(cuCtxPopCurrent_v2)

enum fakecuda_fn {
#define FAKECUDA_FN_ENUM(name) FAKECUDA_FN_##name,
    FAKECUDA_FUNCS(FAKECUDA_FN_ENUM)
#undef FAKECUDA_FN_ENUM
    FAKECUDA_FN_COUNT
};

_Static_assert(FAKECUDA_FN_COUNT <= FAKECUDA_LEDGER_MAX_FUNCS, "ledger call table too small");
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2 && sizeof(unsigned long) == 8,
               "the ledger needs address-free 64-bit atomics");

/* Per device; all byte counts are granule-rounded ("what the driver reserves"). */
struct fakecuda_ledger_dev {
    _Atomic uint64_t total;    /* device memory size as configured by the last process to attach */
    _Atomic uint64_t live;     /* bytes allocated and not yet freed, all processes */
    _Atomic uint64_t hwm;      /* high-water mark of live */
    _Atomic uint64_t allocs;   /* successful allocations */
    _Atomic uint64_t frees;    /* successful frees (including context teardown and process exit) */
    _Atomic uint64_t ooms;     /* allocations refused with CUDA_ERROR_OUT_OF_MEMORY */
    _Atomic uint64_t launches; /* successful cuLaunchKernel / cuLaunchKernel_ptsz */
    uint64_t reserved[9];
};

/* What one live process holds, so that a process killed by SIGKILL gives its memory back like with a real driver
 * (the kernel driver frees a dead process's memory): any process reaps dead entries before it allocates. */
struct fakecuda_ledger_proc {
    _Atomic uint64_t pid; /* 0: free; UINT64_MAX: being reaped */
    _Atomic uint64_t live[FAKECUDA_MAX_DEVICES];
};

struct fakecuda_ledger {
    _Atomic uint64_t magic;    /* FAKECUDA_LEDGER_MAGIC once any process attached */
    _Atomic uint64_t devices;  /* largest device count any attached process used */
    _Atomic uint64_t attaches; /* processes that mapped the ledger */
    _Atomic uint64_t reaped;   /* dead processes whose memory was given back */
    _Atomic uint64_t lock_state; /* 0: lock not set up, 1: being set up, 2: ready */
    uint64_t reserved[3];
    struct fakecuda_ledger_dev dev[FAKECUDA_MAX_DEVICES];
    /* Calls per exported function, indexed by enum fakecuda_fn, counted on
     * entry (also calls that fail, e.g. before cuInit). */
    _Atomic uint64_t calls[FAKECUDA_LEDGER_MAX_FUNCS];
    struct fakecuda_ledger_proc procs[FAKECUDA_LEDGER_PROCS];
    /* Process-shared robust mutex over live/hwm and procs: a process killed inside an update leaves the others a
     * way to repair (the sum of the processes' live bytes is the truth). */
    pthread_mutex_t lock;
};

static const char *const fakecuda_fn_names[FAKECUDA_FN_COUNT] = {
#define FAKECUDA_FN_NAME(name) #name,
    FAKECUDA_FUNCS(FAKECUDA_FN_NAME)
#undef FAKECUDA_FN_NAME
};

#endif
