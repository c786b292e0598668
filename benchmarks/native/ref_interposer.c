/*
 * ref_interposer: a reference LD_PRELOAD interposer in plain C, to put the numbers of hami-ffm next to something
 * known when no other interposer is at hand, and to prove the runner's --interposer option end to end.
 * It is NOT HAMi-core, and it only sees programs that link libcuda directly (no dlsym / cuGetProcAddress answers):
 * gpubench does, which is all it is for.
 *
 *   REF_INTERPOSER_MODE=passthrough (default)
 *       cuMemAlloc_v2, cuMemFree_v2, cuMemGetInfo_v2 and cuLaunchKernel forward to the next definition
 *       (dlsym RTLD_NEXT): the floor of any C interposer.
 *   REF_INTERPOSER_MODE=lockf
 *       HAMi-core's locking scheme in miniature: one shared file (CUDA_DEVICE_MEMORY_SHARED_CACHE, else
 *       /tmp/ref_interposer.cache) holding the bytes in use; every allocation takes lockf(F_LOCK) on it, checks
 *       used + size <= CUDA_DEVICE_MEMORY_LIMIT (k/m/g suffixes), calls the driver, adds, unlocks; every free
 *       takes the lock to subtract. No liveness: a killed process leaks its bytes, as with a lost semaphore.
 *
 * Build: gcc -shared -fPIC -O2 -o libref_interposer.so ref_interposer.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef CUresult (*alloc_fn)(CUdeviceptr *, size_t);
typedef CUresult (*free_fn)(CUdeviceptr);
typedef CUresult (*info_fn)(size_t *, size_t *);
typedef CUresult (*launch_fn)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                              CUstream, void **, void **);

static alloc_fn real_alloc;
static free_fn real_free;
static info_fn real_info;
static launch_fn real_launch;
static int lockf_mode;
static int fd = -1;
static volatile uint64_t *used; /* in the shared file */
static uint64_t limit;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* live allocations of this process: open addressing, guarded by a mutex (HAMi-core keeps a linked list); the
 * table is touched once at start, so no allocation pays a page fault for it */
#define SLOTS (1 << 16)
#define HOME(p) ((size_t)(((p) >> 9) * 0x9E3779B97F4A7C15ULL >> 48) & (SLOTS - 1))
static struct {
    CUdeviceptr ptr;
    size_t size;
} table[SLOTS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
/* lockf excludes processes, not the threads of one: they queue on this first */
static pthread_mutex_t region_lock = PTHREAD_MUTEX_INITIALIZER;

static void lock_region(void) {
    pthread_mutex_lock(&region_lock);
    lseek(fd, 0, SEEK_SET);
    if (lockf(fd, F_LOCK, 0) != 0) perror("ref_interposer: lockf");
}

static void unlock_region(void) {
    lseek(fd, 0, SEEK_SET);
    if (lockf(fd, F_ULOCK, 0) != 0) perror("ref_interposer: lockf");
    pthread_mutex_unlock(&region_lock);
}

static uint64_t parse_limit(const char *s) {
    if (!s || !*s) return 0;
    char *end;
    double v = strtod(s, &end);
    switch (*end) {
    case 'k': case 'K': v *= 1024.0; break;
    case 'm': case 'M': v *= 1024.0 * 1024; break;
    case 'g': case 'G': v *= 1024.0 * 1024 * 1024; break;
    default: break;
    }
    return (uint64_t)v;
}

static void init(void) {
    real_alloc = (alloc_fn)dlsym(RTLD_NEXT, "cuMemAlloc_v2");
    real_free = (free_fn)dlsym(RTLD_NEXT, "cuMemFree_v2");
    real_info = (info_fn)dlsym(RTLD_NEXT, "cuMemGetInfo_v2");
    real_launch = (launch_fn)dlsym(RTLD_NEXT, "cuLaunchKernel");
    const char *mode = getenv("REF_INTERPOSER_MODE");
    lockf_mode = mode && !strcmp(mode, "lockf");
    if (!lockf_mode) return;
    memset((void *)table, 0, sizeof table);
    limit = parse_limit(getenv("CUDA_DEVICE_MEMORY_LIMIT"));
    const char *path = getenv("CUDA_DEVICE_MEMORY_SHARED_CACHE");
    if (!path || !*path) path = "/tmp/ref_interposer.cache";
    fd = open(path, O_RDWR | O_CREAT, 0666);
    if (fd < 0 || ftruncate(fd, 4096) != 0) {
        perror("ref_interposer: shared file");
        lockf_mode = 0;
        return;
    }
    used = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (used == MAP_FAILED) {
        perror("ref_interposer: mmap");
        lockf_mode = 0;
    }
}

static void remember(CUdeviceptr p, size_t size) {
    pthread_mutex_lock(&table_lock);
    for (size_t i = HOME(p);; i = (i + 1) & (SLOTS - 1)) {
        if (table[i].ptr == 0) {
            table[i].ptr = p;
            table[i].size = size;
            break;
        }
    }
    pthread_mutex_unlock(&table_lock);
}

/* Removes p and returns its size (0 when unknown); backward-shift deletion keeps probe chains intact. */
static size_t forget(CUdeviceptr p) {
    size_t size = 0;
    pthread_mutex_lock(&table_lock);
    size_t i = HOME(p);
    for (; table[i].ptr != 0; i = (i + 1) & (SLOTS - 1)) {
        if (table[i].ptr == p) break;
    }
    if (table[i].ptr == p) {
        size = table[i].size;
        table[i].ptr = 0;
        for (size_t j = (i + 1) & (SLOTS - 1); table[j].ptr != 0; j = (j + 1) & (SLOTS - 1)) {
            size_t home = HOME(table[j].ptr);
            if (((j - home) & (SLOTS - 1)) >= ((j - i) & (SLOTS - 1))) {
                table[i] = table[j];
                table[j].ptr = 0;
                i = j;
            }
        }
    }
    pthread_mutex_unlock(&table_lock);
    return size;
}

__attribute__((visibility("default"))) CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize) {
    pthread_once(&once, init);
    if (!lockf_mode) return real_alloc(dptr, bytesize);
    lock_region();
    CUresult rc = CUDA_ERROR_OUT_OF_MEMORY;
    if (limit == 0 || *used + bytesize <= limit) {
        rc = real_alloc(dptr, bytesize);
        if (rc == CUDA_SUCCESS) *used += bytesize;
    }
    unlock_region();
    if (rc == CUDA_SUCCESS) remember(*dptr, bytesize);
    return rc;
}

__attribute__((visibility("default"))) CUresult cuMemFree_v2(CUdeviceptr dptr) {
    pthread_once(&once, init);
    CUresult rc = real_free(dptr);
    if (!lockf_mode || rc != CUDA_SUCCESS) return rc;
    size_t size = forget(dptr);
    if (size) {
        lock_region();
        *used -= size;
        unlock_region();
    }
    return rc;
}

__attribute__((visibility("default"))) CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total_bytes) {
    pthread_once(&once, init);
    CUresult rc = real_info(free_bytes, total_bytes);
    if (rc != CUDA_SUCCESS || !lockf_mode || limit == 0) return rc;
    uint64_t u = *used;
    if (*total_bytes > limit) *total_bytes = limit;
    uint64_t left = u < *total_bytes ? *total_bytes - u : 0;
    if (*free_bytes > left) *free_bytes = left;
    return rc;
}

__attribute__((visibility("default"))) CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                                                               unsigned bx, unsigned by, unsigned bz, unsigned shmem,
                                                               CUstream stream, void **params, void **extra) {
    pthread_once(&once, init);
    return real_launch(f, gx, gy, gz, bx, by, bz, shmem, stream, params, extra);
}
