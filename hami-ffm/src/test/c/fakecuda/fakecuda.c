/*
 * Fake CUDA driver (libcuda.so.1) for running the HAMi trampoline without a GPU.
 *
 * Device memory is bookkeeping only: allocations get unique, never reused,
 * 512-aligned addresses that are never dereferenced. Sizes are rounded up to
 * FAKECUDA_GRANULE and that rounded size is what is charged against the device.
 *
 * Environment (read once, when the library is first used):
 *   FAKECUDA_DEVICES         number of physical devices (default 1, 0..16; 0 makes cuInit fail with NO_DEVICE)
 *   FAKECUDA_TOTAL_MB        memory per device in MiB (default 16384), or a comma-separated list per physical device
 *   CUDA_VISIBLE_DEVICES     which physical devices CUDA shows, in which order (indices, GPU-<uuid prefix>), as the
 *                            real driver reads it (fakedevices.h); CUdevice values are visible ordinals, contexts,
 *                            allocations and the ledger use physical indices
 *   FAKECUDA_GRANULE         allocation granule in bytes, k/m/g suffix allowed (default 512)
 *   FAKECUDA_LEDGER          path of the shared ledger file (see ledger.h); optional
 *   FAKECUDA_DRIVER_VERSION  value reported by cuDriverGetVersion (default 13000)
 *   FAKECUDA_CONTEXT_MB      device memory each live context takes, in MiB (default 0): a primary context while
 *                            retained, an extra one until destroyed
 *   FAKECUDA_KERNEL_NS       GPU time of each kernel (fake_exec.c: launches, events, capture, graphs)
 *
 * Build: gcc -shared -fPIC -O2 -o libcuda.so.1 -Wl,-soname,libcuda.so.1 fakecuda.c -lpthread
 */
#define _GNU_SOURCE
/* Declares every ABI version of each entry point (cuMemAlloc and cuMemAlloc_v2,
 * cuLaunchKernel and cuLaunchKernel_ptsz, ...) under its real exported name,
 * the way the driver itself is built. */
#define __CUDA_API_VERSION_INTERNAL 1
#include <cuda.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <search.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakedevices.h"
#include "ledger.h"
#include "fake_exec.h"

#define FC_EXPORT __attribute__((visibility("default")))

#define FC_ADDR_ALIGN 512ULL
/* Non-canonical on x86-64 (4- and 5-level paging), so a stray dereference of a
 * fake device pointer faults instead of silently touching host memory. */
#define FC_HI_BASE 0x1000000000000000ULL
/* The legacy 32-bit entry points (cuMemAlloc v1, ...) need addresses that fit
 * in an unsigned int. */
#define FC_LO_BASE 0x10000000ULL
#define FC_LO_END 0xFFFFF000ULL

#define FC_CTX_MAGIC 0xC0DEC7C5u

struct CUctx_st {
    unsigned magic;
    int dev;
    int primary;
    atomic_int alive;
    atomic_int refcount; /* primary contexts only */
    unsigned flags;
};

struct fc_alloc {
    CUdeviceptr base;
    uint64_t size; /* granule-rounded */
    int dev;
    int managed; /* cuMemAllocManaged */
    int host;    /* managed and advised to live on the host: not charged to the device */
    struct CUctx_st *ctx;
    struct fc_alloc *prev, *next;
};

/* ---- configuration and shared state ------------------------------------ */

static int g_ndev = 1; /* physical devices */
static uint64_t g_totals[FAKECUDA_MAX_DEVICES];
static int g_nvis = 1; /* devices CUDA shows (CUDA_VISIBLE_DEVICES) */
static int g_visible[FAKECUDA_MAX_DEVICES]; /* visible ordinal -> physical index */
static uint64_t g_granule = 512;
static int g_driver_version = CUDA_VERSION;
static uint64_t g_context_bytes;
static CUresult g_setup_error = CUDA_SUCCESS;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static atomic_int g_initialized;

static struct fakecuda_ledger *g_ledger;
static struct fakecuda_ledger_dev g_local[FAKECUDA_MAX_DEVICES];
/* Where live/hwm/... are charged: the ledger if there is one, else g_local. */
static struct fakecuda_ledger_dev *g_acct = g_local;

static struct CUctx_st g_primary[FAKECUDA_MAX_DEVICES];
static __thread struct CUctx_st *t_current;

/* Guards the allocation tree/list, address cursors and per-process totals. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static void *g_tree;
static struct fc_alloc g_list = {.prev = &g_list, .next = &g_list};
static uint64_t g_next_hi = FC_HI_BASE;
static uint64_t g_next_lo = FC_LO_BASE;
static uint64_t g_proc_live[FAKECUDA_MAX_DEVICES];
static struct fakecuda_ledger_proc *g_me; /* this process's entry in the ledger, if any */
static uint64_t g_proc_count[FAKECUDA_MAX_DEVICES];

static void fc_setup_once(void);

static void fc_setup(void)
{
    pthread_once(&g_once, fc_setup_once);
}

static inline void fc_count(enum fakecuda_fn fn)
{
    fc_setup();
    if (g_ledger)
        atomic_fetch_add_explicit(&g_ledger->calls[fn], 1, memory_order_relaxed);
}

#define COUNT(fn) fc_count(FAKECUDA_FN_##fn)
#define REQUIRE_INIT()                         \
    do {                                       \
        if (!atomic_load(&g_initialized))      \
            return CUDA_ERROR_NOT_INITIALIZED; \
    } while (0)

static int parse_u64(const char *s, uint64_t *out, int allow_suffix)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    int shift = 0;
    if (allow_suffix && *end) {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        default: return -1;
        }
        end++;
    }
    if (*end || (shift && v > (ULLONG_MAX >> shift)))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int env_u64(const char *name, uint64_t *out, uint64_t min, uint64_t max, int allow_suffix)
{
    const char *s = getenv(name);
    uint64_t v;
    if (!s || !*s)
        return 0;
    if (parse_u64(s, &v, allow_suffix) || v < min || v > max) {
        fprintf(stderr, "fakecuda: invalid %s=%s (expected %" PRIu64 "..%" PRIu64 ")\n", name, s, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static void proc_claim(void)
{
    g_me = NULL;
    for (int i = 0; g_ledger && i < FAKECUDA_LEDGER_PROCS; i++) {
        uint64_t expect = 0;
        if (atomic_compare_exchange_strong(&g_ledger->procs[i].pid, &expect, (uint64_t)getpid())) {
            g_me = &g_ledger->procs[i];
            return;
        }
    }
}

/* Gives back what processes that died without exiting (SIGKILL) held, as the kernel driver does. Ledger lock held. */
static void reap_dead_locked(void)
{
    for (int i = 0; g_ledger && i < FAKECUDA_LEDGER_PROCS; i++) {
        struct fakecuda_ledger_proc *p = &g_ledger->procs[i];
        uint64_t pid = atomic_load(&p->pid);
        if (pid == 0 || pid == UINT64_MAX || pid == (uint64_t)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (!atomic_compare_exchange_strong(&p->pid, &pid, UINT64_MAX))
            continue;
        for (int d = 0; d < FAKECUDA_MAX_DEVICES; d++)
            atomic_fetch_sub(&g_ledger->dev[d].live, atomic_exchange(&p->live[d], 0));
        atomic_fetch_add(&g_ledger->reaped, 1);
        atomic_store(&p->pid, 0);
    }
}

static void ledger_lock(void)
{
    if (!g_ledger)
        return;
    if (atomic_load(&g_ledger->lock_state) != 2) {
        uint64_t unset = 0;
        if (atomic_compare_exchange_strong(&g_ledger->lock_state, &unset, 1)) {
            pthread_mutexattr_t attr;
            pthread_mutexattr_init(&attr);
            pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
            pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
            pthread_mutex_init(&g_ledger->lock, &attr);
            pthread_mutexattr_destroy(&attr);
            atomic_store(&g_ledger->lock_state, 2);
        }
        while (atomic_load(&g_ledger->lock_state) != 2)
            sched_yield();
    }
    if (pthread_mutex_lock(&g_ledger->lock) == EOWNERDEAD) {
        /* its owner died mid-update: the processes' own counts are the truth */
        for (int d = 0; d < FAKECUDA_MAX_DEVICES; d++) {
            uint64_t sum = 0;
            for (int i = 0; i < FAKECUDA_LEDGER_PROCS; i++)
                if (atomic_load(&g_ledger->procs[i].pid) != 0)
                    sum += atomic_load(&g_ledger->procs[i].live[d]);
            atomic_store(&g_ledger->dev[d].live, sum);
        }
        pthread_mutex_consistent(&g_ledger->lock);
    }
}

static void ledger_unlock(void)
{
    if (g_ledger)
        pthread_mutex_unlock(&g_ledger->lock);
}

static int ledger_attach(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        fprintf(stderr, "fakecuda: cannot open ledger %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    /* Only ever grow the file: a concurrent creator may already have written to it. */
    if (fstat(fd, &st) || (st.st_size < (off_t)sizeof(struct fakecuda_ledger) &&
                           ftruncate(fd, sizeof(struct fakecuda_ledger)))) {
        fprintf(stderr, "fakecuda: cannot size ledger %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    void *p = mmap(NULL, sizeof(struct fakecuda_ledger), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        fprintf(stderr, "fakecuda: cannot map ledger %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct fakecuda_ledger *l = p;
    uint64_t expect = 0;
    if (!atomic_compare_exchange_strong(&l->magic, &expect, FAKECUDA_LEDGER_MAGIC) &&
        expect != FAKECUDA_LEDGER_MAGIC) {
        fprintf(stderr, "fakecuda: %s is not a fakecuda ledger v%d (magic %#" PRIx64 ")\n", path,
                FAKECUDA_LEDGER_VERSION, expect);
        munmap(p, sizeof(struct fakecuda_ledger));
        return -1;
    }
    atomic_fetch_add(&l->attaches, 1);
    uint64_t seen = atomic_load(&l->devices);
    while (seen < (uint64_t)g_ndev && !atomic_compare_exchange_weak(&l->devices, &seen, (uint64_t)g_ndev))
        ;
    for (int d = 0; d < g_ndev; d++)
        atomic_store(&l->dev[d].total, g_totals[d]);
    g_ledger = l;
    g_acct = l->dev;
    proc_claim();
    return 0;
}

static void fc_atfork_prepare(void) { pthread_mutex_lock(&g_lock); }
static void fc_atfork_parent(void) { pthread_mutex_unlock(&g_lock); }

/* A forked child does not own its parent's device memory: forget it so the
 * child's exit does not release the parent's bytes from the ledger. */
static void fc_atfork_child(void)
{
    g_tree = NULL;
    g_list.prev = g_list.next = &g_list;
    memset(g_proc_live, 0, sizeof g_proc_live);
    memset(g_proc_count, 0, sizeof g_proc_count);
    proc_claim();
    pthread_mutex_unlock(&g_lock);
}

static void fc_setup_once(void)
{
    uint64_t ndev = 1, granule = 512, version = CUDA_VERSION, context_mb = 0;
    int bad = 0;
    bad |= env_u64("FAKECUDA_DEVICES", &ndev, 0, FAKECUDA_MAX_DEVICES, 0);
    if (fc_parse_totals(getenv("FAKECUDA_TOTAL_MB"), g_totals)) {
        fprintf(stderr, "fakecuda: invalid FAKECUDA_TOTAL_MB=%s (expected MiB, or MiB per device: 1024,2048)\n",
                getenv("FAKECUDA_TOTAL_MB"));
        bad = -1;
    }
    bad |= env_u64("FAKECUDA_GRANULE", &granule, 1, 1ULL << 30, 1);
    bad |= env_u64("FAKECUDA_DRIVER_VERSION", &version, 1000, INT_MAX, 0);
    bad |= env_u64("FAKECUDA_CONTEXT_MB", &context_mb, 0, 1ULL << 20, 0);
    g_context_bytes = context_mb << 20;
    g_ndev = (int)ndev;
    g_nvis = fc_parse_visible(getenv("CUDA_VISIBLE_DEVICES"), g_ndev, g_visible);
    g_granule = granule;
    g_driver_version = (int)version;
    if (bad)
        g_setup_error = CUDA_ERROR_INVALID_VALUE;

    for (int d = 0; d < FAKECUDA_MAX_DEVICES; d++) {
        g_primary[d].magic = FC_CTX_MAGIC;
        g_primary[d].dev = d;
        g_primary[d].primary = 1;
        atomic_store(&g_local[d].total, g_totals[d]);
    }

    const char *path = getenv("FAKECUDA_LEDGER");
    if (path && *path && ledger_attach(path))
        g_setup_error = CUDA_ERROR_OPERATING_SYSTEM;

    pthread_atfork(fc_atfork_prepare, fc_atfork_parent, fc_atfork_child);
}

__attribute__((constructor)) static void fc_constructor(void)
{
    fc_setup();
}

/* The process is going away and with it its device memory, as with a real
 * driver. Later frees (other libraries' destructors) are charged locally only. */
__attribute__((destructor)) static void fc_destructor(void)
{
    pthread_mutex_lock(&g_lock);
    if (g_acct != g_local) {
        ledger_lock();
        for (int d = 0; d < FAKECUDA_MAX_DEVICES; d++) {
            atomic_fetch_sub(&g_acct[d].live, g_proc_live[d]);
            atomic_fetch_add(&g_acct[d].frees, g_proc_count[d]);
            atomic_store(&g_local[d].live, g_proc_live[d]);
            if (g_me)
                atomic_store(&g_me->live[d], 0);
        }
        if (g_me)
            atomic_store(&g_me->pid, 0);
        g_me = NULL;
        ledger_unlock();
        g_acct = g_local;
    }
    pthread_mutex_unlock(&g_lock);
}

/* ---- allocation bookkeeping -------------------------------------------- */

/* Allocations are disjoint ranges, so "overlaps" is a consistent equality:
 * looking up {p, 1} finds the allocation containing p. */
static int range_cmp(const void *a, const void *b)
{
    const struct fc_alloc *x = a, *y = b;
    if (x->base + x->size <= y->base)
        return -1;
    if (y->base + y->size <= x->base)
        return 1;
    return 0;
}

static struct fc_alloc *find_locked(CUdeviceptr p)
{
    struct fc_alloc key = {.base = p, .size = 1};
    void *hit = tfind(&key, &g_tree, range_cmp);
    return hit ? *(struct fc_alloc **)hit : NULL;
}

static void uncharge_locked(int d, uint64_t size);

static void release_locked(struct fc_alloc *a)
{
    tdelete(a, &g_tree, range_cmp);
    a->prev->next = a->next;
    a->next->prev = a->prev;
    if (!a->host) {
        uncharge_locked(a->dev, a->size);
        g_proc_live[a->dev] -= a->size;
    }
    atomic_fetch_add(&g_acct[a->dev].frees, 1);
    g_proc_count[a->dev]--;
    free(a);
}

static void release_ctx_allocations(struct CUctx_st *ctx)
{
    pthread_mutex_lock(&g_lock);
    for (struct fc_alloc *a = g_list.next, *next; a != &g_list; a = next) {
        next = a->next;
        if (a->ctx == ctx)
            release_locked(a);
    }
    pthread_mutex_unlock(&g_lock);
}

static CUresult current_ctx(struct CUctx_st **out)
{
    struct CUctx_st *c = t_current;
    if (!c)
        return CUDA_ERROR_INVALID_CONTEXT;
    if (!atomic_load(&c->alive))
        return CUDA_ERROR_CONTEXT_IS_DESTROYED;
    *out = c;
    return CUDA_SUCCESS;
}

/* Device memory taken (g_lock held): against the device total, into the ledger's live bytes, its high-water mark and
 * this process's entry; 0, or -1 when the device is full. */
static int charge_locked(int d, uint64_t size)
{
    if (g_acct != g_local) {
        ledger_lock();
        reap_dead_locked();
    }
    struct fakecuda_ledger_dev *acct = &g_acct[d];
    uint64_t live = atomic_load(&acct->live);
    do {
        if (live + size > g_totals[d] || live + size < live) {
            if (g_acct != g_local)
                ledger_unlock();
            return -1;
        }
    } while (!atomic_compare_exchange_weak(&acct->live, &live, live + size));
    if (g_me && g_acct != g_local)
        atomic_fetch_add(&g_me->live[d], size);
    uint64_t now = live + size, hwm = atomic_load(&acct->hwm);
    while (hwm < now && !atomic_compare_exchange_weak(&acct->hwm, &hwm, now))
        ;
    if (g_acct != g_local)
        ledger_unlock();
    return 0;
}

/* Device memory given back (g_lock held). */
static void uncharge_locked(int d, uint64_t size)
{
    if (g_acct != g_local)
        ledger_lock();
    atomic_fetch_sub(&g_acct[d].live, size);
    if (g_me && g_acct != g_local)
        atomic_fetch_sub(&g_me->live[d], size);
    if (g_acct != g_local)
        ledger_unlock();
}

/* charge = 0: an address range onto memory charged elsewhere (an opened IPC handle). */
static CUresult do_alloc_ex(CUdeviceptr *dptr, uint64_t bytes, int legacy, int charge)
{
    struct CUctx_st *ctx;
    CUresult rc;
    if (!dptr || bytes == 0)
        return CUDA_ERROR_INVALID_VALUE;
    if ((rc = current_ctx(&ctx)))
        return rc;
    int d = ctx->dev;
    if (bytes > g_totals[d])
        goto oom_unlocked;
    uint64_t size = (bytes + g_granule - 1) / g_granule * g_granule;

    pthread_mutex_lock(&g_lock);
    struct fakecuda_ledger_dev *acct = &g_acct[d];
    if (charge && charge_locked(d, size)) {
        pthread_mutex_unlock(&g_lock);
        goto oom_unlocked;
    }

    uint64_t *cursor = legacy ? &g_next_lo : &g_next_hi;
    uint64_t base = (*cursor + FC_ADDR_ALIGN - 1) & ~(FC_ADDR_ALIGN - 1);
    struct fc_alloc *a = (legacy && base + size > FC_LO_END) ? NULL : malloc(sizeof *a);
    if (a) {
        a->base = base;
        a->size = size;
        a->dev = d;
        a->managed = 0;
        a->host = !charge;
        a->ctx = ctx;
    }
    if (!a || !tsearch(a, &g_tree, range_cmp)) {
        if (charge)
            uncharge_locked(d, size);
        pthread_mutex_unlock(&g_lock);
        free(a);
        goto oom_unlocked;
    }
    a->next = &g_list;
    a->prev = g_list.prev;
    g_list.prev->next = a;
    g_list.prev = a;
    *cursor = base + size;
    if (charge)
        g_proc_live[d] += size;
    g_proc_count[d]++;
    atomic_fetch_add(&acct->allocs, 1);
    pthread_mutex_unlock(&g_lock);
    *dptr = base;
    return CUDA_SUCCESS;

oom_unlocked:
    atomic_fetch_add(&g_acct[d].ooms, 1);
    return CUDA_ERROR_OUT_OF_MEMORY;
}

static CUresult do_alloc(CUdeviceptr *dptr, uint64_t bytes, int legacy)
{
    return do_alloc_ex(dptr, bytes, legacy, 1);
}

static CUresult do_free(CUdeviceptr p)
{
    struct CUctx_st *ctx;
    CUresult rc;
    if ((rc = current_ctx(&ctx)))
        return rc;
    pthread_mutex_lock(&g_lock);
    struct fc_alloc *a = find_locked(p);
    if (!a || a->base != p) {
        pthread_mutex_unlock(&g_lock);
        return CUDA_ERROR_INVALID_VALUE;
    }
    release_locked(a);
    pthread_mutex_unlock(&g_lock);
    return CUDA_SUCCESS;
}

static CUresult do_mem_info(uint64_t *free_out, uint64_t *total_out)
{
    struct CUctx_st *ctx;
    CUresult rc;
    if ((rc = current_ctx(&ctx)))
        return rc;
    uint64_t used = atomic_load(&g_acct[ctx->dev].live), total = g_totals[ctx->dev];
    *free_out = used >= total ? 0 : total - used;
    *total_out = total;
    return CUDA_SUCCESS;
}

static CUresult do_address_range(uint64_t *base, uint64_t *size, CUdeviceptr p)
{
    struct CUctx_st *ctx;
    CUresult rc;
    if ((rc = current_ctx(&ctx)))
        return rc;
    pthread_mutex_lock(&g_lock);
    struct fc_alloc *a = find_locked(p);
    if (a) {
        *base = a->base;
        *size = a->size;
    }
    pthread_mutex_unlock(&g_lock);
    return a ? CUDA_SUCCESS : CUDA_ERROR_NOT_FOUND;
}

static unsigned int clamp_u32(uint64_t v)
{
    return v > UINT_MAX ? UINT_MAX : (unsigned int)v;
}

/* ---- initialization, version, devices ---------------------------------- */

FC_EXPORT CUresult CUDAAPI cuInit(unsigned int flags)
{
    COUNT(cuInit);
    if (g_setup_error)
        return g_setup_error;
    if (flags != 0)
        return CUDA_ERROR_INVALID_VALUE;
    if (g_nvis == 0)
        return CUDA_ERROR_NO_DEVICE;
    atomic_store(&g_initialized, 1);
    return CUDA_SUCCESS;
}

/* Like the real driver, usable before cuInit. */
FC_EXPORT CUresult CUDAAPI cuDriverGetVersion(int *driverVersion)
{
    COUNT(cuDriverGetVersion);
    if (!driverVersion)
        return CUDA_ERROR_INVALID_VALUE;
    *driverVersion = g_driver_version;
    return CUDA_SUCCESS;
}

static int valid_dev(CUdevice dev)
{
    return dev >= 0 && dev < g_nvis;
}

/* The physical device behind a visible ordinal (valid_dev checked). */
static int phys(CUdevice dev)
{
    return g_visible[dev];
}

/* The visible ordinal of a physical device (one of ours: a context was made on it). */
static CUdevice ordinal_of(int physical)
{
    for (int i = 0; i < g_nvis; i++)
        if (g_visible[i] == physical)
            return i;
    return -1;
}

FC_EXPORT CUresult CUDAAPI cuDeviceGet(CUdevice *device, int ordinal)
{
    COUNT(cuDeviceGet);
    REQUIRE_INIT();
    if (!device)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(ordinal))
        return CUDA_ERROR_INVALID_DEVICE;
    *device = ordinal;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuDeviceGetCount(int *count)
{
    COUNT(cuDeviceGetCount);
    REQUIRE_INIT();
    if (!count)
        return CUDA_ERROR_INVALID_VALUE;
    *count = g_nvis;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuDeviceGetName(char *name, int len, CUdevice dev)
{
    COUNT(cuDeviceGetName);
    REQUIRE_INIT();
    if (!name || len <= 0)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    snprintf(name, (size_t)len, "Fake GPU %d", phys(dev));
    return CUDA_SUCCESS;
}

static CUresult do_uuid(CUuuid *uuid, CUdevice dev)
{
    REQUIRE_INIT();
    if (!uuid)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    fc_uuid_bytes(phys(dev), (unsigned char *)uuid->bytes);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuDeviceGetUuid(CUuuid *uuid, CUdevice dev)
{
    COUNT(cuDeviceGetUuid);
    return do_uuid(uuid, dev);
}

FC_EXPORT CUresult CUDAAPI cuDeviceGetUuid_v2(CUuuid *uuid, CUdevice dev)
{
    COUNT(cuDeviceGetUuid_v2);
    return do_uuid(uuid, dev);
}

FC_EXPORT CUresult CUDAAPI cuDeviceTotalMem(unsigned int *bytes, CUdevice dev)
{
    COUNT(cuDeviceTotalMem);
    REQUIRE_INIT();
    if (!bytes)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    *bytes = clamp_u32(g_totals[phys(dev)]);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
{
    COUNT(cuDeviceTotalMem_v2);
    REQUIRE_INIT();
    if (!bytes)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    *bytes = g_totals[phys(dev)];
    return CUDA_SUCCESS;
}

/* Roughly an H100 SXM. */
FC_EXPORT CUresult CUDAAPI cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)
{
    COUNT(cuDeviceGetAttribute);
    REQUIRE_INIT();
    if (!pi || attrib <= 0 || attrib >= CU_DEVICE_ATTRIBUTE_MAX)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    int v = 0;
    switch (attrib) {
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: v = 132; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: v = 9; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: v = 0; break;
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X: v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: v = 64; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: v = INT_MAX; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: v = 65535; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: v = 65535; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: v = 49152; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: v = 232448; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR: v = 233472; break;
    case CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY: v = 65536; break;
    case CU_DEVICE_ATTRIBUTE_WARP_SIZE: v = 32; break;
    case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK: v = 65536; break;
    case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR: v = 65536; break;
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR: v = 2048; break;
    case CU_DEVICE_ATTRIBUTE_CLOCK_RATE: v = 1980000; break;
    case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE: v = 2619000; break;
    case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH: v = 5120; break;
    case CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE: v = 50 << 20; break;
    case CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT: v = 3; break;
    case CU_DEVICE_ATTRIBUTE_PCI_BUS_ID: v = phys(dev) + 1; break;
    case CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING:
    case CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY:
    case CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS:
    case CU_DEVICE_ATTRIBUTE_ECC_ENABLED:
    case CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY:
    case CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS:
    case CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED:
    case CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED:
        v = 1;
        break;
    default: break;
    }
    *pi = v;
    return CUDA_SUCCESS;
}

/* ---- contexts ------------------------------------------------------------ */

/* A context's own device memory (FAKECUDA_CONTEXT_MB), g_lock held: 0, or -1 when the device is full. */
static int ctx_charge_locked(int d)
{
    if (!g_context_bytes)
        return 0;
    if (charge_locked(d, g_context_bytes))
        return -1;
    g_proc_live[d] += g_context_bytes;
    return 0;
}

static void ctx_uncharge_locked(int d)
{
    if (!g_context_bytes)
        return;
    uncharge_locked(d, g_context_bytes);
    g_proc_live[d] -= g_context_bytes;
}

static int valid_ctx(struct CUctx_st *c)
{
    return c && c->magic == FC_CTX_MAGIC;
}

FC_EXPORT CUresult CUDAAPI cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
{
    COUNT(cuDevicePrimaryCtxRetain);
    REQUIRE_INIT();
    if (!pctx)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    pthread_mutex_lock(&g_lock);
    if (atomic_load(&g_primary[phys(dev)].refcount) == 0 && ctx_charge_locked(phys(dev))) {
        pthread_mutex_unlock(&g_lock);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    atomic_fetch_add(&g_primary[phys(dev)].refcount, 1);
    atomic_store(&g_primary[phys(dev)].alive, 1);
    pthread_mutex_unlock(&g_lock);
    *pctx = &g_primary[phys(dev)];
    return CUDA_SUCCESS;
}

/* Dropping the last reference destroys the primary context and, as on a real
 * GPU, the memory allocated in it; the handle stays valid for a later retain. */
static CUresult do_primary_release(CUdevice dev)
{
    REQUIRE_INIT();
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    struct CUctx_st *c = &g_primary[phys(dev)];
    pthread_mutex_lock(&g_lock);
    int refs = atomic_load(&c->refcount);
    if (refs == 0) {
        pthread_mutex_unlock(&g_lock);
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    atomic_store(&c->refcount, refs - 1);
    if (refs == 1) {
        atomic_store(&c->alive, 0);
        ctx_uncharge_locked(c->dev);
    }
    pthread_mutex_unlock(&g_lock);
    if (refs == 1)
        release_ctx_allocations(c);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuDevicePrimaryCtxRelease(CUdevice dev)
{
    COUNT(cuDevicePrimaryCtxRelease);
    return do_primary_release(dev);
}

FC_EXPORT CUresult CUDAAPI cuDevicePrimaryCtxRelease_v2(CUdevice dev)
{
    COUNT(cuDevicePrimaryCtxRelease_v2);
    return do_primary_release(dev);
}

/* Contexts are never freed, so stale handles stay safe to inspect. */
static CUresult do_ctx_create(CUcontext *pctx, unsigned int flags, CUdevice dev)
{
    REQUIRE_INIT();
    if (!pctx)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    pthread_mutex_lock(&g_lock);
    int full = ctx_charge_locked(phys(dev));
    pthread_mutex_unlock(&g_lock);
    if (full)
        return CUDA_ERROR_OUT_OF_MEMORY;
    struct CUctx_st *c = calloc(1, sizeof *c);
    if (!c)
        return CUDA_ERROR_OUT_OF_MEMORY;
    c->magic = FC_CTX_MAGIC;
    c->dev = phys(dev);
    c->flags = flags;
    atomic_store(&c->alive, 1);
    t_current = c;
    *pctx = c;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuCtxCreate(CUcontext *pctx, unsigned int flags, CUdevice dev)
{
    COUNT(cuCtxCreate);
    return do_ctx_create(pctx, flags, dev);
}

FC_EXPORT CUresult CUDAAPI cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev)
{
    COUNT(cuCtxCreate_v2);
    return do_ctx_create(pctx, flags, dev);
}

FC_EXPORT CUresult CUDAAPI cuCtxCreate_v3(CUcontext *pctx, CUexecAffinityParam *paramsArray, int numParams,
                                          unsigned int flags, CUdevice dev)
{
    COUNT(cuCtxCreate_v3);
    REQUIRE_INIT();
    if (numParams < 0 || (numParams > 0 && !paramsArray))
        return CUDA_ERROR_INVALID_VALUE;
    return do_ctx_create(pctx, flags, dev);
}

FC_EXPORT CUresult CUDAAPI cuCtxCreate_v4(CUcontext *pctx, CUctxCreateParams *ctxCreateParams, unsigned int flags,
                                          CUdevice dev)
{
    COUNT(cuCtxCreate_v4);
    REQUIRE_INIT();
    if (ctxCreateParams) {
        if (ctxCreateParams->execAffinityParams && ctxCreateParams->cigParams)
            return CUDA_ERROR_INVALID_VALUE;
        if (ctxCreateParams->cigParams)
            return CUDA_ERROR_NOT_SUPPORTED;
    }
    return do_ctx_create(pctx, flags, dev);
}

static CUresult do_ctx_destroy(CUcontext ctx)
{
    REQUIRE_INIT();
    if (!valid_ctx(ctx) || ctx->primary || !atomic_exchange(&ctx->alive, 0))
        return CUDA_ERROR_INVALID_CONTEXT;
    if (t_current == ctx)
        t_current = NULL;
    pthread_mutex_lock(&g_lock);
    ctx_uncharge_locked(ctx->dev);
    pthread_mutex_unlock(&g_lock);
    release_ctx_allocations(ctx);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuCtxDestroy(CUcontext ctx)
{
    COUNT(cuCtxDestroy);
    return do_ctx_destroy(ctx);
}

FC_EXPORT CUresult CUDAAPI cuCtxDestroy_v2(CUcontext ctx)
{
    COUNT(cuCtxDestroy_v2);
    return do_ctx_destroy(ctx);
}

FC_EXPORT CUresult CUDAAPI cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active)
{
    COUNT(cuDevicePrimaryCtxGetState);
    REQUIRE_INIT();
    if (!flags || !active)
        return CUDA_ERROR_INVALID_VALUE;
    if (!valid_dev(dev))
        return CUDA_ERROR_INVALID_DEVICE;
    *flags = g_primary[dev].flags;
    *active = atomic_load(&g_primary[dev].refcount) > 0;
    return CUDA_SUCCESS;
}

/* A one-deep stack per thread is all the fake keeps: push saves the current context, pop restores it. */
static __thread struct CUctx_st *t_pushed;

FC_EXPORT CUresult CUDAAPI cuCtxPushCurrent_v2(CUcontext ctx)
{
    COUNT(cuCtxPushCurrent_v2);
    REQUIRE_INIT();
    if (!valid_ctx(ctx))
        return CUDA_ERROR_INVALID_CONTEXT;
    t_pushed = t_current;
    t_current = ctx;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuCtxPopCurrent_v2(CUcontext *pctx)
{
    COUNT(cuCtxPopCurrent_v2);
    REQUIRE_INIT();
    if (pctx)
        *pctx = t_current;
    t_current = t_pushed;
    t_pushed = NULL;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuCtxGetCurrent(CUcontext *pctx)
{
    COUNT(cuCtxGetCurrent);
    REQUIRE_INIT();
    if (!pctx)
        return CUDA_ERROR_INVALID_VALUE;
    *pctx = t_current;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuCtxSetCurrent(CUcontext ctx)
{
    COUNT(cuCtxSetCurrent);
    REQUIRE_INIT();
    if (ctx && !valid_ctx(ctx))
        return CUDA_ERROR_INVALID_CONTEXT;
    t_current = ctx;
    return CUDA_SUCCESS;
}

static CUresult ctx_or_current(CUcontext ctx, struct CUctx_st **out)
{
    if (!ctx)
        return current_ctx(out);
    if (!valid_ctx(ctx))
        return CUDA_ERROR_INVALID_CONTEXT;
    if (!atomic_load(&ctx->alive))
        return CUDA_ERROR_CONTEXT_IS_DESTROYED;
    *out = ctx;
    return CUDA_SUCCESS;
}

static CUresult do_ctx_get_device(CUdevice *device, CUcontext ctx)
{
    struct CUctx_st *c;
    CUresult rc;
    REQUIRE_INIT();
    if (!device)
        return CUDA_ERROR_INVALID_VALUE;
    if ((rc = ctx_or_current(ctx, &c)))
        return rc;
    *device = ordinal_of(c->dev);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuCtxGetDevice(CUdevice *device)
{
    COUNT(cuCtxGetDevice);
    return do_ctx_get_device(device, NULL);
}

FC_EXPORT CUresult CUDAAPI cuCtxGetDevice_v2(CUdevice *device, CUcontext ctx)
{
    COUNT(cuCtxGetDevice_v2);
    return do_ctx_get_device(device, ctx);
}

static CUresult do_ctx_sync(CUcontext ctx)
{
    struct CUctx_st *c;
    REQUIRE_INIT();
    CUresult rc = ctx_or_current(ctx, &c);
    if (rc == CUDA_SUCCESS)
        fc_exec_synchronize();
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuCtxSynchronize(void)
{
    COUNT(cuCtxSynchronize);
    return do_ctx_sync(NULL);
}

FC_EXPORT CUresult CUDAAPI cuCtxSynchronize_v2(CUcontext ctx)
{
    COUNT(cuCtxSynchronize_v2);
    return do_ctx_sync(ctx);
}

/* ---- memory -------------------------------------------------------------- */

FC_EXPORT CUresult CUDAAPI cuMemAlloc(CUdeviceptr_v1 *dptr, unsigned int bytesize)
{
    COUNT(cuMemAlloc);
    REQUIRE_INIT();
    if (!dptr)
        return CUDA_ERROR_INVALID_VALUE;
    CUdeviceptr p;
    CUresult rc = do_alloc(&p, bytesize, 1);
    if (rc == CUDA_SUCCESS)
        *dptr = (CUdeviceptr_v1)p;
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)
{
    COUNT(cuMemAlloc_v2);
    REQUIRE_INIT();
    return do_alloc(dptr, bytesize, 0);
}

FC_EXPORT CUresult CUDAAPI cuMemFree(CUdeviceptr_v1 dptr)
{
    COUNT(cuMemFree);
    REQUIRE_INIT();
    return do_free(dptr);
}

FC_EXPORT CUresult CUDAAPI cuMemFree_v2(CUdeviceptr dptr)
{
    COUNT(cuMemFree_v2);
    REQUIRE_INIT();
    return do_free(dptr);
}

FC_EXPORT CUresult CUDAAPI cuMemGetInfo(unsigned int *free, unsigned int *total)
{
    COUNT(cuMemGetInfo);
    REQUIRE_INIT();
    if (!free || !total)
        return CUDA_ERROR_INVALID_VALUE;
    uint64_t f, t;
    CUresult rc = do_mem_info(&f, &t);
    if (rc == CUDA_SUCCESS) {
        *free = clamp_u32(f);
        *total = clamp_u32(t);
    }
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuMemGetInfo_v2(size_t *free, size_t *total)
{
    COUNT(cuMemGetInfo_v2);
    REQUIRE_INIT();
    if (!free || !total)
        return CUDA_ERROR_INVALID_VALUE;
    uint64_t f, t;
    CUresult rc = do_mem_info(&f, &t);
    if (rc == CUDA_SUCCESS) {
        *free = f;
        *total = t;
    }
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuMemGetAddressRange(CUdeviceptr_v1 *pbase, unsigned int *psize, CUdeviceptr_v1 dptr)
{
    COUNT(cuMemGetAddressRange);
    REQUIRE_INIT();
    uint64_t b, s;
    CUresult rc = do_address_range(&b, &s, dptr);
    if (rc == CUDA_SUCCESS) {
        if (pbase)
            *pbase = (CUdeviceptr_v1)b;
        if (psize)
            *psize = clamp_u32(s);
    }
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuMemGetAddressRange_v2(CUdeviceptr *pbase, size_t *psize, CUdeviceptr dptr)
{
    COUNT(cuMemGetAddressRange_v2);
    REQUIRE_INIT();
    uint64_t b, s;
    CUresult rc = do_address_range(&b, &s, dptr);
    if (rc == CUDA_SUCCESS) {
        if (pbase)
            *pbase = b;
        if (psize)
            *psize = s;
    }
    return rc;
}

/* ---- execution ----------------------------------------------------------- */

/* There are no modules, so any non-NULL CUfunction is accepted as a kernel. */
static CUresult do_launch(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                          unsigned int by, unsigned int bz)
{
    struct CUctx_st *ctx;
    CUresult rc;
    REQUIRE_INIT();
    if ((rc = current_ctx(&ctx)))
        return rc;
    if (!f)
        return CUDA_ERROR_INVALID_HANDLE;
    if (!gx || !gy || !gz || !bx || !by || !bz || (uint64_t)bx * by * bz > 1024)
        return CUDA_ERROR_INVALID_VALUE;
    atomic_fetch_add(&g_acct[ctx->dev].launches, 1);
    return CUDA_SUCCESS;
}

/* fake_exec.c's other launch paths: the real driver never re-enters its own exports (an interposer would see them). */
__attribute__((visibility("hidden"))) CUresult fc_launch(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                                                          unsigned bx, unsigned by, unsigned bz, CUstream stream)
{
    CUresult rc = do_launch(f, gx, gy, gz, bx, by, bz);
    if (rc == CUDA_SUCCESS)
        fc_exec_launched(stream);
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                          unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
                                          unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream,
                                          void **kernelParams, void **extra)
{
    COUNT(cuLaunchKernel);
    (void)sharedMemBytes, (void)kernelParams, (void)extra;
    CUresult rc = do_launch(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ);
    if (rc == CUDA_SUCCESS)
        fc_exec_launched(hStream);
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuLaunchKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                               unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
                                               unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream,
                                               void **kernelParams, void **extra)
{
    COUNT(cuLaunchKernel_ptsz);
    (void)sharedMemBytes, (void)kernelParams, (void)extra;
    CUresult rc = do_launch(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ);
    if (rc == CUDA_SUCCESS)
        fc_exec_launched(hStream);
    return rc;
}

/* ---- errors -------------------------------------------------------------- */

struct fc_error {
    CUresult code;
    const char *name;
    const char *text;
};

#define E(code, text) {code, #code, text}
static const struct fc_error g_errors[] = {
    E(CUDA_SUCCESS, "no error"),
    E(CUDA_ERROR_INVALID_VALUE, "invalid argument"),
    E(CUDA_ERROR_OUT_OF_MEMORY, "out of memory"),
    E(CUDA_ERROR_NOT_INITIALIZED, "initialization error"),
    E(CUDA_ERROR_DEINITIALIZED, "driver shutting down"),
    E(CUDA_ERROR_STUB_LIBRARY, "CUDA driver is a stub library"),
    E(CUDA_ERROR_NO_DEVICE, "no CUDA-capable device is detected"),
    E(CUDA_ERROR_INVALID_DEVICE, "invalid device ordinal"),
    E(CUDA_ERROR_INVALID_IMAGE, "device kernel image is invalid"),
    E(CUDA_ERROR_INVALID_CONTEXT, "invalid device context"),
    E(CUDA_ERROR_CONTEXT_ALREADY_CURRENT, "context already current"),
    E(CUDA_ERROR_OPERATING_SYSTEM, "OS call failed or operation not supported on this OS"),
    E(CUDA_ERROR_INVALID_HANDLE, "invalid resource handle"),
    E(CUDA_ERROR_ILLEGAL_STATE, "the operation cannot be performed in the present state"),
    E(CUDA_ERROR_NOT_FOUND, "named symbol not found"),
    E(CUDA_ERROR_NOT_READY, "device not ready"),
    E(CUDA_ERROR_ILLEGAL_ADDRESS, "an illegal memory access was encountered"),
    E(CUDA_ERROR_LAUNCH_FAILED, "unspecified launch failure"),
    E(CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE, "primary context active"),
    E(CUDA_ERROR_CONTEXT_IS_DESTROYED, "context is destroyed"),
    E(CUDA_ERROR_NOT_PERMITTED, "operation not permitted"),
    E(CUDA_ERROR_NOT_SUPPORTED, "operation not supported"),
    E(CUDA_ERROR_UNKNOWN, "unknown error"),
};
#undef E

static const struct fc_error *find_error(CUresult code)
{
    for (size_t i = 0; i < sizeof g_errors / sizeof g_errors[0]; i++)
        if (g_errors[i].code == code)
            return &g_errors[i];
    return NULL;
}

FC_EXPORT CUresult CUDAAPI cuGetErrorName(CUresult error, const char **pStr)
{
    COUNT(cuGetErrorName);
    if (!pStr)
        return CUDA_ERROR_INVALID_VALUE;
    const struct fc_error *e = find_error(error);
    *pStr = e ? e->name : NULL;
    return e ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

FC_EXPORT CUresult CUDAAPI cuGetErrorString(CUresult error, const char **pStr)
{
    COUNT(cuGetErrorString);
    if (!pStr)
        return CUDA_ERROR_INVALID_VALUE;
    const struct fc_error *e = find_error(error);
    *pStr = e ? e->text : NULL;
    return e ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

FC_EXPORT CUresult CUDAAPI cuGetExportTable(const void **ppExportTable, const CUuuid *pExportTableId)
{
    COUNT(cuGetExportTable);
    (void)pExportTableId;
    if (ppExportTable)
        *ppExportTable = NULL;
    return CUDA_ERROR_NOT_SUPPORTED;
}

/* ---- entry point lookup --------------------------------------------------- */

/* Hidden aliases bind locally, so the table holds this library's own code
 * addresses even when a preloaded library interposes the exported names; a
 * real driver hands out its internal entry points the same way. */

/* ---- managed, pitched and stream-ordered allocations --------------------- */

FC_EXPORT CUresult CUDAAPI cuMemAllocManaged(CUdeviceptr *dptr, size_t bytesize, unsigned int flags)
{
    COUNT(cuMemAllocManaged);
    REQUIRE_INIT();
    (void)flags;
    CUresult rc = do_alloc(dptr, bytesize, 0);
    if (rc == CUDA_SUCCESS) {
        pthread_mutex_lock(&g_lock);
        find_locked(*dptr)->managed = 1;
        pthread_mutex_unlock(&g_lock);
    }
    return rc;
}

/* Managed memory is charged to the device when allocated (as if touched there); preferring the host moves it off the
 * device's books, the way its pages would stay in host RAM. Other advice is checked and accepted. */
FC_EXPORT CUresult CUDAAPI cuMemAdvise_v2(CUdeviceptr devPtr, size_t count, CUmem_advise advice, CUmemLocation location)
{
    COUNT(cuMemAdvise_v2);
    REQUIRE_INIT();
    if (count == 0 || advice < CU_MEM_ADVISE_SET_READ_MOSTLY || advice > CU_MEM_ADVISE_UNSET_ACCESSED_BY)
        return CUDA_ERROR_INVALID_VALUE;
    if (location.type == CU_MEM_LOCATION_TYPE_DEVICE && !valid_dev(location.id))
        return CUDA_ERROR_INVALID_DEVICE;
    pthread_mutex_lock(&g_lock);
    struct fc_alloc *a = find_locked(devPtr);
    CUresult rc = a && a->managed && devPtr + count <= a->base + a->size ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
    if (rc == CUDA_SUCCESS && advice == CU_MEM_ADVISE_SET_PREFERRED_LOCATION && location.type == CU_MEM_LOCATION_TYPE_HOST
        && !a->host) {
        a->host = 1;
        uncharge_locked(a->dev, a->size);
        g_proc_live[a->dev] -= a->size;
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

/* Rows are padded to FC_PITCH bytes, like a driver aligning them for texture hardware. */
#define FC_PITCH 512u

FC_EXPORT CUresult CUDAAPI cuMemAllocPitch_v2(CUdeviceptr *dptr, size_t *pPitch, size_t WidthInBytes, size_t Height,
                                              unsigned int ElementSizeBytes)
{
    COUNT(cuMemAllocPitch_v2);
    REQUIRE_INIT();
    if (!pPitch || WidthInBytes == 0 || Height == 0 || (ElementSizeBytes != 4 && ElementSizeBytes != 8 &&
                                                       ElementSizeBytes != 16))
        return CUDA_ERROR_INVALID_VALUE;
    size_t pitch = (WidthInBytes + FC_PITCH - 1) / FC_PITCH * FC_PITCH;
    CUresult rc = do_alloc(dptr, (uint64_t)pitch * Height, 0);
    if (rc == CUDA_SUCCESS)
        *pPitch = pitch;
    return rc;
}

/* Stream-ordered allocations take effect at once here: the fake has no streams to order them on. */
FC_EXPORT CUresult CUDAAPI cuMemAllocAsync(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)
{
    COUNT(cuMemAllocAsync);
    REQUIRE_INIT();
    (void)hStream;
    return do_alloc(dptr, bytesize, 0);
}

FC_EXPORT CUresult CUDAAPI cuMemAllocAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)
{
    COUNT(cuMemAllocAsync_ptsz);
    REQUIRE_INIT();
    (void)hStream;
    return do_alloc(dptr, bytesize, 0);
}

FC_EXPORT CUresult CUDAAPI cuMemAllocFromPoolAsync(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool,
                                                   CUstream hStream)
{
    COUNT(cuMemAllocFromPoolAsync);
    REQUIRE_INIT();
    (void)pool;
    (void)hStream;
    return do_alloc(dptr, bytesize, 0);
}

FC_EXPORT CUresult CUDAAPI cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool,
                                                        CUstream hStream)
{
    COUNT(cuMemAllocFromPoolAsync_ptsz);
    REQUIRE_INIT();
    (void)pool;
    (void)hStream;
    return do_alloc(dptr, bytesize, 0);
}

FC_EXPORT CUresult CUDAAPI cuMemFreeAsync(CUdeviceptr dptr, CUstream hStream)
{
    COUNT(cuMemFreeAsync);
    REQUIRE_INIT();
    (void)hStream;
    return do_free(dptr);
}

FC_EXPORT CUresult CUDAAPI cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream hStream)
{
    COUNT(cuMemFreeAsync_ptsz);
    REQUIRE_INIT();
    (void)hStream;
    return do_free(dptr);
}

/* ---- virtual memory management ---------------------------------------------
 * A physical allocation is charged at cuMemCreate and given back when its handle references and its mappings both
 * reach zero, as the driver documents. Imported handles alias the exporter's physical allocation. */

#define FC_VMM_GRANULE (2u << 20)
#define FC_VMM_MAX 4096

struct fc_physical {
    uint64_t size;
    int dev;
    int refs; /* handles naming it (create, import, retain) not yet released */
    int maps;
};

struct fc_handle {
    struct fc_physical *phys; /* NULL: free entry */
    CUmemGenericAllocationHandle id;
};

struct fc_mapping {
    uint64_t va, size;
    struct fc_physical *phys;
};

static struct fc_handle g_handles[FC_VMM_MAX];
static struct fc_mapping g_mappings[FC_VMM_MAX];
static uint64_t g_next_va = 0x3000000000000000ULL;
/* Handle values are never reused, like the driver's, whose handles name objects that live while mapped. */
static CUmemGenericAllocationHandle g_next_handle = 0x48000;

static void vmm_settle_locked(struct fc_physical *p)
{
    if (p->refs <= 0 && p->maps <= 0) {
        uncharge_locked(p->dev, p->size);
        g_proc_live[p->dev] -= p->size;
        free(p);
    }
}

static CUresult vmm_new_handle_locked(struct fc_physical *p, CUmemGenericAllocationHandle *handle)
{
    for (int i = 0; i < FC_VMM_MAX; i++) {
        if (g_handles[i].phys == NULL) {
            g_handles[i].phys = p;
            g_handles[i].id = ++g_next_handle;
            *handle = g_handles[i].id;
            return CUDA_SUCCESS;
        }
    }
    return CUDA_ERROR_OUT_OF_MEMORY;
}

static struct fc_handle *vmm_find_locked(CUmemGenericAllocationHandle handle)
{
    for (int i = 0; handle && i < FC_VMM_MAX; i++)
        if (g_handles[i].phys && g_handles[i].id == handle)
            return &g_handles[i];
    return NULL;
}

static struct fc_physical *vmm_lookup_locked(CUmemGenericAllocationHandle handle)
{
    struct fc_handle *h = vmm_find_locked(handle);
    return h ? h->phys : NULL;
}

FC_EXPORT CUresult CUDAAPI cuMemGetAllocationGranularity(size_t *granularity, const CUmemAllocationProp *prop,
                                                         CUmemAllocationGranularity_flags option)
{
    COUNT(cuMemGetAllocationGranularity);
    REQUIRE_INIT();
    (void)option;
    if (!granularity || !prop)
        return CUDA_ERROR_INVALID_VALUE;
    *granularity = FC_VMM_GRANULE;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuMemCreate(CUmemGenericAllocationHandle *handle, size_t size,
                                       const CUmemAllocationProp *prop, unsigned long long flags)
{
    COUNT(cuMemCreate);
    REQUIRE_INIT();
    (void)flags;
    if (!handle || !prop || size == 0 || size % FC_VMM_GRANULE || prop->location.type != CU_MEM_LOCATION_TYPE_DEVICE ||
        !valid_dev(prop->location.id))
        return CUDA_ERROR_INVALID_VALUE;
    struct fc_physical *p = calloc(1, sizeof *p);
    if (!p)
        return CUDA_ERROR_OUT_OF_MEMORY;
    p->size = size;
    p->dev = phys(prop->location.id);
    p->refs = 1;
    pthread_mutex_lock(&g_lock);
    if (charge_locked(p->dev, size)) {
        pthread_mutex_unlock(&g_lock);
        atomic_fetch_add(&g_acct[p->dev].ooms, 1);
        free(p);
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    g_proc_live[p->dev] += size;
    CUresult rc = vmm_new_handle_locked(p, handle);
    if (rc != CUDA_SUCCESS) {
        p->refs = 0;
        vmm_settle_locked(p);
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuMemRelease(CUmemGenericAllocationHandle handle)
{
    COUNT(cuMemRelease);
    REQUIRE_INIT();
    pthread_mutex_lock(&g_lock);
    struct fc_handle *h = vmm_find_locked(handle);
    struct fc_physical *p = h ? h->phys : NULL;
    if (p) {
        h->phys = NULL;
        p->refs--;
        vmm_settle_locked(p);
    }
    pthread_mutex_unlock(&g_lock);
    return p ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

FC_EXPORT CUresult CUDAAPI cuMemAddressReserve(CUdeviceptr *ptr, size_t size, size_t alignment, CUdeviceptr addr,
                                               unsigned long long flags)
{
    COUNT(cuMemAddressReserve);
    REQUIRE_INIT();
    (void)alignment;
    (void)addr;
    (void)flags;
    if (!ptr || size == 0 || size % FC_VMM_GRANULE)
        return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&g_lock);
    *ptr = g_next_va;
    g_next_va += size + FC_VMM_GRANULE;
    pthread_mutex_unlock(&g_lock);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuMemAddressFree(CUdeviceptr ptr, size_t size)
{
    COUNT(cuMemAddressFree);
    REQUIRE_INIT();
    return ptr && size ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

FC_EXPORT CUresult CUDAAPI cuMemMap(CUdeviceptr ptr, size_t size, size_t offset, CUmemGenericAllocationHandle handle,
                                    unsigned long long flags)
{
    COUNT(cuMemMap);
    REQUIRE_INIT();
    (void)flags;
    CUresult rc = CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&g_lock);
    struct fc_physical *p = vmm_lookup_locked(handle);
    if (p && ptr && size && offset + size <= p->size) {
        for (int i = 0; i < FC_VMM_MAX; i++) {
            if (g_mappings[i].phys == NULL) {
                g_mappings[i] = (struct fc_mapping){ptr, size, p};
                p->maps++;
                rc = CUDA_SUCCESS;
                break;
            }
        }
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuMemUnmap(CUdeviceptr ptr, size_t size)
{
    COUNT(cuMemUnmap);
    REQUIRE_INIT();
    int found = 0;
    pthread_mutex_lock(&g_lock);
    for (int i = 0; i < FC_VMM_MAX; i++) {
        struct fc_mapping *m = &g_mappings[i];
        if (m->phys && m->va >= ptr && m->va < ptr + size) {
            struct fc_physical *p = m->phys;
            m->phys = NULL;
            p->maps--;
            vmm_settle_locked(p);
            found = 1;
        }
    }
    pthread_mutex_unlock(&g_lock);
    return found ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

FC_EXPORT CUresult CUDAAPI cuMemSetAccess(CUdeviceptr ptr, size_t size, const CUmemAccessDesc *desc, size_t count)
{
    COUNT(cuMemSetAccess);
    REQUIRE_INIT();
    return ptr && size && desc && count ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

FC_EXPORT CUresult CUDAAPI cuMemRetainAllocationHandle(CUmemGenericAllocationHandle *handle, void *addr)
{
    COUNT(cuMemRetainAllocationHandle);
    REQUIRE_INIT();
    CUresult rc = CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&g_lock);
    for (int i = 0; handle && i < FC_VMM_MAX; i++) {
        struct fc_mapping *m = &g_mappings[i];
        if (m->phys && (uint64_t)(uintptr_t)addr >= m->va && (uint64_t)(uintptr_t)addr < m->va + m->size) {
            rc = vmm_new_handle_locked(m->phys, handle);
            if (rc == CUDA_SUCCESS)
                m->phys->refs++;
            break;
        }
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

/* The "shareable handle" is the handle number itself: enough for one process to export and import its own. */
FC_EXPORT CUresult CUDAAPI cuMemExportToShareableHandle(void *shareableHandle, CUmemGenericAllocationHandle handle,
                                                        CUmemAllocationHandleType handleType, unsigned long long flags)
{
    COUNT(cuMemExportToShareableHandle);
    REQUIRE_INIT();
    (void)handleType;
    (void)flags;
    if (!shareableHandle)
        return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&g_lock);
    int known = vmm_lookup_locked(handle) != NULL;
    pthread_mutex_unlock(&g_lock);
    if (!known)
        return CUDA_ERROR_INVALID_VALUE;
    *(int *)shareableHandle = (int)handle;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuMemImportFromShareableHandle(CUmemGenericAllocationHandle *handle, void *osHandle,
                                                          CUmemAllocationHandleType shHandleType)
{
    COUNT(cuMemImportFromShareableHandle);
    REQUIRE_INIT();
    (void)shHandleType;
    CUresult rc = CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&g_lock);
    struct fc_physical *p = handle ? vmm_lookup_locked((CUmemGenericAllocationHandle)(uintptr_t)osHandle) : NULL;
    if (p && (rc = vmm_new_handle_locked(p, handle)) == CUDA_SUCCESS)
        p->refs++;
    pthread_mutex_unlock(&g_lock);
    return rc;
}


/* ---- arrays and external memory ---------------------------------------------
 * Backed by ordinary fake allocations (the ledger counts them; the handle is the allocation's address). Array rows are
 * padded to FC_PITCH and the total to FC_ARRAY_GRANULE, more than the descriptor's raw size, the way a driver lays
 * arrays out for texture hardware; cuArrayGetMemoryRequirements reports that padded size. */

#define FC_ARRAY_GRANULE (64u << 10)

static uint64_t fc_format_bytes(CUarray_format format)
{
    switch (format) {
    case CU_AD_FORMAT_UNSIGNED_INT8:
    case CU_AD_FORMAT_SIGNED_INT8:
        return 1;
    case CU_AD_FORMAT_UNSIGNED_INT16:
    case CU_AD_FORMAT_SIGNED_INT16:
    case CU_AD_FORMAT_HALF:
        return 2;
    case CU_AD_FORMAT_UNSIGNED_INT32:
    case CU_AD_FORMAT_SIGNED_INT32:
    case CU_AD_FORMAT_FLOAT:
        return 4;
    default:
        return 0;
    }
}

static CUresult fc_array_create(void **handle, size_t w, size_t h, size_t d, CUarray_format format, unsigned channels,
                                unsigned flags, unsigned levels)
{
    uint64_t element = fc_format_bytes(format) * channels;
    if (!handle || w == 0 || element == 0 || channels > 4 || levels == 0 || levels > 32)
        return CUDA_ERROR_INVALID_VALUE;
    uint64_t total = 0;
    for (unsigned l = 0; l < levels; l++) {
        uint64_t lw = w >> l ? w >> l : 1, lh = h >> l ? h >> l : 1;
        uint64_t ld = (flags & CUDA_ARRAY3D_LAYERED) ? (d ? d : 1) : (d >> l ? d >> l : 1);
        total += (lw * element + FC_PITCH - 1) / FC_PITCH * FC_PITCH * lh * ld;
    }
    total = (total + FC_ARRAY_GRANULE - 1) / FC_ARRAY_GRANULE * FC_ARRAY_GRANULE;
    CUdeviceptr p;
    CUresult rc = do_alloc(&p, total, 0);
    if (rc == CUDA_SUCCESS)
        *handle = (void *)(uintptr_t)p;
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuArrayCreate_v2(CUarray *pHandle, const CUDA_ARRAY_DESCRIPTOR *desc)
{
    COUNT(cuArrayCreate_v2);
    REQUIRE_INIT();
    if (!desc)
        return CUDA_ERROR_INVALID_VALUE;
    return fc_array_create((void **)pHandle, desc->Width, desc->Height, 0, desc->Format, desc->NumChannels, 0, 1);
}

FC_EXPORT CUresult CUDAAPI cuArray3DCreate_v2(CUarray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *desc)
{
    COUNT(cuArray3DCreate_v2);
    REQUIRE_INIT();
    if (!desc)
        return CUDA_ERROR_INVALID_VALUE;
    return fc_array_create((void **)pHandle, desc->Width, desc->Height, desc->Depth, desc->Format, desc->NumChannels,
                           desc->Flags, 1);
}

FC_EXPORT CUresult CUDAAPI cuMipmappedArrayCreate(CUmipmappedArray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *desc,
                                                  unsigned int numMipmapLevels)
{
    COUNT(cuMipmappedArrayCreate);
    REQUIRE_INIT();
    if (!desc)
        return CUDA_ERROR_INVALID_VALUE;
    return fc_array_create((void **)pHandle, desc->Width, desc->Height, desc->Depth, desc->Format, desc->NumChannels,
                           desc->Flags, numMipmapLevels);
}

FC_EXPORT CUresult CUDAAPI cuArrayDestroy(CUarray hArray)
{
    COUNT(cuArrayDestroy);
    REQUIRE_INIT();
    return do_free((CUdeviceptr)(uintptr_t)hArray);
}

FC_EXPORT CUresult CUDAAPI cuMipmappedArrayDestroy(CUmipmappedArray hMipmappedArray)
{
    COUNT(cuMipmappedArrayDestroy);
    REQUIRE_INIT();
    return do_free((CUdeviceptr)(uintptr_t)hMipmappedArray);
}

static CUresult fc_requirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *req, void *handle, CUdevice dev)
{
    if (!req || !valid_dev(dev))
        return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&g_lock);
    struct fc_alloc *a = find_locked((CUdeviceptr)(uintptr_t)handle);
    int ok = a && a->base == (CUdeviceptr)(uintptr_t)handle && a->dev == dev;
    if (ok) {
        memset(req, 0, sizeof *req);
        req->size = a->size;
        req->alignment = FC_ARRAY_GRANULE;
    }
    pthread_mutex_unlock(&g_lock);
    return ok ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

FC_EXPORT CUresult CUDAAPI cuArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *memoryRequirements,
                                                        CUarray array, CUdevice device)
{
    COUNT(cuArrayGetMemoryRequirements);
    REQUIRE_INIT();
    return fc_requirements(memoryRequirements, array, device);
}

FC_EXPORT CUresult CUDAAPI cuMipmappedArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *memoryRequirements,
                                                                 CUmipmappedArray mipmap, CUdevice device)
{
    COUNT(cuMipmappedArrayGetMemoryRequirements);
    REQUIRE_INIT();
    return fc_requirements(memoryRequirements, mipmap, device);
}

/* Imported external memory takes its descriptor's size on the importer's device, like a driver mapping it in. */
FC_EXPORT CUresult CUDAAPI cuImportExternalMemory(CUexternalMemory *extMem_out,
                                                  const CUDA_EXTERNAL_MEMORY_HANDLE_DESC *memHandleDesc)
{
    COUNT(cuImportExternalMemory);
    REQUIRE_INIT();
    if (!extMem_out || !memHandleDesc || memHandleDesc->size == 0)
        return CUDA_ERROR_INVALID_VALUE;
    CUdeviceptr p;
    CUresult rc = do_alloc(&p, memHandleDesc->size, 0);
    if (rc == CUDA_SUCCESS)
        *extMem_out = (CUexternalMemory)(uintptr_t)p;
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuDestroyExternalMemory(CUexternalMemory extMem)
{
    COUNT(cuDestroyExternalMemory);
    REQUIRE_INIT();
    return do_free((CUdeviceptr)(uintptr_t)extMem);
}


/* ---- IPC ------------------------------------------------------------------------------------------------------
 * A handle carries the exporter's allocation size; opening it maps a new address range onto memory that stays
 * charged to the exporter (the importer's books take nothing), closing it unmaps the range. */

#define FC_IPC_MAGIC 0x46434950u /* "FCIP" */

struct fc_ipc {
    uint32_t magic;
    int dev;
    uint64_t size;
};

FC_EXPORT CUresult CUDAAPI cuIpcGetMemHandle(CUipcMemHandle *pHandle, CUdeviceptr dptr)
{
    COUNT(cuIpcGetMemHandle);
    REQUIRE_INIT();
    if (!pHandle)
        return CUDA_ERROR_INVALID_VALUE;
    pthread_mutex_lock(&g_lock);
    struct fc_alloc *a = find_locked(dptr);
    struct fc_ipc h = {FC_IPC_MAGIC, a ? a->dev : 0, a ? a->size : 0};
    pthread_mutex_unlock(&g_lock);
    if (!a || a->base != dptr || a->host)
        return CUDA_ERROR_INVALID_VALUE;
    memset(pHandle, 0, sizeof *pHandle);
    memcpy(pHandle->reserved, &h, sizeof h);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuIpcOpenMemHandle_v2(CUdeviceptr *pdptr, CUipcMemHandle handle, unsigned int Flags)
{
    COUNT(cuIpcOpenMemHandle_v2);
    REQUIRE_INIT();
    (void)Flags;
    struct fc_ipc h;
    memcpy(&h, handle.reserved, sizeof h);
    if (!pdptr || h.magic != FC_IPC_MAGIC || h.size == 0)
        return CUDA_ERROR_INVALID_VALUE;
    return do_alloc_ex(pdptr, h.size, 0, 0);
}

FC_EXPORT CUresult CUDAAPI cuIpcCloseMemHandle(CUdeviceptr dptr)
{
    COUNT(cuIpcCloseMemHandle);
    REQUIRE_INIT();
    return do_free(dptr);
}

#define FC_ALIAS(name) extern __typeof__(name) fc_self_##name __attribute__((alias(#name), visibility("hidden")));
FAKECUDA_FUNCS(FC_ALIAS)
#undef FC_ALIAS

struct fc_proc {
    const char *name;  /* base name, as passed to cuGetProcAddress */
    int version;       /* first CUDA version whose ABI this entry point has */
    void *fn;
    void *ptds;        /* per-thread default stream variant, if any */
    int ptds_version;
};

#define PROC(base, ver, sym) {#base, ver, (void *)&fc_self_##sym, NULL, 0}
#define PROC_PTDS(base, ver, sym, pver, psym) {#base, ver, (void *)&fc_self_##sym, (void *)&fc_self_##psym, pver}

/* From cudaTypedefs.h (PFN_<name>_v<version>). */
static const struct fc_proc g_procs[] = {
    PROC(cuInit, 2000, cuInit),
    PROC(cuDriverGetVersion, 2020, cuDriverGetVersion),
    PROC(cuDeviceGet, 2000, cuDeviceGet),
    PROC(cuDeviceGetCount, 2000, cuDeviceGetCount),
    PROC(cuDeviceGetName, 2000, cuDeviceGetName),
    PROC(cuDeviceGetUuid, 9020, cuDeviceGetUuid),
    PROC(cuDeviceGetUuid, 11040, cuDeviceGetUuid_v2),
    PROC(cuDeviceTotalMem, 2000, cuDeviceTotalMem),
    PROC(cuDeviceTotalMem, 3020, cuDeviceTotalMem_v2),
    PROC(cuDeviceGetAttribute, 2000, cuDeviceGetAttribute),
    PROC(cuDevicePrimaryCtxRetain, 7000, cuDevicePrimaryCtxRetain),
    PROC(cuDevicePrimaryCtxRelease, 7000, cuDevicePrimaryCtxRelease),
    PROC(cuDevicePrimaryCtxRelease, 11000, cuDevicePrimaryCtxRelease_v2),
    PROC(cuCtxCreate, 2000, cuCtxCreate),
    PROC(cuCtxCreate, 3020, cuCtxCreate_v2),
    PROC(cuCtxCreate, 11040, cuCtxCreate_v3),
    PROC(cuCtxCreate, 12050, cuCtxCreate_v4),
    PROC(cuCtxDestroy, 2000, cuCtxDestroy),
    PROC(cuCtxDestroy, 4000, cuCtxDestroy_v2),
    PROC(cuCtxGetCurrent, 4000, cuCtxGetCurrent),
    PROC(cuCtxSetCurrent, 4000, cuCtxSetCurrent),
    PROC(cuCtxGetDevice, 2000, cuCtxGetDevice),
    PROC(cuCtxGetDevice, 13000, cuCtxGetDevice_v2),
    PROC(cuCtxSynchronize, 2000, cuCtxSynchronize),
    PROC(cuCtxSynchronize, 13000, cuCtxSynchronize_v2),
    PROC(cuMemAlloc, 2000, cuMemAlloc),
    PROC(cuMemAlloc, 3020, cuMemAlloc_v2),
    PROC(cuMemFree, 2000, cuMemFree),
    PROC(cuMemFree, 3020, cuMemFree_v2),
    PROC(cuMemGetInfo, 2000, cuMemGetInfo),
    PROC(cuMemGetInfo, 3020, cuMemGetInfo_v2),
    PROC(cuMemGetAddressRange, 2000, cuMemGetAddressRange),
    PROC(cuMemGetAddressRange, 3020, cuMemGetAddressRange_v2),
    PROC_PTDS(cuLaunchKernel, 4000, cuLaunchKernel, 7000, cuLaunchKernel_ptsz),
    PROC(cuGetProcAddress, 11030, cuGetProcAddress),
    PROC(cuGetProcAddress, 12000, cuGetProcAddress_v2),
    PROC(cuGetErrorName, 6000, cuGetErrorName),
    PROC(cuGetErrorString, 6000, cuGetErrorString),
    PROC(cuGetExportTable, 3000, cuGetExportTable),
    PROC(cuMemAllocManaged, 6000, cuMemAllocManaged),
    PROC(cuMemAllocPitch, 3020, cuMemAllocPitch_v2),
    PROC_PTDS(cuMemAllocAsync, 11020, cuMemAllocAsync, 11020, cuMemAllocAsync_ptsz),
    PROC_PTDS(cuMemAllocFromPoolAsync, 11020, cuMemAllocFromPoolAsync, 11020, cuMemAllocFromPoolAsync_ptsz),
    PROC_PTDS(cuMemFreeAsync, 11020, cuMemFreeAsync, 11020, cuMemFreeAsync_ptsz),
    PROC(cuMemGetAllocationGranularity, 10020, cuMemGetAllocationGranularity),
    PROC(cuMemCreate, 10020, cuMemCreate),
    PROC(cuMemRelease, 10020, cuMemRelease),
    PROC(cuMemAddressReserve, 10020, cuMemAddressReserve),
    PROC(cuMemAddressFree, 10020, cuMemAddressFree),
    PROC(cuMemMap, 10020, cuMemMap),
    PROC(cuMemUnmap, 10020, cuMemUnmap),
    PROC(cuMemSetAccess, 10020, cuMemSetAccess),
    PROC(cuMemRetainAllocationHandle, 11000, cuMemRetainAllocationHandle),
    PROC(cuMemExportToShareableHandle, 10020, cuMemExportToShareableHandle),
    PROC(cuMemImportFromShareableHandle, 10020, cuMemImportFromShareableHandle),
    PROC(cuArrayCreate, 3020, cuArrayCreate_v2),
    PROC(cuArray3DCreate, 3020, cuArray3DCreate_v2),
    PROC(cuMipmappedArrayCreate, 5000, cuMipmappedArrayCreate),
    PROC(cuArrayDestroy, 2000, cuArrayDestroy),
    PROC(cuMipmappedArrayDestroy, 5000, cuMipmappedArrayDestroy),
    PROC(cuArrayGetMemoryRequirements, 11060, cuArrayGetMemoryRequirements),
    PROC(cuMipmappedArrayGetMemoryRequirements, 11060, cuMipmappedArrayGetMemoryRequirements),
    PROC(cuImportExternalMemory, 10000, cuImportExternalMemory),
    PROC(cuMemAdvise, 12020, cuMemAdvise_v2),
    PROC(cuIpcGetMemHandle, 4010, cuIpcGetMemHandle),
    PROC(cuIpcOpenMemHandle, 11000, cuIpcOpenMemHandle_v2),
    PROC(cuIpcCloseMemHandle, 4010, cuIpcCloseMemHandle),
    PROC(cuDevicePrimaryCtxGetState, 7000, cuDevicePrimaryCtxGetState),
    PROC(cuCtxPushCurrent, 4000, cuCtxPushCurrent_v2),
    PROC(cuCtxPopCurrent, 4000, cuCtxPopCurrent_v2),
    PROC(cuDestroyExternalMemory, 10000, cuDestroyExternalMemory),
};

#undef PROC
#undef PROC_PTDS

/* Usable before cuInit: the CUDA runtime looks up cuInit itself this way. */
static CUresult do_get_proc_address(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags,
                                    CUdriverProcAddressQueryResult *status)
{
    if (pfn)
        *pfn = NULL;
    if (!symbol || !pfn || cudaVersion > g_driver_version ||
        (flags & ~(cuuint64_t)(CU_GET_PROC_ADDRESS_LEGACY_STREAM | CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM)))
        return CUDA_ERROR_INVALID_VALUE;

    const struct fc_proc *best = NULL;
    int known = 0;
    for (size_t i = 0; i < sizeof g_procs / sizeof g_procs[0]; i++) {
        const struct fc_proc *p = &g_procs[i];
        if (strcmp(p->name, symbol) != 0)
            continue;
        known = 1;
        if (p->version <= cudaVersion && (!best || p->version > best->version))
            best = p;
    }
    if (!best) {
        if (status)
            *status = known ? CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT : CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
        return CUDA_ERROR_NOT_FOUND;
    }
    /* DEFAULT means legacy here: this driver is not built for per-thread streams. */
    int ptds = (flags & CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM) != 0;
    *pfn = (ptds && best->ptds && best->ptds_version <= cudaVersion) ? best->ptds : best->fn;
    if (status)
        *status = CU_GET_PROC_ADDRESS_SUCCESS;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuGetProcAddress(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags)
{
    COUNT(cuGetProcAddress);
    return do_get_proc_address(symbol, pfn, cudaVersion, flags, NULL);
}

FC_EXPORT CUresult CUDAAPI cuGetProcAddress_v2(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags,
                                               CUdriverProcAddressQueryResult *symbolStatus)
{
    COUNT(cuGetProcAddress_v2);
    return do_get_proc_address(symbol, pfn, cudaVersion, flags, symbolStatus);
}
