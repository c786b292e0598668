/*
 * hami.h - the public C ABI of libhami.so (hami-ffm): a KV-cache block pool per tenant and device.
 *
 * Link with -L<dist>/lib -lhami, or find the symbols in a process that has <dist>/lib/libhami.so preloaded
 * (dlsym(RTLD_DEFAULT, "hami_pool_create")). Every call returns a CUresult: CUDA_SUCCESS, CUDA_ERROR_OUT_OF_MEMORY
 * when the pool can grow neither within max_blocks nor within the tenant's memory limit (pressure: evict or queue),
 * CUDA_ERROR_INVALID_VALUE for a bad argument, a double or foreign free, or a destroyed pool (never corruption),
 * CUDA_ERROR_NOT_INITIALIZED when hami-ffm's JVM could not start (stderr says why). Every call is thread-safe.
 * docs/pool.md describes the pool; the first call of a process starts hami-ffm's in-process JVM if it is not running
 * yet (bounded by HAMI_BOOT_TIMEOUT_MS).
 */
#ifndef HAMI_PUBLIC_H
#define HAMI_PUBLIC_H

#include <stddef.h>
#include <stdint.h>
#include <cuda.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A snapshot of a pool (each counter exact, together a moment's picture). 128 bytes; spare fields are zero.
 * Written struct hami_pool_stats (or hami_pool_stats_t): C does not allow a typedef and the function
 * hami_pool_stats() to share a name.
 */
struct hami_pool_stats {
    uint64_t block_bytes;     /* bytes per block: the requested size rounded up to 256 */
    uint64_t max_blocks;      /* the cap given at creation */
    uint64_t capacity_blocks; /* blocks backed by device memory now */
    uint64_t blocks_in_use;   /* blocks handed out and not freed */
    uint64_t reserved_bytes;  /* bytes the pool holds against the tenant's limit (counted once, nowhere else) */
    uint64_t growth_steps;    /* chunks backed since creation, the first one included */
    uint64_t shrink_steps;    /* chunks given back since creation */
    uint64_t pressure_events; /* threshold crossings and refusals */
    uint64_t failed_allocs;   /* allocations and reservations refused */
    uint64_t chunk_blocks;    /* blocks per growth step */
    uint64_t reserved_blocks; /* the free blocks the last hami_pool_reserve asked to keep */
    int32_t device;           /* device ordinal */
    uint32_t flags;           /* HAMI_POOL_VMM */
    uint64_t spare[4];
};
typedef struct hami_pool_stats hami_pool_stats_t;

/* stats.flags: the pool's chunks are mapped into one reserved address range (cuMemCreate + cuMemMap). */
#define HAMI_POOL_VMM 1u

/* Called on the allocating thread, with no pool lock held (it may free, allocate and reserve). */
typedef void (*hami_pool_pressure_fn)(void *pool, size_t free_blocks, void *user);

/*
 * Creates a pool of up to max_blocks blocks of block_bytes on device (an ordinal as the program sees it), in the
 * device's primary context; cuInit must have been called. The pool grows by chunks of chunk_blocks (about
 * max_blocks / 16); creation backs the first chunk. Each chunk is reserved against the tenant's limit before the
 * driver backs it. *pool receives an opaque handle.
 */
int hami_pool_create(int device, size_t block_bytes, size_t max_blocks, void **pool);

/* One block (O(1), lock-free; grows the pool by a chunk when none is free). */
int hami_pool_alloc(void *pool, CUdeviceptr *block);

/* n blocks at once into blocks[0..n): all of them, or none and CUDA_ERROR_OUT_OF_MEMORY. */
int hami_pool_alloc_batch(void *pool, size_t n, CUdeviceptr *blocks);

/* Returns a block. CUDA_ERROR_INVALID_VALUE (nothing changes) for a block this pool has not handed out. */
int hami_pool_free(void *pool, CUdeviceptr block);

/* Returns n blocks; any that are not handed out are left alone and make the call return CUDA_ERROR_INVALID_VALUE. */
int hami_pool_free_batch(void *pool, size_t n, const CUdeviceptr *blocks);

/*
 * Predictive reservation: afterwards at least n_blocks more blocks can be handed out without growing, and wholly free
 * chunks beyond that are given back (n_blocks = 0 returns every wholly free chunk to the driver and the limit).
 * CUDA_ERROR_OUT_OF_MEMORY when max_blocks or the limit stops it (what could be grown stays).
 */
int hami_pool_reserve(void *pool, size_t n_blocks);

/*
 * fn(pool, free_blocks, user) runs when blocks in use reach threshold_pct % of what the pool can reach (its cap, or
 * what the tenant's limit still lets it grow to; 0: only on refusals), once per crossing, and on every refusal.
 * free_blocks: how many more blocks it can hand out, growth included. fn == NULL removes the callback.
 */
int hami_pool_set_pressure_callback(void *pool, hami_pool_pressure_fn fn, unsigned threshold_pct, void *user);

int hami_pool_stats(void *pool, struct hami_pool_stats *out);

/*
 * Gives every chunk back (to the driver and to the limit) and invalidates the handle. Blocks still handed out become
 * invalid with it, as after cudaFree.
 */
int hami_pool_destroy(void *pool);

#ifdef __cplusplus
}
#endif

#endif
