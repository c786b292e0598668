/*
 * Drives the block pool's C ABI (include/hami.h) the way a serving program would, under the preloaded trampoline,
 * and prints what it saw as key=value lines. The hami_pool_* functions are found with dlsym(RTLD_DEFAULT), as in
 * any program that has libhami.so preloaded; the driver is linked directly (the fake libcuda in CI).
 *
 * Usage: pool_host --scenario NAME[,NAME...] [--block BYTES] [--max N] [--threads T] [--iters N] [--seed S]
 *
 * Scenarios (each prints its keys with the scenario name as prefix, e.g. exhaust.allocated=32):
 *   basic            create, one alloc, stats, free, destroy
 *   exhaust          alloc one by one until refused; pressure callback at 75 %; cuMemGetInfo and a plain cuMemAlloc
 *                    while full; free all; reserve(0) gives everything back; cuMemGetInfo again
 *   grow-shrink      growth by chunks, reserve(0) shrinks to nothing, reserve(k) grows ahead, then k allocs grow nothing
 *   batch            alloc_batch / free_batch, all-or-nothing when the batch does not fit
 *   invalid          double free, foreign, misaligned and zero pointers, bogus and destroyed handles, bad arguments
 *   outstanding      destroy with blocks handed out, then use of the stale handle and blocks
 *   threads          T threads x N iterations of random single and batch allocs and frees, with an ownership table
 *                    that catches a block handed to two owners at once
 *   keep             create a pool, allocate, and exit without destroying it (the next process must see the limit
 *                    whole); with --destroy-at-exit the pool is destroyed from an atexit handler that runs after
 *                    hami-ffm's own
 * Exit statuses: 0 done (the checks are the caller's), 1 usage, 2 CUDA call failed, 3 no hami_pool_* symbols.
 */
#include "common.h"
#include "../../../main/include/hami.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define MIB (1ULL << 20)

typedef int (*create_fn)(int, size_t, size_t, void **);
typedef int (*alloc_fn)(void *, CUdeviceptr *);
typedef int (*alloc_batch_fn)(void *, size_t, CUdeviceptr *);
typedef int (*free_fn)(void *, CUdeviceptr);
typedef int (*free_batch_fn)(void *, size_t, const CUdeviceptr *);
typedef int (*reserve_fn)(void *, size_t);
typedef int (*pressure_fn)(void *, hami_pool_pressure_fn, unsigned, void *);
typedef int (*stats_fn)(void *, struct hami_pool_stats *);
typedef int (*destroy_fn)(void *);

static struct {
    create_fn create;
    alloc_fn alloc;
    alloc_batch_fn alloc_batch;
    free_fn free;
    free_batch_fn free_batch;
    reserve_fn reserve;
    pressure_fn set_pressure_callback;
    stats_fn stats;
    destroy_fn destroy;
} pool_api;

static struct cuapi api;
static CUcontext ctx;
static size_t block = MIB;
static size_t max_blocks = 64;
static long threads = 8, iters = 2000;
static unsigned seed = 1;
static int destroy_at_exit;

static void load_pool_api(void)
{
    void *p;
#define LOAD(member)                                                                  \
    if (!(p = dlsym(RTLD_DEFAULT, "hami_pool_" #member)))                             \
        fail(EXIT_UNREACHABLE, "no hami_pool_" #member " in this process (is libhami.so preloaded?)"); \
    memcpy(&pool_api.member, &p, sizeof p);
    LOAD(create) LOAD(alloc) LOAD(alloc_batch) LOAD(free) LOAD(free_batch) LOAD(reserve)
    LOAD(set_pressure_callback) LOAD(stats) LOAD(destroy)
#undef LOAD
}

static void print_stats(const char *prefix, void *pool)
{
    struct hami_pool_stats s;
    memset(&s, 0xAB, sizeof s);
    int rc = pool_api.stats(pool, &s);
    printf("%s.rc=%d\n", prefix, rc);
    if (rc != CUDA_SUCCESS)
        return;
    printf("%s.block_bytes=%llu\n%s.max_blocks=%llu\n%s.capacity_blocks=%llu\n%s.blocks_in_use=%llu\n"
           "%s.reserved_bytes=%llu\n%s.growth_steps=%llu\n%s.shrink_steps=%llu\n%s.pressure_events=%llu\n"
           "%s.failed_allocs=%llu\n%s.chunk_blocks=%llu\n%s.reserved_blocks=%llu\n%s.device=%d\n%s.flags=%u\n"
           "%s.spare_zero=%d\n",
           prefix, (unsigned long long)s.block_bytes, prefix, (unsigned long long)s.max_blocks, prefix,
           (unsigned long long)s.capacity_blocks, prefix, (unsigned long long)s.blocks_in_use, prefix,
           (unsigned long long)s.reserved_bytes, prefix, (unsigned long long)s.growth_steps, prefix,
           (unsigned long long)s.shrink_steps, prefix, (unsigned long long)s.pressure_events, prefix,
           (unsigned long long)s.failed_allocs, prefix, (unsigned long long)s.chunk_blocks, prefix,
           (unsigned long long)s.reserved_blocks, prefix, s.device, prefix, s.flags, prefix,
           s.spare[0] == 0 && s.spare[1] == 0 && s.spare[2] == 0 && s.spare[3] == 0);
}

static void print_meminfo(const char *prefix)
{
    size_t free_b = 0, total_b = 0;
    int rc = api.memGetInfo(&free_b, &total_b);
    printf("%s.meminfo_rc=%d\n%s.free=%zu\n%s.total=%zu\n", prefix, rc, prefix, free_b, prefix, total_b);
}

static void *create_or_die(const char *prefix, size_t blk, size_t max)
{
    void *pool = NULL;
    int rc = pool_api.create(0, blk, max, &pool);
    printf("%s.create=%d\n", prefix, rc);
    if (rc != CUDA_SUCCESS)
        fail(EXIT_CUDA, "hami_pool_create: %d", rc);
    return pool;
}

static atomic_long pressure_calls;
static atomic_long pressure_last_free;
static void *pressure_pool_seen;

static void on_pressure(void *pool, size_t free_blocks, void *user)
{
    atomic_fetch_add(&pressure_calls, 1);
    atomic_store(&pressure_last_free, (long)free_blocks);
    pressure_pool_seen = pool;
    if (user != (void *)0x5eed)
        atomic_store(&pressure_calls, -1000000);
}

/* ---- scenarios ------------------------------------------------------------------------------------------- */

static void basic(void)
{
    void *pool = create_or_die("basic", block, max_blocks);
    print_stats("basic.created", pool);
    CUdeviceptr p = 0;
    printf("basic.alloc=%d\n", pool_api.alloc(pool, &p));
    printf("basic.aligned=%d\n", p != 0 && p % 256 == 0);
    print_stats("basic.held", pool);
    printf("basic.free=%d\n", pool_api.free(pool, p));
    printf("basic.destroy=%d\n", pool_api.destroy(pool));
}

static void exhaust(void)
{
    void *pool = create_or_die("exhaust", block, max_blocks);
    atomic_store(&pressure_calls, 0);
    printf("exhaust.callback=%d\n", pool_api.set_pressure_callback(pool, on_pressure, 75, (void *)0x5eed));
    CUdeviceptr *held = calloc(max_blocks + 1, sizeof *held);
    size_t n = 0;
    int rc;
    long calls_at_threshold = -1;
    while ((rc = pool_api.alloc(pool, &held[n])) == CUDA_SUCCESS) {
        n++;
        if (calls_at_threshold < 0 && atomic_load(&pressure_calls) > 0)
            calls_at_threshold = (long)n;
        if (n > max_blocks)
            fail(EXIT_CUDA, "more blocks than max_blocks");
    }
    printf("exhaust.allocated=%zu\nexhaust.first_fail=%d\n", n, rc);
    printf("exhaust.pressure_first_at=%ld\nexhaust.pressure_calls=%ld\nexhaust.pressure_last_free=%ld\n",
           calls_at_threshold, atomic_load(&pressure_calls), atomic_load(&pressure_last_free));
    printf("exhaust.pressure_pool_ok=%d\n", pressure_pool_seen == pool);
    print_stats("exhaust.full", pool);
    print_meminfo("exhaust.full");
    CUdeviceptr plain = 0;
    rc = api.memAlloc(&plain, MIB);
    printf("exhaust.plain_alloc=%d\n", rc);
    if (rc == CUDA_SUCCESS)
        api.memFree(plain);
    int free_errors = 0;
    for (size_t i = 0; i < n; i++)
        free_errors += pool_api.free(pool, held[i]) != CUDA_SUCCESS;
    printf("exhaust.free_errors=%d\n", free_errors);
    print_stats("exhaust.freed", pool);
    printf("exhaust.trim=%d\n", pool_api.reserve(pool, 0));
    print_stats("exhaust.trimmed", pool);
    print_meminfo("exhaust.trimmed");
    printf("exhaust.destroy=%d\n", pool_api.destroy(pool));
    print_meminfo("exhaust.destroyed");
    free(held);
}

static void grow_shrink(void)
{
    void *pool = create_or_die("grow", block, max_blocks);
    print_stats("grow.created", pool);
    CUdeviceptr *held = calloc(max_blocks, sizeof *held);
    size_t want = max_blocks / 2 + 1, n = 0;
    while (n < want && pool_api.alloc(pool, &held[n]) == CUDA_SUCCESS)
        n++;
    printf("grow.allocated=%zu\n", n);
    print_stats("grow.half", pool);
    for (size_t i = 0; i < n; i++)
        pool_api.free(pool, held[i]);
    printf("grow.trim=%d\n", pool_api.reserve(pool, 0));
    print_stats("grow.trimmed", pool);
    print_meminfo("grow.trimmed");
    size_t ahead = max_blocks / 4 + 1;
    printf("grow.ahead=%zu\ngrow.reserve=%d\n", ahead, pool_api.reserve(pool, ahead));
    print_stats("grow.reserved", pool);
    n = 0;
    while (n < ahead && pool_api.alloc(pool, &held[n]) == CUDA_SUCCESS)
        n++;
    printf("grow.after_reserve_allocated=%zu\n", n);
    print_stats("grow.used", pool);
    /* reserve less than what is free: the wholly free chunks beyond it go back */
    for (size_t i = 0; i < n; i++)
        pool_api.free(pool, held[i]);
    printf("grow.reserve_small=%d\n", pool_api.reserve(pool, 1));
    print_stats("grow.small", pool);
    printf("grow.reserve_too_many=%d\n", pool_api.reserve(pool, max_blocks + 1));
    printf("grow.destroy=%d\n", pool_api.destroy(pool));
    free(held);
}

static void batch(void)
{
    void *pool = create_or_die("batch", block, max_blocks);
    size_t n = max_blocks / 2;
    CUdeviceptr *a = calloc(max_blocks + 1, sizeof *a);
    printf("batch.alloc=%d\n", pool_api.alloc_batch(pool, n, a));
    int distinct = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            distinct &= a[i] != a[j] && a[i] != 0;
    printf("batch.distinct=%d\n", distinct);
    print_stats("batch.half", pool);
    CUdeviceptr *b = calloc(max_blocks + 1, sizeof *b);
    printf("batch.too_many=%d\n", pool_api.alloc_batch(pool, max_blocks - n + 1, b));
    print_stats("batch.refused", pool);
    printf("batch.rest=%d\n", pool_api.alloc_batch(pool, max_blocks - n, b));
    printf("batch.zero=%d\n", pool_api.alloc_batch(pool, 0, NULL));
    printf("batch.free=%d\n", pool_api.free_batch(pool, n, a));
    printf("batch.free_rest=%d\n", pool_api.free_batch(pool, max_blocks - n, b));
    print_stats("batch.freed", pool);
    /* a batch with one block that is not handed out: the others are freed, the call says so */
    pool_api.alloc_batch(pool, 3, a);
    CUdeviceptr mixed[4] = {a[0], a[1], a[1], a[2]};
    printf("batch.mixed=%d\n", pool_api.free_batch(pool, 4, mixed));
    print_stats("batch.mixed", pool);
    printf("batch.destroy=%d\n", pool_api.destroy(pool));
    free(a);
    free(b);
}

static void invalid(void)
{
    void *pool = create_or_die("invalid", block, max_blocks);
    CUdeviceptr p = 0, q = 0;
    pool_api.alloc(pool, &p);
    pool_api.alloc(pool, &q);
    printf("invalid.free_once=%d\n", pool_api.free(pool, p));
    printf("invalid.double_free=%d\n", pool_api.free(pool, p));
    CUdeviceptr foreign = 0;
    cu_check(&api, api.memAlloc(&foreign, block), "cuMemAlloc");
    printf("invalid.foreign=%d\n", pool_api.free(pool, foreign));
    printf("invalid.foreign_driver_free=%d\n", api.memFree(foreign));
    printf("invalid.misaligned=%d\n", pool_api.free(pool, q + 1));
    printf("invalid.inside=%d\n", pool_api.free(pool, q + block / 2));
    printf("invalid.zero=%d\n", pool_api.free(pool, 0));
    printf("invalid.null_pool=%d\n", pool_api.free(NULL, q));
    printf("invalid.bogus_pool=%d\n", pool_api.free((void *)0x1234, q));
    printf("invalid.bogus_alloc=%d\n", pool_api.alloc((void *)0x48500000deadbeefULL, &p));
    printf("invalid.null_out=%d\n", pool_api.alloc(pool, NULL));
    printf("invalid.null_stats=%d\n", pool_api.stats(pool, NULL));
    printf("invalid.threshold=%d\n", pool_api.set_pressure_callback(pool, on_pressure, 101, NULL));
    printf("invalid.callback_off=%d\n", pool_api.set_pressure_callback(pool, NULL, 0, NULL));
    void *other = NULL;
    printf("invalid.create_zero_block=%d\n", pool_api.create(0, 0, 4, &other));
    printf("invalid.create_zero_max=%d\n", pool_api.create(0, block, 0, &other));
    printf("invalid.create_null=%d\n", pool_api.create(0, block, 4, NULL));
    printf("invalid.create_device=%d\n", pool_api.create(7, block, 4, &other));
    printf("invalid.create_huge=%d\n", pool_api.create(0, block, (size_t)1 << 40, &other));
    print_stats("invalid.after", pool);
    printf("invalid.free_q=%d\n", pool_api.free(pool, q));
    printf("invalid.destroy=%d\n", pool_api.destroy(pool));
    printf("invalid.destroy_again=%d\n", pool_api.destroy(pool));
    printf("invalid.stats_destroyed=%d\n", pool_api.stats(pool, &(struct hami_pool_stats){0}));
}

static void outstanding(void)
{
    void *pool = create_or_die("outstanding", block, max_blocks);
    CUdeviceptr held[5];
    printf("outstanding.alloc=%d\n", pool_api.alloc_batch(pool, 5, held));
    print_meminfo("outstanding.held");
    printf("outstanding.destroy=%d\n", pool_api.destroy(pool));
    print_meminfo("outstanding.destroyed");
    printf("outstanding.free_stale=%d\n", pool_api.free(pool, held[0]));
    printf("outstanding.free_batch_stale=%d\n", pool_api.free_batch(pool, 5, held));
    CUdeviceptr p;
    printf("outstanding.alloc_stale=%d\n", pool_api.alloc(pool, &p));
    printf("outstanding.reserve_stale=%d\n", pool_api.reserve(pool, 1));
    /* a new pool takes the registry slot again: the old handle still finds nothing */
    void *next = create_or_die("outstanding.next", block, max_blocks);
    printf("outstanding.distinct_handles=%d\n", next != pool);
    printf("outstanding.free_stale_after_reuse=%d\n", pool_api.free(pool, held[0]));
    printf("outstanding.next_destroy=%d\n", pool_api.destroy(next));
}

/* ---- threads --------------------------------------------------------------------------------------------- */

#define OWN_SLOTS (1u << 16)
static _Atomic CUdeviceptr own_keys[OWN_SLOTS];
static atomic_int own_holder[OWN_SLOTS];
static atomic_long duplicates, errors, refusals, operations;

static atomic_int *holder_of(CUdeviceptr p)
{
    unsigned h = (unsigned)((p * 0x9E3779B97F4A7C15ULL) >> 48) & (OWN_SLOTS - 1);
    for (unsigned k = 0; k < OWN_SLOTS; k++, h = (h + 1) & (OWN_SLOTS - 1)) {
        CUdeviceptr key = atomic_load(&own_keys[h]);
        if (key == p)
            return &own_holder[h];
        if (key == 0) {
            CUdeviceptr expected = 0;
            if (atomic_compare_exchange_strong(&own_keys[h], &expected, p) || expected == p)
                return &own_holder[h];
        }
    }
    fail(EXIT_CUDA, "ownership table full");
}

static void own(CUdeviceptr p, int me)
{
    int none = 0;
    if (!atomic_compare_exchange_strong(holder_of(p), &none, me))
        atomic_fetch_add(&duplicates, 1);
}

static void disown(CUdeviceptr p, int me)
{
    int mine = me;
    if (!atomic_compare_exchange_strong(holder_of(p), &mine, 0))
        atomic_fetch_add(&duplicates, 1);
}

struct thread_arg {
    void *pool;
    int id;
};

static void *worker(void *argp)
{
    struct thread_arg *arg = argp;
    api.ctxSetCurrent(ctx);
    unsigned state = seed * 2654435761u + (unsigned)arg->id;
    CUdeviceptr held[64];
    int n = 0;
    for (long i = 0; i < iters; i++) {
        state = state * 1103515245u + 12345u;
        unsigned r = state >> 16;
        if (n < 56 && (r & 1)) {
            int want = (r >> 1) % 4 == 0 ? 1 + (int)((r >> 3) % 8) : 1;
            int rc = want == 1 ? pool_api.alloc(arg->pool, &held[n]) : pool_api.alloc_batch(arg->pool, want, &held[n]);
            if (rc == CUDA_SUCCESS) {
                for (int k = 0; k < want; k++)
                    own(held[n + k], arg->id);
                n += want;
            } else if (rc == CUDA_ERROR_OUT_OF_MEMORY) {
                atomic_fetch_add(&refusals, 1);
            } else {
                atomic_fetch_add(&errors, 1);
            }
        } else if (n > 0) {
            int give = (r >> 1) % 3 == 0 ? n : 1;
            for (int k = n - give; k < n; k++)
                disown(held[k], arg->id);
            int rc = give == 1 ? pool_api.free(arg->pool, held[n - 1])
                               : pool_api.free_batch(arg->pool, (size_t)give, &held[n - give]);
            if (rc != CUDA_SUCCESS)
                atomic_fetch_add(&errors, 1);
            n -= give;
        }
        atomic_fetch_add(&operations, 1);
    }
    for (int k = 0; k < n; k++)
        disown(held[k], arg->id);
    if (n > 0 && pool_api.free_batch(arg->pool, (size_t)n, held) != CUDA_SUCCESS)
        atomic_fetch_add(&errors, 1);
    return NULL;
}

static void many_threads(void)
{
    void *pool = create_or_die("threads", block, max_blocks);
    pool_api.set_pressure_callback(pool, on_pressure, 90, (void *)0x5eed);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    struct thread_arg *args = calloc((size_t)threads, sizeof *args);
    for (long i = 0; i < threads; i++) {
        args[i].pool = pool;
        args[i].id = (int)i + 1;
        if (pthread_create(&t[i], NULL, worker, &args[i]))
            fail(EXIT_CUDA, "pthread_create");
    }
    for (long i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    printf("threads.operations=%ld\nthreads.duplicates=%ld\nthreads.errors=%ld\nthreads.refusals=%ld\n",
           atomic_load(&operations), atomic_load(&duplicates), atomic_load(&errors), atomic_load(&refusals));
    print_stats("threads.end", pool);
    printf("threads.trim=%d\n", pool_api.reserve(pool, 0));
    print_stats("threads.trimmed", pool);
    printf("threads.destroy=%d\n", pool_api.destroy(pool));
    free(t);
    free(args);
}

/* ---- leaving a pool behind at exit ----------------------------------------------------------------------- */

static void *kept_pool;

static void destroy_kept(void)
{
    /* runs after hami-ffm's exit handlers (registered later, so run earlier): the slot is released by now */
    int rc = pool_api.destroy(kept_pool);
    char line[64];
    int len = snprintf(line, sizeof line, "keep.destroy_at_exit=%d\n", rc);
    ssize_t ignored = write(STDOUT_FILENO, line, (size_t)len);
    (void)ignored;
}

static void keep(void)
{
    if (destroy_at_exit)
        atexit(destroy_kept); /* before the pool exists, so before hami-ffm's own handlers */
    kept_pool = create_or_die("keep", block, max_blocks);
    CUdeviceptr held[4];
    printf("keep.alloc=%d\n", pool_api.alloc_batch(kept_pool, 4, held));
    print_stats("keep.held", kept_pool);
}

int main(int argc, char **argv)
{
    output_init();
    const char *scenarios = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = opt_value(argc, argv, &i, "--scenario")))
            scenarios = v;
        else if ((v = opt_value(argc, argv, &i, "--block")))
            block = parse_size("--block", v);
        else if ((v = opt_value(argc, argv, &i, "--max")))
            max_blocks = (size_t)parse_long("--max", v, 1, 1L << 30);
        else if ((v = opt_value(argc, argv, &i, "--threads")))
            threads = parse_long("--threads", v, 1, 256);
        else if ((v = opt_value(argc, argv, &i, "--iters")))
            iters = parse_long("--iters", v, 1, 100000000);
        else if ((v = opt_value(argc, argv, &i, "--seed")))
            seed = (unsigned)parse_long("--seed", v, 0, 1L << 30);
        else if (!strcmp(argv[i], "--destroy-at-exit"))
            destroy_at_exit = 1;
        else
            fail(EXIT_USAGE, "unknown argument %s", argv[i]);
    }
    if (!scenarios)
        fail(EXIT_USAGE, "usage: pool_host --scenario NAME[,NAME...] [--block B] [--max N] [--threads T] [--iters N]");
    cuapi_load(&api, "direct");
    ctx = cuapi_open_device0(&api);
    load_pool_api();
    char *list = strdup(scenarios);
    for (char *save = NULL, *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
        if (!strcmp(s, "basic"))
            basic();
        else if (!strcmp(s, "exhaust"))
            exhaust();
        else if (!strcmp(s, "grow-shrink"))
            grow_shrink();
        else if (!strcmp(s, "batch"))
            batch();
        else if (!strcmp(s, "invalid"))
            invalid();
        else if (!strcmp(s, "outstanding"))
            outstanding();
        else if (!strcmp(s, "threads"))
            many_threads();
        else if (!strcmp(s, "keep"))
            keep();
        else
            fail(EXIT_USAGE, "unknown scenario %s", s);
    }
    free(list);
    printf("done=1\n");
    return 0;
}
