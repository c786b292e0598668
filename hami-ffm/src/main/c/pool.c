/*
 * The block pool's C ABI (include/hami.h). Each export checks its pointer arguments, makes sure the JVM is up (the
 * pool needs it even when no limit is set: the first call boots it with the existing bounded wait) and forwards to
 * Java's io.hami.pool.PoolEntryPoints through an upcall stub the agent installed by name. Java owns every decision.
 */
#define _GNU_SOURCE
#include "hami.h"
#include "../include/hami.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define HAMI_POOL_EXPORT __attribute__((visibility("default")))

/* X(name, params, args): the entries Java serves, installed as "hami_pool_<name>". */
#define HAMI_POOL_ENTRIES(X)                                                                                   \
    X(create, (int device, size_t block_bytes, size_t max_blocks, void **pool), (device, block_bytes, max_blocks, pool)) \
    X(alloc, (void *pool, CUdeviceptr *block), (pool, block))                                                  \
    X(alloc_batch, (void *pool, size_t n, CUdeviceptr *blocks), (pool, n, blocks))                             \
    X(free, (void *pool, CUdeviceptr block), (pool, block))                                                    \
    X(free_batch, (void *pool, size_t n, const CUdeviceptr *blocks), (pool, n, blocks))                        \
    X(reserve, (void *pool, size_t n_blocks), (pool, n_blocks))                                                \
    X(set_pressure_callback, (void *pool, hami_pool_pressure_fn fn, unsigned threshold_pct, void *user),       \
      (pool, fn, threshold_pct, user))                                                                         \
    X(stats, (void *pool, struct hami_pool_stats *out), (pool, out))                                                  \
    X(destroy, (void *pool), (pool))

enum hami_pool_entry {
#define HAMI_POOL_ID(name, params, args) HAMI_POOL_##name,
    HAMI_POOL_ENTRIES(HAMI_POOL_ID)
#undef HAMI_POOL_ID
    HAMI_POOL_ENTRY_COUNT
};

static const char *const entry_names[HAMI_POOL_ENTRY_COUNT] = {
#define HAMI_POOL_NAME(name, params, args) "hami_pool_" #name,
    HAMI_POOL_ENTRIES(HAMI_POOL_NAME)
#undef HAMI_POOL_NAME
};

static _Atomic(void *) entries[HAMI_POOL_ENTRY_COUNT];
/* Java's void (*)(void) run at exit() just before the agent releases the process slot. */
static _Atomic(void *) exit_entry;
#define HAMI_POOL_EXIT "hami_pool_exit"
/* Java's void (*)(void), installed at boot: makes and installs the entries above on a process's first pool call
 * (their upcall stubs cost 10-60 ms, which a process that never uses the pool must not pay at boot). */
static _Atomic(void *) bootstrap_entry;
#define HAMI_POOL_BOOTSTRAP "hami_pool_bootstrap"

int hami_pool_install(const char *name, void *hook) {
    if (strcmp(name, HAMI_POOL_EXIT) == 0) {
        atomic_store_explicit(&exit_entry, hook, memory_order_release);
        return 0;
    }
    if (strcmp(name, HAMI_POOL_BOOTSTRAP) == 0) {
        atomic_store_explicit(&bootstrap_entry, hook, memory_order_release);
        return 0;
    }
    for (int i = 0; i < HAMI_POOL_ENTRY_COUNT; i++) {
        if (strcmp(name, entry_names[i]) == 0) {
            atomic_store_explicit(&entries[i], hook, memory_order_release);
            return 0;
        }
    }
    return -1;
}

/*
 * atexit handlers run in reverse order: registered after the boot registered its own (the boot is READY by then),
 * this runs first, so pools stop counting before the slot is released with everything counted on it.
 */
static void pool_at_exit(void) {
    if (hami_boot_wait() != HAMI_BOOT_READY) {
        return; /* a forked child: no JVM here */
    }
    void (*hook)(void) = (void (*)(void))atomic_exchange_explicit(&exit_entry, NULL, memory_order_acq_rel);
    if (hook != NULL) {
        hook();
    }
}

static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static void register_exit(void) {
    if (atexit(pool_at_exit) != 0) {
        hami_log("%s", "cannot register the pool's exit handler: a pool destroyed after exit() may be released twice");
    }
}

/* The Java entry, booting the JVM first if needed; NULL with *refusal set when the pool cannot be served. */
static void *entry(int id, int *refusal) {
    if (hami_boot_wait() != HAMI_BOOT_READY) {
        static atomic_int reported;
        if (!atomic_exchange(&reported, 1)) {
            hami_log("the block pool needs hami-ffm's JVM, which is not running: %s", hami_boot_message());
        }
        *refusal = CUDA_ERROR_NOT_INITIALIZED;
        return NULL;
    }
    void *fn = atomic_load_explicit(&entries[id], memory_order_acquire);
    if (__builtin_expect(fn == NULL, 0)) {
        void (*bootstrap)(void) = (void (*)(void))atomic_load_explicit(&bootstrap_entry, memory_order_acquire);
        if (bootstrap != NULL) {
            bootstrap(); /* Java serializes concurrent first calls */
            fn = atomic_load_explicit(&entries[id], memory_order_acquire);
        }
    }
    if (fn == NULL) {
        static atomic_int reported;
        if (!atomic_exchange(&reported, 1)) {
            hami_log("%s", "the block pool is not served by this hami-ffm.jar (it installed no hami_pool_* entry): "
                           "libhami.so and the jar must come from the same distribution");
        }
        *refusal = CUDA_ERROR_NOT_SUPPORTED;
    }
    return fn;
}

#define HAMI_POOL_FORWARD(name, params, args)                                                                  \
    typedef int(*hami_pool_fn_##name) params;                                                                  \
    static int forward_##name params {                                                                         \
        int refusal = CUDA_SUCCESS;                                                                            \
        hami_pool_fn_##name java = (hami_pool_fn_##name)entry(HAMI_POOL_##name, &refusal);                     \
        return java == NULL ? refusal : java args;                                                             \
    }
HAMI_POOL_ENTRIES(HAMI_POOL_FORWARD)
#undef HAMI_POOL_FORWARD

/* Arguments that cannot be right are refused here, without booting anything. */

HAMI_POOL_EXPORT int hami_pool_create(int device, size_t block_bytes, size_t max_blocks, void **pool) {
    if (pool == NULL || block_bytes == 0 || max_blocks == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *pool = NULL;
    int result = forward_create(device, block_bytes, max_blocks, pool);
    if (result == CUDA_SUCCESS) {
        pthread_once(&exit_once, register_exit);
    }
    return result;
}

HAMI_POOL_EXPORT int hami_pool_alloc(void *pool, CUdeviceptr *block) {
    if (pool == NULL || block == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return forward_alloc(pool, block);
}

HAMI_POOL_EXPORT int hami_pool_alloc_batch(void *pool, size_t n, CUdeviceptr *blocks) {
    if (pool == NULL || (blocks == NULL && n != 0)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return forward_alloc_batch(pool, n, blocks);
}

HAMI_POOL_EXPORT int hami_pool_free(void *pool, CUdeviceptr block) {
    if (pool == NULL || block == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return forward_free(pool, block);
}

HAMI_POOL_EXPORT int hami_pool_free_batch(void *pool, size_t n, const CUdeviceptr *blocks) {
    if (pool == NULL || (blocks == NULL && n != 0)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return forward_free_batch(pool, n, blocks);
}

HAMI_POOL_EXPORT int hami_pool_reserve(void *pool, size_t n_blocks) {
    if (pool == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return forward_reserve(pool, n_blocks);
}

HAMI_POOL_EXPORT int hami_pool_set_pressure_callback(void *pool, hami_pool_pressure_fn fn, unsigned threshold_pct,
                                                     void *user) {
    if (pool == NULL || (fn != NULL && threshold_pct > 100)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return forward_set_pressure_callback(pool, fn, threshold_pct, user);
}

HAMI_POOL_EXPORT int hami_pool_stats(void *pool, struct hami_pool_stats *out) {
    if (pool == NULL || out == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return forward_stats(pool, out);
}

HAMI_POOL_EXPORT int hami_pool_destroy(void *pool) {
    if (pool == NULL) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return forward_destroy(pool);
}
