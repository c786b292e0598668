// pool_bench.cu - GPU proof of hami-ffm's KV-cache block pool (test-gpu/pool.sh runs it).
//
//   pool_bench rate    [--sizes 262144,...] [--working-set 64] [--native-rounds 20] [--pool-rounds 2000]
//                      [--latency-allocs 200000] [--no-runtime]
//       native (no pool symbols in the process): alloc+free pairs of each size with cudaMalloc/cudaFree and with
//       cuMemAlloc/cuMemFree; with the pool (libhami.so preloaded): hami_pool_alloc/free pairs, batch pairs, the
//       latency distribution of single hami_pool_alloc calls, and the hooked cuMemAlloc/cuMemFree for reference.
//       Pattern: W allocations, then W frees, repeated (a server holding a working set).
//   pool_bench counted [--block 2097152]
//       under a limit: fill the limit with pool blocks; cuMemGetInfo (the limit's view) must drop by exactly the
//       pool's reserved bytes, a plain cuMemAlloc must find no room, NVML's physical use must grow by about as much,
//       and everything must come back on destroy.
//   pool_bench token   --variant pool|malloc|slab [--seqs 64] [--steps 300] [--warmup 30] [--prompt 256]
//                      [--gen 512] [--heads 32] [--seed 1]
//       a paged-attention decode loop: S sequences, one new token each per step (K/V appended into the sequence's
//       current 16-token block), attention of the new query over all of the sequence's blocks through a block
//       table, a sync per step. Blocks of 16 x 2 x heads x 128 fp16 (256 KiB at 32 heads) come from the pool
//       (batch for a prompt; its capacity reserved ahead as a server would, and its Java side warmed up first),
//       from cudaMalloc per block, or from one cudaMalloc'd slab. Finished sequences give their blocks back and new
//       ones start.
//
// Output: one JSON object on stdout. Exit 0 when it ran (the checks are the report's), 2 on a CUDA failure.
#include <cuda.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hami.h"

#define CK(call)                                                                                     \
    do {                                                                                             \
        CUresult rc_ = (call);                                                                       \
        if (rc_ != CUDA_SUCCESS) {                                                                   \
            const char *n_ = "?";                                                                    \
            cuGetErrorName(rc_, &n_);                                                                \
            fprintf(stderr, "%s:%d %s = %d (%s)\n", __FILE__, __LINE__, #call, (int)rc_, n_);        \
            printf("{\"error\":\"%s\",\"code\":%d}\n", #call, (int)rc_);                             \
            exit(2);                                                                                 \
        }                                                                                            \
    } while (0)
#define CR(call)                                                                                     \
    do {                                                                                             \
        cudaError_t e_ = (call);                                                                     \
        if (e_ != cudaSuccess) {                                                                     \
            fprintf(stderr, "%s:%d %s = %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_));   \
            printf("{\"error\":\"%s\",\"code\":%d}\n", #call, (int)e_);                              \
            exit(2);                                                                                 \
        }                                                                                            \
    } while (0)

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double pct(double *sorted, long n, double p) {
    long i = (long)ceil(p * n) - 1;
    if (i < 0) i = 0;
    if (i >= n) i = n - 1;
    return sorted[i];
}

// ---- the pool's C ABI, from the preloaded libhami.so -------------------------------------------------------------
static struct {
    int (*create)(int, size_t, size_t, void **);
    int (*alloc)(void *, CUdeviceptr *);
    int (*alloc_batch)(void *, size_t, CUdeviceptr *);
    int (*free)(void *, CUdeviceptr);
    int (*free_batch)(void *, size_t, const CUdeviceptr *);
    int (*reserve)(void *, size_t);
    int (*stats)(void *, struct hami_pool_stats *);
    int (*destroy)(void *);
} P;

static int load_pool(void) {
    void **slots[] = {(void **)&P.create, (void **)&P.alloc, (void **)&P.alloc_batch, (void **)&P.free,
                      (void **)&P.free_batch, (void **)&P.reserve, (void **)&P.stats, (void **)&P.destroy};
    const char *names[] = {"hami_pool_create", "hami_pool_alloc", "hami_pool_alloc_batch", "hami_pool_free",
                           "hami_pool_free_batch", "hami_pool_reserve", "hami_pool_stats", "hami_pool_destroy"};
    for (int i = 0; i < 8; i++) {
        *slots[i] = dlsym(RTLD_DEFAULT, names[i]);
        if (!*slots[i]) return 0;
    }
    return 1;
}

#define PK(call)                                                                                     \
    do {                                                                                             \
        int rc_ = (call);                                                                            \
        if (rc_ != 0) {                                                                              \
            fprintf(stderr, "%s:%d %s = %d\n", __FILE__, __LINE__, #call, rc_);                      \
            printf("{\"error\":\"%s\",\"code\":%d}\n", #call, rc_);                                  \
            exit(2);                                                                                 \
        }                                                                                            \
    } while (0)

static CUcontext open_device(void) {
    CUdevice dev;
    CUcontext ctx;
    CK(cuInit(0));
    CK(cuDeviceGet(&dev, 0));
    CK(cuDevicePrimaryCtxRetain(&ctx, dev));
    CK(cuCtxSetCurrent(ctx));
    return ctx;
}

static void print_stats_json(const char *key, void *pool) {
    struct hami_pool_stats s;
    PK(P.stats(pool, &s));
    printf("\"%s\":{\"block_bytes\":%llu,\"max_blocks\":%llu,\"capacity_blocks\":%llu,\"blocks_in_use\":%llu,"
           "\"reserved_bytes\":%llu,\"growth_steps\":%llu,\"shrink_steps\":%llu,\"pressure_events\":%llu,"
           "\"failed_allocs\":%llu,\"chunk_blocks\":%llu,\"vmm\":%d}",
           key, (unsigned long long)s.block_bytes, (unsigned long long)s.max_blocks,
           (unsigned long long)s.capacity_blocks, (unsigned long long)s.blocks_in_use,
           (unsigned long long)s.reserved_bytes, (unsigned long long)s.growth_steps,
           (unsigned long long)s.shrink_steps, (unsigned long long)s.pressure_events,
           (unsigned long long)s.failed_allocs, (unsigned long long)s.chunk_blocks, (s.flags & HAMI_POOL_VMM) != 0);
}

// ---- rate --------------------------------------------------------------------------------------------------------
struct rate_opts {
    size_t sizes[16];
    int nsizes;
    int ws, native_rounds, pool_rounds;
    long latency_allocs;
    int runtime;
};

// per-pair ns of each round (W allocs then W frees), median over rounds
static double pairs_cuda_runtime(size_t size, int ws, int rounds) {
    void **p = (void **)calloc(ws, sizeof *p);
    double *per = (double *)calloc(rounds, sizeof *per);
    for (int w = 0; w < 2; w++) { // warm-up round
        for (int i = 0; i < ws; i++) CR(cudaMalloc(&p[i], size));
        for (int i = 0; i < ws; i++) CR(cudaFree(p[i]));
    }
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns();
        for (int i = 0; i < ws; i++) CR(cudaMalloc(&p[i], size));
        for (int i = 0; i < ws; i++) CR(cudaFree(p[i]));
        per[r] = (now_ns() - t0) / ws;
    }
    double m = median(per, rounds);
    free(p);
    free(per);
    return m;
}

static double pairs_cu(size_t size, int ws, int rounds) {
    CUdeviceptr *p = (CUdeviceptr *)calloc(ws, sizeof *p);
    double *per = (double *)calloc(rounds, sizeof *per);
    for (int w = 0; w < 2; w++) {
        for (int i = 0; i < ws; i++) CK(cuMemAlloc(&p[i], size));
        for (int i = 0; i < ws; i++) CK(cuMemFree(p[i]));
    }
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns();
        for (int i = 0; i < ws; i++) CK(cuMemAlloc(&p[i], size));
        for (int i = 0; i < ws; i++) CK(cuMemFree(p[i]));
        per[r] = (now_ns() - t0) / ws;
    }
    double m = median(per, rounds);
    free(p);
    free(per);
    return m;
}

// Warms the JIT of the pool's Java side up (C2 compiles after ~10k calls), so rounds measure steady state.
static void warm_pool(void) {
    void *pool;
    CUdeviceptr p[64];
    PK(P.create(0, 262144, 128, &pool));
    for (int r = 0; r < 400; r++) {
        for (int i = 0; i < 64; i++) PK(P.alloc(pool, &p[i]));
        for (int i = 0; i < 64; i++) PK(P.free(pool, p[i]));
        PK(P.alloc_batch(pool, 64, p));
        PK(P.free_batch(pool, 64, p));
    }
    PK(P.destroy(pool));
}

static void rate(struct rate_opts *o) {
    open_device();
    int pooled = load_pool();
    if (pooled) warm_pool();
    printf("{\"mode\":\"rate\",\"pool\":%d,\"working_set\":%d,\"sizes\":[", pooled, o->ws);
    for (int s = 0; s < o->nsizes; s++) {
        size_t size = o->sizes[s];
        printf("%s{\"size\":%zu", s ? "," : "", size);
        if (o->runtime) printf(",\"cudaMalloc_pair_ns\":%.1f", pairs_cuda_runtime(size, o->ws, o->native_rounds));
        printf(",\"cuMemAlloc_pair_ns\":%.1f", pairs_cu(size, o->ws, o->native_rounds));
        if (pooled) {
            void *pool;
            int ws = o->ws;
            PK(P.create(0, size, (size_t)ws * 2, &pool));
            PK(P.reserve(pool, ws)); // growth happens here, outside the timed rounds
            CUdeviceptr *p = (CUdeviceptr *)calloc(ws, sizeof *p);
            double *per = (double *)calloc(o->pool_rounds, sizeof *per);
            for (int w = 0; w < 100; w++) {
                for (int i = 0; i < ws; i++) PK(P.alloc(pool, &p[i]));
                for (int i = 0; i < ws; i++) PK(P.free(pool, p[i]));
            }
            for (int r = 0; r < o->pool_rounds; r++) {
                double t0 = now_ns();
                for (int i = 0; i < ws; i++) P.alloc(pool, &p[i]);
                for (int i = 0; i < ws; i++) P.free(pool, p[i]);
                per[r] = (now_ns() - t0) / ws;
            }
            printf(",\"pool_pair_ns\":%.1f", median(per, o->pool_rounds));
            for (int w = 0; w < 100; w++) {
                PK(P.alloc_batch(pool, ws, p));
                PK(P.free_batch(pool, ws, p));
            }
            for (int r = 0; r < o->pool_rounds; r++) {
                double t0 = now_ns();
                P.alloc_batch(pool, ws, p);
                P.free_batch(pool, ws, p);
                per[r] = (now_ns() - t0) / ws;
            }
            printf(",\"pool_batch_pair_ns\":%.1f", median(per, o->pool_rounds));
            // latency of single allocs through the C ABI; frees untimed
            long n = o->latency_allocs;
            double *lat = (double *)malloc(n * sizeof *lat);
            double overhead[1001];
            for (int i = 0; i < 1001; i++) {
                double a = now_ns();
                overhead[i] = now_ns() - a;
            }
            long k = 0;
            while (k < n) {
                int i;
                for (i = 0; i < ws && k < n; i++, k++) {
                    double t0 = now_ns();
                    int rc = P.alloc(pool, &p[i]);
                    lat[k] = now_ns() - t0;
                    if (rc) {
                        fprintf(stderr, "hami_pool_alloc: %d\n", rc);
                        exit(2);
                    }
                }
                for (int j = 0; j < i; j++) P.free(pool, p[j]);
            }
            qsort(lat, n, sizeof *lat, cmp_double);
            printf(",\"alloc_latency_ns\":{\"n\":%ld,\"p50\":%.0f,\"p90\":%.0f,\"p99\":%.0f,\"p999\":%.0f,"
                   "\"max\":%.0f,\"timer_overhead_p50\":%.0f}",
                   n, pct(lat, n, 0.5), pct(lat, n, 0.9), pct(lat, n, 0.99), pct(lat, n, 0.999), lat[n - 1],
                   median(overhead, 1001));
            printf(",");
            print_stats_json("stats", pool);
            PK(P.destroy(pool));
            free(lat);
            free(p);
            free(per);
        }
        printf("}");
        fflush(stdout);
    }
    printf("]}\n");
}

// ---- counted once ------------------------------------------------------------------------------------------------
typedef int (*nvml_fn0)(void);
typedef int (*nvml_by_uuid)(const char *, void **);
typedef struct { unsigned long long total, free, used; } nvml_memory;
typedef int (*nvml_meminfo)(void *, nvml_memory *);

static long long nvml_used(void) {
    static void *dev;
    static nvml_meminfo info;
    if (!info) {
        void *h = dlopen("libnvidia-ml.so.1", RTLD_NOW);
        if (!h) return -1;
        nvml_fn0 init = (nvml_fn0)dlsym(h, "nvmlInit_v2");
        nvml_by_uuid by_uuid = (nvml_by_uuid)dlsym(h, "nvmlDeviceGetHandleByUUID");
        info = (nvml_meminfo)dlsym(h, "nvmlDeviceGetMemoryInfo");
        if (!init || !by_uuid || !info || init() != 0) return -1;
        CUuuid u;
        CUdevice d;
        CK(cuDeviceGet(&d, 0));
        CK(cuDeviceGetUuid(&u, d));
        char s[64];
        const unsigned char *b = (const unsigned char *)u.bytes;
        snprintf(s, sizeof s, "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
        if (by_uuid(s, &dev) != 0) {
            info = NULL;
            return -1;
        }
    }
    nvml_memory m;
    return info(dev, &m) == 0 ? (long long)m.used : -1;
}

static void counted(size_t block) {
    open_device();
    if (!load_pool()) {
        printf("{\"mode\":\"counted\",\"error\":\"no hami_pool_* symbols: run under hami\"}\n");
        exit(2);
    }
    size_t free0, total0, free_full, total_full, free_after, total_after;
    CK(cuMemGetInfo(&free0, &total0));
    long long phys0 = nvml_used();
    size_t max_blocks = total0 / block + 16;
    void *pool;
    PK(P.create(0, block, max_blocks, &pool));
    CUdeviceptr *held = (CUdeviceptr *)calloc(max_blocks, sizeof *held);
    size_t n = 0;
    int stop = 0;
    while (n < max_blocks && (stop = P.alloc(pool, &held[n])) == 0) n++;
    CK(cuMemGetInfo(&free_full, &total_full));
    long long phys_full = nvml_used();
    struct hami_pool_stats s;
    PK(P.stats(pool, &s));
    CUdeviceptr plain = 0;
    CUresult plain_rc = cuMemAlloc(&plain, block);
    if (plain_rc == CUDA_SUCCESS) cuMemFree(plain);
    PK(P.free_batch(pool, n, held));
    PK(P.destroy(pool));
    CK(cuMemGetInfo(&free_after, &total_after));
    long long phys_after = nvml_used();
    printf("{\"mode\":\"counted\",\"block\":%zu,\"allocated\":%zu,\"stop_code\":%d,\"total\":%zu,\"free_before\":%zu,"
           "\"free_full\":%zu,\"free_after\":%zu,\"plain_alloc_when_full\":%d,\"nvml_used_before\":%lld,"
           "\"nvml_used_full\":%lld,\"nvml_used_after\":%lld,\"reserved_bytes\":%llu,\"capacity_blocks\":%llu,"
           "\"chunk_blocks\":%llu,\"vmm\":%d}\n",
           block, n, stop, total0, free0, free_full, free_after, (int)plain_rc, phys0, phys_full, phys_after,
           (unsigned long long)s.reserved_bytes, (unsigned long long)s.capacity_blocks,
           (unsigned long long)s.chunk_blocks, (s.flags & HAMI_POOL_VMM) != 0);
    free(held);
}

// ---- token loop --------------------------------------------------------------------------------------------------
#define T_TOK 16
#define HEAD_DIM 128

// block layout: [T_TOK][2][heads][HEAD_DIM] half
__device__ __forceinline__ float token_value(int seq_uid, int pos, int h, int d) {
    unsigned x = (unsigned)(seq_uid * 2654435761u) ^ (unsigned)(pos * 40503u) ^ (unsigned)(h * 977u + d * 131u);
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    return ((x & 1023) / 1023.0f - 0.5f) * 0.25f;
}

// writes tokens [from, to) of sequence s into its blocks; grid (s, token), block (heads*HEAD_DIM/ 2 threads)
__global__ void append_kv(const unsigned long long *table, int max_blocks, const int *from, const int *to,
                          const int *uid, int heads) {
    int s = blockIdx.x;
    int pos = from[s] + blockIdx.y;
    if (pos >= to[s]) return;
    __half *blk = (__half *)table[(size_t)s * max_blocks + pos / T_TOK];
    size_t base = (size_t)(pos % T_TOK) * 2 * heads * HEAD_DIM;
    for (int i = threadIdx.x; i < heads * HEAD_DIM; i += blockDim.x) {
        int h = i / HEAD_DIM, d = i % HEAD_DIM;
        float v = token_value(uid[s], pos, h, d);
        blk[base + i] = __float2half(v);                     // K
        blk[base + heads * HEAD_DIM + i] = __float2half(-v); // V
    }
}

// one CTA per (sequence, head), 4 warps; warp w takes tokens w, w+4, ...; lane l holds dims 4l..4l+3
__global__ void attend(const unsigned long long *table, int max_blocks, const int *len, const __half *q, float *out,
                       int heads) {
    int s = blockIdx.x, h = blockIdx.y, warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int n = len[s];
    const __half *qh = q + ((size_t)s * heads + h) * HEAD_DIM + lane * 4;
    float q0 = __half2float(qh[0]), q1 = __half2float(qh[1]), q2 = __half2float(qh[2]), q3 = __half2float(qh[3]);
    float m = -INFINITY, l = 0, a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const float scale = rsqrtf((float)HEAD_DIM);
    for (int t = warp; t < n; t += 4) {
        const __half *blk = (const __half *)table[(size_t)s * max_blocks + t / T_TOK];
        const __half *k = blk + ((size_t)(t % T_TOK) * 2 * heads + h) * HEAD_DIM + lane * 4;
        const __half *v = k + heads * HEAD_DIM;
        float2 k01 = __half22float2(*(const __half2 *)k), k23 = __half22float2(*(const __half2 *)(k + 2));
        float dot = q0 * k01.x + q1 * k01.y + q2 * k23.x + q3 * k23.y;
        for (int o = 16; o > 0; o >>= 1) dot += __shfl_xor_sync(0xffffffffu, dot, o);
        dot *= scale;
        float m2 = fmaxf(m, dot), c = __expf(m - m2), p = __expf(dot - m2);
        float2 v01 = __half22float2(*(const __half2 *)v), v23 = __half22float2(*(const __half2 *)(v + 2));
        l = l * c + p;
        a0 = a0 * c + p * v01.x;
        a1 = a1 * c + p * v01.y;
        a2 = a2 * c + p * v23.x;
        a3 = a3 * c + p * v23.y;
        m = m2;
    }
    __shared__ float sm[4], sl[4], sa[4][HEAD_DIM];
    if (lane == 0) {
        sm[warp] = m;
        sl[warp] = l;
    }
    sa[warp][lane * 4] = a0;
    sa[warp][lane * 4 + 1] = a1;
    sa[warp][lane * 4 + 2] = a2;
    sa[warp][lane * 4 + 3] = a3;
    __syncthreads();
    if (warp == 0) {
        float M = fmaxf(fmaxf(sm[0], sm[1]), fmaxf(sm[2], sm[3])), L = 0, acc[4] = {0, 0, 0, 0};
        for (int w = 0; w < 4; w++) {
            float c = sm[w] == -INFINITY ? 0 : __expf(sm[w] - M);
            L += sl[w] * c;
            for (int j = 0; j < 4; j++) acc[j] += sa[w][lane * 4 + j] * c;
        }
        float *o = out + ((size_t)s * heads + h) * HEAD_DIM + lane * 4;
        for (int j = 0; j < 4; j++) o[j] = L > 0 ? acc[j] / L : 0;
    }
}

__global__ void make_queries(__half *q, int n, unsigned step) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        unsigned x = (unsigned)i * 2654435761u ^ step * 97u;
        x ^= x >> 13;
        q[i] = __float2half(((x & 255) / 255.0f - 0.5f));
    }
}

enum variant { V_POOL, V_MALLOC, V_SLAB };

struct seq {
    int uid, len, target, nblocks;
};

static unsigned rng_state = 1;
static unsigned rnd(void) {
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void token(enum variant v, int S, int steps, int warmup, int prompt, int gen, int heads) {
    open_device();
    int pooled = load_pool();
    if (v == V_POOL && !pooled) {
        printf("{\"mode\":\"token\",\"error\":\"no hami_pool_* symbols: run under hami\"}\n");
        exit(2);
    }
    if (prompt > 4000 || S < 1 || heads < 1 || gen < 1) {
        fprintf(stderr, "token: --prompt at most 4000, --seqs, --heads and --gen at least 1\n");
        exit(1);
    }
    size_t block = (size_t)T_TOK * 2 * heads * HEAD_DIM * sizeof(__half);
    int max_len = prompt + gen + 1;
    int max_blocks = (max_len + T_TOK - 1) / T_TOK;
    size_t capacity = (size_t)S * max_blocks;
    void *pool = NULL;
    CUdeviceptr slab = 0;
    CUdeviceptr *slab_free = NULL;
    size_t slab_top = 0;
    if (v == V_POOL) {
        warm_pool();
        PK(P.create(0, block, capacity, &pool));
        // as the slab is allocated up front, the server reserves its KV budget ahead: growth stays out of the loop
        PK(P.reserve(pool, capacity));
    } else if (v == V_SLAB) {
        CR(cudaMalloc((void **)&slab, block * capacity));
        slab_free = (CUdeviceptr *)malloc(capacity * sizeof *slab_free);
        for (size_t i = 0; i < capacity; i++) slab_free[slab_top++] = slab + (capacity - 1 - i) * block;
    }
    unsigned long long *htable, *dtable;
    int *hfrom, *hto, *huid, *dfrom, *dto, *duid, *dlen;
    CR(cudaHostAlloc((void **)&htable, capacity * 8, cudaHostAllocDefault));
    CR(cudaHostAlloc((void **)&hfrom, S * 4, 0));
    CR(cudaHostAlloc((void **)&hto, S * 4, 0));
    CR(cudaHostAlloc((void **)&huid, S * 4, 0));
    CR(cudaMalloc((void **)&dtable, capacity * 8));
    CR(cudaMalloc((void **)&dfrom, S * 4));
    CR(cudaMalloc((void **)&dto, S * 4));
    CR(cudaMalloc((void **)&duid, S * 4));
    CR(cudaMalloc((void **)&dlen, S * 4));
    __half *dq;
    float *dout;
    CR(cudaMalloc((void **)&dq, (size_t)S * heads * HEAD_DIM * 2));
    CR(cudaMalloc((void **)&dout, (size_t)S * heads * HEAD_DIM * 4));
    cudaStream_t st;
    CR(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
    struct seq *seqs = (struct seq *)calloc(S, sizeof *seqs);
    int next_uid = 1;
    long blocks_allocated = 0, blocks_freed = 0, completed = 0, tokens = 0;
    CUdeviceptr tmp[256];

    auto get_blocks = [&](int s, int count) {
        CUdeviceptr *dst = tmp;
        if (v == V_POOL) {
            if (count == 1) PK(P.alloc(pool, dst));
            else PK(P.alloc_batch(pool, count, dst));
        } else if (v == V_MALLOC) {
            for (int i = 0; i < count; i++) CR(cudaMalloc((void **)&dst[i], block));
        } else {
            for (int i = 0; i < count; i++) dst[i] = slab_free[--slab_top];
        }
        for (int i = 0; i < count; i++) htable[(size_t)s * max_blocks + seqs[s].nblocks + i] = dst[i];
        CR(cudaMemcpyAsync(dtable + (size_t)s * max_blocks + seqs[s].nblocks,
                           htable + (size_t)s * max_blocks + seqs[s].nblocks, count * 8, cudaMemcpyHostToDevice, st));
        seqs[s].nblocks += count;
        blocks_allocated += count;
    };
    auto put_blocks = [&](int s) {
        CUdeviceptr *row = (CUdeviceptr *)htable + (size_t)s * max_blocks;
        int n = seqs[s].nblocks;
        if (v == V_POOL) {
            PK(P.free_batch(pool, n, row));
        } else if (v == V_MALLOC) {
            for (int i = 0; i < n; i++) CR(cudaFree((void *)row[i]));
        } else {
            for (int i = 0; i < n; i++) slab_free[slab_top++] = row[i];
        }
        blocks_freed += n;
        seqs[s].nblocks = 0;
    };
    auto start_seq = [&](int s) {
        seqs[s].uid = next_uid++;
        seqs[s].len = 0;
        int p = prompt / 2 + (int)(rnd() % (unsigned)(prompt + 1));
        if (p > prompt) p = prompt;
        seqs[s].target = p + 1 + (int)(rnd() % (unsigned)gen);
        int need = (p + T_TOK - 1) / T_TOK;
        if (need > 0) get_blocks(s, need);
        hfrom[s] = 0;
        hto[s] = p;
        huid[s] = seqs[s].uid;
        seqs[s].len = p;
    };

    rng_state = 12345;
    for (int s = 0; s < S; s++) start_seq(s);
    // prefill of the prompts
    CR(cudaMemcpyAsync(dfrom, hfrom, S * 4, cudaMemcpyHostToDevice, st));
    CR(cudaMemcpyAsync(dto, hto, S * 4, cudaMemcpyHostToDevice, st));
    CR(cudaMemcpyAsync(duid, huid, S * 4, cudaMemcpyHostToDevice, st));
    append_kv<<<dim3(S, prompt + 1), 256, 0, st>>>(dtable, max_blocks, dfrom, dto, duid, heads);
    CR(cudaStreamSynchronize(st));

    double t0 = 0;
    long timed_tokens = 0;
    for (int step = 0; step < warmup + steps; step++) {
        if (step == warmup) {
            CR(cudaStreamSynchronize(st));
            t0 = now_ns();
            timed_tokens = 0;
        }
        int prefill_max = 0;
        for (int s = 0; s < S; s++) {
            if (seqs[s].len >= seqs[s].target) { // finished: blocks back, a new request with its prompt
                put_blocks(s);
                completed++;
                start_seq(s);
                if (hto[s] > prefill_max) prefill_max = hto[s];
                continue;
            }
            if (seqs[s].len % T_TOK == 0) get_blocks(s, 1);
            hfrom[s] = seqs[s].len;
            hto[s] = seqs[s].len + 1;
            seqs[s].len++;
            huid[s] = seqs[s].uid;
        }
        CR(cudaMemcpyAsync(dfrom, hfrom, S * 4, cudaMemcpyHostToDevice, st));
        CR(cudaMemcpyAsync(dto, hto, S * 4, cudaMemcpyHostToDevice, st));
        CR(cudaMemcpyAsync(duid, huid, S * 4, cudaMemcpyHostToDevice, st));
        int rows = prefill_max > 1 ? prefill_max : 1;
        append_kv<<<dim3(S, rows), 256, 0, st>>>(dtable, max_blocks, dfrom, dto, duid, heads);
        CR(cudaMemcpyAsync(dlen, hto, S * 4, cudaMemcpyHostToDevice, st));
        make_queries<<<(S * heads * HEAD_DIM + 255) / 256, 256, 0, st>>>(dq, S * heads * HEAD_DIM, step);
        attend<<<dim3(S, heads), 128, 0, st>>>(dtable, max_blocks, dlen, dq, dout, heads);
        CR(cudaGetLastError());
        CR(cudaStreamSynchronize(st)); // a decoder needs this step's logits before the next
        tokens += S;
        timed_tokens += S;
    }
    double elapsed = (now_ns() - t0) / 1e9;
    // a checksum of the last outputs, so the work cannot be optimized away and variants can be compared
    float *hout = (float *)malloc((size_t)S * heads * HEAD_DIM * 4);
    CR(cudaMemcpy(hout, dout, (size_t)S * heads * HEAD_DIM * 4, cudaMemcpyDeviceToHost));
    double sum = 0;
    for (size_t i = 0; i < (size_t)S * heads * HEAD_DIM; i++) sum += hout[i];
    for (int s = 0; s < S; s++) put_blocks(s);
    const char *names[] = {"pool", "malloc", "slab"};
    printf("{\"mode\":\"token\",\"variant\":\"%s\",\"seqs\":%d,\"steps\":%d,\"block_bytes\":%zu,\"tokens\":%ld,"
           "\"seconds\":%.4f,\"tokens_per_s\":%.1f,\"step_us\":%.2f,\"completed\":%ld,\"blocks_allocated\":%ld,"
           "\"blocks_freed\":%ld,\"checksum\":%.6e",
           names[v], S, steps, block, timed_tokens, elapsed, timed_tokens / elapsed, elapsed * 1e6 / steps,
           completed, blocks_allocated, blocks_freed, sum);
    if (v == V_POOL) {
        printf(",");
        print_stats_json("stats", pool);
        PK(P.destroy(pool));
    }
    printf("}\n");
    if (slab) cudaFree((void *)slab);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: pool_bench rate|counted|token [options]\n");
        return 1;
    }
    const char *mode = argv[1];
    struct rate_opts ro = {{262144, 524288, 1048576, 2097152}, 4, 64, 20, 2000, 200000, 1};
    size_t block = 2 << 20;
    enum variant v = V_POOL;
    int S = 64, steps = 300, warmup = 30, prompt = 256, gen = 512, heads = 32;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "--sizes")) {
            ro.nsizes = 0;
            char *copy = strdup(val), *save = NULL;
            for (char *t = strtok_r(copy, ",", &save); t && ro.nsizes < 16; t = strtok_r(NULL, ",", &save))
                ro.sizes[ro.nsizes++] = strtoull(t, NULL, 10);
            i++;
        } else if (!strcmp(a, "--working-set")) ro.ws = atoi(val), i++;
        else if (!strcmp(a, "--native-rounds")) ro.native_rounds = atoi(val), i++;
        else if (!strcmp(a, "--pool-rounds")) ro.pool_rounds = atoi(val), i++;
        else if (!strcmp(a, "--latency-allocs")) ro.latency_allocs = atol(val), i++;
        else if (!strcmp(a, "--no-runtime")) ro.runtime = 0;
        else if (!strcmp(a, "--block")) block = strtoull(val, NULL, 10), i++;
        else if (!strcmp(a, "--variant")) {
            v = !strcmp(val, "pool") ? V_POOL : !strcmp(val, "malloc") ? V_MALLOC : V_SLAB;
            i++;
        } else if (!strcmp(a, "--seqs")) S = atoi(val), i++;
        else if (!strcmp(a, "--steps")) steps = atoi(val), i++;
        else if (!strcmp(a, "--warmup")) warmup = atoi(val), i++;
        else if (!strcmp(a, "--prompt")) prompt = atoi(val), i++;
        else if (!strcmp(a, "--gen")) gen = atoi(val), i++;
        else if (!strcmp(a, "--heads")) heads = atoi(val), i++;
        else {
            fprintf(stderr, "unknown argument %s\n", a);
            return 1;
        }
    }
    if (!strcmp(mode, "rate")) rate(&ro);
    else if (!strcmp(mode, "counted")) counted(block);
    else if (!strcmp(mode, "token")) token(v, S, steps, warmup, prompt, gen, heads);
    else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 1;
    }
    return 0;
}
