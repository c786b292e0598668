/*
 * The exports: each intercepted driver symbol, forwarded through a table Java fills with upcall stubs.
 * Until Java installs a hook every call goes straight to the real driver.
 */
#define _GNU_SOURCE
#include "hami.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#undef cuGetProcAddress /* cuda.h maps it to _v2; the legacy 4-argument export keeps its own name */

#define HAMI_EXPORT __attribute__((visibility("default")))

typedef CUresult (*gpa_v1_fn)(const char *, void **, int, cuuint64_t);
typedef CUresult (*gpa_v2_fn)(const char *, void **, int, cuuint64_t, CUdriverProcAddressQueryResult *);

HAMI_EXPORT CUresult cuGetProcAddress(const char *symbol, void **pfn, int version, cuuint64_t flags);
HAMI_EXPORT CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int version, cuuint64_t flags,
                                         CUdriverProcAddressQueryResult *status);

#define HAMI_DECLARE(name, params, args) HAMI_EXPORT CUresult name params;
HAMI_HOOKS(HAMI_DECLARE)
#undef HAMI_DECLARE

/* Every symbol we export in place of the driver's: the hooks first (indexed by hook id), then the lookups. */
struct hami_export {
    const char *name;
    void *ours;
    _Atomic(void *) real;
};

static struct hami_export exports[] = {
#define HAMI_ENTRY(name, params, args) {#name, (void *)name, NULL},
    HAMI_HOOKS(HAMI_ENTRY)
#undef HAMI_ENTRY
    {"cuGetProcAddress", (void *)cuGetProcAddress, NULL},
    {"cuGetProcAddress_v2", (void *)cuGetProcAddress_v2, NULL},
};
#define HAMI_EXPORT_COUNT (sizeof(exports) / sizeof(exports[0]))

static _Atomic(void *) hooks[HAMI_HOOK_COUNT];
static _Atomic(void *) libcuda;
/* Java's exit hook, a void (*)(void) installed as "hami_exit": run once by the atexit handler of a booted process. */
static _Atomic(void *) exit_hook;
#define HAMI_EXIT_HOOK "hami_exit"

/* LIBCUDA_LOG_LEVEL: an integer, or error|warn|info|debug; unset or unreadable: warnings (io.hami.log.Log agrees) */
static int log_level(void) {
    static atomic_int level = -1;
    int value = atomic_load_explicit(&level, memory_order_relaxed);
    if (value < 0) {
        static const char *const names[] = {"error", "", "warn", "info", "debug"};
        const char *text = getenv("LIBCUDA_LOG_LEVEL");
        char *end = NULL;
        long number = text == NULL ? 0 : strtol(text, &end, 10);
        value = HAMI_LOG_WARN;
        if (text != NULL && end != text && *end == '\0') {
            value = number < 0 ? 0 : number > 9 ? 9 : (int)number;
        }
        for (int i = 0; text != NULL && i < 5; i++) {
            value = names[i][0] != '\0' && strcasecmp(text, names[i]) == 0 ? i : value;
        }
        atomic_store_explicit(&level, value, memory_order_relaxed);
    }
    return value;
}

void hami_log_at(int level, const char *fmt, ...) {
    if (level > HAMI_LOG_ERROR && level > log_level()) {
        return;
    }
    static const char *const tags[] = {"error", "error", "warn", "info", "debug"};
    char line[1024];
    int n = snprintf(line, sizeof line, "[hami-ffm %d] %s: ", (int)getpid(), tags[level < 0 || level > 4 ? 4 : level]);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = strlen(line);
    if (len < sizeof line - 1) {
        line[len++] = '\n';
    }
    /* HAMI_LOG_FILE: appended, opened per line (rare events) so that no descriptor of ours outlives a host that
       closes every descriptor it did not open */
    const char *path = getenv("HAMI_LOG_FILE");
    int fd = path == NULL || path[0] == '\0' ? STDERR_FILENO : open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    /* one write(2): lines of concurrent threads and processes never interleave, and stdio buffers are never touched */
    ssize_t ignored = write(fd < 0 ? STDERR_FILENO : fd, line, len);
    (void)ignored;
    if (fd > STDERR_FILENO) {
        close(fd);
    }
}

static void *driver_handle(void) {
    void *handle = atomic_load_explicit(&libcuda, memory_order_acquire);
    if (handle == NULL) {
        handle = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
        if (handle == NULL) {
            handle = dlopen("libcuda.so.1", RTLD_LAZY);
        }
        if (handle != NULL) {
            atomic_store_explicit(&libcuda, handle, memory_order_release);
        }
    }
    return handle;
}

void *hami_real(const char *name) {
    void *handle = driver_handle();
    return handle == NULL ? NULL : hami_real_dlsym(handle, name);
}

static void *real_of(size_t index) {
    void *fn = atomic_load_explicit(&exports[index].real, memory_order_acquire);
    if (fn == NULL && (fn = hami_real(exports[index].name)) != NULL) {
        atomic_store_explicit(&exports[index].real, fn, memory_order_release);
    }
    return fn;
}

/* The real function an export forwards to; NULL (said once) when the driver lacks it. */
static void *forward_to(size_t index) {
    void *fn = real_of(index);
    if (fn == NULL) {
        static atomic_int reported;
        if (!atomic_exchange(&reported, 1)) {
            hami_log("the real driver has no %s (is libcuda.so.1 installed?): returning CUDA_ERROR_NOT_INITIALIZED",
                     exports[index].name);
        }
    }
    return fn;
}

static int find_export(const char *name) {
    for (size_t i = 0; i < HAMI_EXPORT_COUNT; i++) {
        if (strcmp(exports[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int hami_exported(const char *name) {
    return find_export(name) >= 0;
}

void *hami_export_for(const char *name, void *found) {
    int i = find_export(name);
    if (i < 0) {
        return NULL;
    }
    return found == exports[i].ours || found == real_of((size_t)i) ? exports[i].ours : NULL;
}

/* Identifies the real export a driver lookup returned and answers with ours for exactly that symbol. */
static void *map_driver_pointer(void *fn) {
    if (fn == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < HAMI_EXPORT_COUNT; i++) {
        if (fn == real_of(i)) {
            return exports[i].ours;
        }
    }
    Dl_info found, driver;
    void *any_real = real_of(HAMI_ID_cuInit);
    if (any_real != NULL && dladdr(fn, &found) && found.dli_sname != NULL && dladdr(any_real, &driver)
        && found.dli_fbase == driver.dli_fbase) {
        int i = find_export(found.dli_sname);
        if (i >= 0) {
            return exports[i].ours;
        }
    }
    return fn;
}

int hami_install(const char *name, void *hook) {
    if (name != NULL && strcmp(name, HAMI_EXIT_HOOK) == 0) {
        atomic_store_explicit(&exit_hook, hook, memory_order_release);
        return 0;
    }
    if (name != NULL && strncmp(name, "hami_pool_", 10) == 0) {
        return hami_pool_install(name, hook); /* pool.c's own table */
    }
    int i = name == NULL ? -1 : find_export(name);
    if (i < 0 || i >= HAMI_HOOK_COUNT) {
        return -1;
    }
    atomic_store_explicit(&hooks[i], hook, memory_order_release);
    if (hook != NULL) {
        hami_boot_hook_installed();
    }
    return 0;
}

void hami_clear_hooks(void) {
    for (int i = 0; i < HAMI_HOOK_COUNT; i++) {
        atomic_store_explicit(&hooks[i], NULL, memory_order_relaxed);
    }
    atomic_store_explicit(&exit_hook, NULL, memory_order_relaxed);
}

void hami_run_exit_hook(void) {
    void (*hook)(void) = (void (*)(void))atomic_exchange_explicit(&exit_hook, NULL, memory_order_acq_rel);
    if (hook != NULL) {
        hook();
    }
}

/* Which calls must wait for Java's decision before they may run. */
/* Calls that take device memory: under a limit they wait for Java, and are refused when it cannot decide. */
static int allocates(int id) {
    switch (id) {
    case HAMI_ID_cuMemAlloc_v2:
    case HAMI_ID_cuMemAllocManaged:
    case HAMI_ID_cuMemAllocPitch_v2:
    case HAMI_ID_cuMemAllocAsync:
    case HAMI_ID_cuMemAllocAsync_ptsz:
    case HAMI_ID_cuMemAllocFromPoolAsync:
    case HAMI_ID_cuMemAllocFromPoolAsync_ptsz:
    case HAMI_ID_cuMemCreate:
    case HAMI_ID_cuArrayCreate_v2:
    case HAMI_ID_cuArray3DCreate_v2:
    case HAMI_ID_cuMipmappedArrayCreate:
    case HAMI_ID_cuImportExternalMemory:
        return 1;
    default:
        return 0;
    }
}

static int decides(int id) {
    if (allocates(id)) {
        return hami_limited();
    }
    switch (id) {
    case HAMI_ID_cuMemGetInfo_v2:
    case HAMI_ID_cuDeviceTotalMem_v2:
    /* never refused, but their hooks record what the process holds (imports, shown by hami-run status; the graph
       memory pool a launch grows, charged after it): one that slipped past its hook while the boot ran would never
       be recorded, since the first allocation no longer waits for the hooks after its own (docs/startup.md) */
    case HAMI_ID_cuIpcOpenMemHandle_v2:
    case HAMI_ID_cuMemImportFromShareableHandle:
    case HAMI_ID_cuGraphLaunch:
    case HAMI_ID_cuGraphLaunch_ptsz:
        return hami_limited();
    default:
        return hami_limited() > 1; /* HAMI_HOOK_ALL: every export goes through Java */
    }
}

/* Which calls start the boot in the background under a limit, and go on without waiting: context creation. */
static int kicks(int id) {
    switch (id) {
    case HAMI_ID_cuDevicePrimaryCtxRetain:
    case HAMI_ID_cuCtxCreate_v2:
    case HAMI_ID_cuCtxCreate_v3:
    case HAMI_ID_cuCtxCreate_v4:
        return 1;
    default:
        return 0;
    }
}

/* Waits for the boot, or for this call's hook; CUDA_SUCCESS to go on, or the refusal when a limit cannot be enforced. */
static CUresult await_decision(int id) {
    if (hami_boot_wait_for(&hooks[id]) == HAMI_BOOT_READY) {
        return CUDA_SUCCESS;
    }
    if (!allocates(id)) {
        return CUDA_SUCCESS; /* only allocations are refused: queries and frees stay the driver's */
    }
    static atomic_int reported;
    if (!atomic_exchange(&reported, 1)) {
        hami_log_at(HAMI_LOG_ERROR, "memory limit cannot be enforced, refusing allocations: %s", hami_boot_message());
    }
    return CUDA_ERROR_OUT_OF_MEMORY;
}

#define HAMI_DEFINE(name, params, args)                                                                        \
    typedef CUresult(*hami_fn_##name) params;                                                                  \
    CUresult name params {                                                                                     \
        hami_fn_##name hook = (hami_fn_##name)atomic_load_explicit(&hooks[HAMI_ID_##name], memory_order_acquire); \
        if (__builtin_expect(hook == NULL, 1)) {                                                               \
            if (decides(HAMI_ID_##name)) {                                                                     \
                CUresult refused = await_decision(HAMI_ID_##name);                                             \
                if (refused != CUDA_SUCCESS) {                                                                 \
                    return refused;                                                                            \
                }                                                                                              \
                hook = (hami_fn_##name)atomic_load_explicit(&hooks[HAMI_ID_##name], memory_order_acquire);     \
            } else if (kicks(HAMI_ID_##name)) {                                                                \
                hami_boot_kick();                                                                              \
            }                                                                                                  \
        }                                                                                                      \
        if (hook != NULL) {                                                                                    \
            return hook args;                                                                                  \
        }                                                                                                      \
        hami_fn_##name real = (hami_fn_##name)forward_to(HAMI_ID_##name);                                            \
        return real == NULL ? CUDA_ERROR_NOT_INITIALIZED : real args;                                          \
    }
HAMI_FORWARDING_HOOKS(HAMI_DEFINE)
#undef HAMI_DEFINE

typedef CUresult (*hami_fn_cuDeviceTotalMem_v2)(size_t *, CUdevice);

/*
 * A device query. Before the JVM is up, the limit the launch wrote into the environment answers it, so asking
 * never starts or waits for a JVM (torch.cuda.is_available(), cudart's device table) and the boot that context
 * creation started keeps running in the background. Java answers once it is up (hami-run set included).
 */
CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev) {
    hami_fn_cuDeviceTotalMem_v2 hook =
        (hami_fn_cuDeviceTotalMem_v2)atomic_load_explicit(&hooks[HAMI_ID_cuDeviceTotalMem_v2], memory_order_acquire);
    if (hook == NULL && decides(HAMI_ID_cuDeviceTotalMem_v2)) {
        uint64_t limit = 0;
        int known = hami_launch_limit(dev, &limit);
        hami_fn_cuDeviceTotalMem_v2 real = (hami_fn_cuDeviceTotalMem_v2)forward_to(HAMI_ID_cuDeviceTotalMem_v2);
        if (known >= 0 && real != NULL) {
            CUresult result = real(bytes, dev);
            if (result == CUDA_SUCCESS && known > 0 && *bytes > limit) {
                *bytes = (size_t)limit;
            }
            return result;
        }
        CUresult refused = await_decision(HAMI_ID_cuDeviceTotalMem_v2);
        if (refused != CUDA_SUCCESS) {
            return refused;
        }
        hook = (hami_fn_cuDeviceTotalMem_v2)atomic_load_explicit(&hooks[HAMI_ID_cuDeviceTotalMem_v2],
                                                                 memory_order_acquire);
    }
    if (hook != NULL) {
        return hook(bytes, dev);
    }
    hami_fn_cuDeviceTotalMem_v2 real = (hami_fn_cuDeviceTotalMem_v2)forward_to(HAMI_ID_cuDeviceTotalMem_v2);
    return real == NULL ? CUDA_ERROR_NOT_INITIALIZED : real(bytes, dev);
}

#define GPA_V1 (HAMI_HOOK_COUNT)
#define GPA_V2 (HAMI_HOOK_COUNT + 1)

/*
 * Lookups ask the real driver first, with the caller's name, version and flags, so the driver's own version and
 * per-thread-stream rules choose the symbol; we then swap in our export for exactly that symbol.
 */
CUresult cuGetProcAddress(const char *symbol, void **pfn, int version, cuuint64_t flags) {
    gpa_v1_fn real = (gpa_v1_fn)forward_to(GPA_V1);
    if (real == NULL) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    CUresult result = real(symbol, pfn, version, flags);
    if (result == CUDA_SUCCESS && pfn != NULL) {
        *pfn = map_driver_pointer(*pfn);
    }
    return result;
}

CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int version, cuuint64_t flags,
                             CUdriverProcAddressQueryResult *status) {
    gpa_v2_fn real = (gpa_v2_fn)forward_to(GPA_V2);
    if (real == NULL) {
        return CUDA_ERROR_NOT_INITIALIZED;
    }
    CUresult result = real(symbol, pfn, version, flags, status);
    if (result == CUDA_SUCCESS && pfn != NULL) {
        *pfn = map_driver_pointer(*pfn);
    }
    return result;
}
