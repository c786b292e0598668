/*
 * gpubench: host-side cost of CUDA driver calls, for one process (or N forked ones) run natively, under hami-run, or
 * under any other interposer. The runner (benchmarks/gpu/bench.py) runs every configuration interleaved and
 * aggregates; this program measures one configuration once and prints one JSON object on stdout (its last line).
 *
 *   gpubench MODE [options]
 *
 * Modes (docs/benchmarks.md says what each one stands for and which GPU-Virt-Bench metric it replaces):
 *   calls      cuLaunchKernel host latency (each launch timed; queue drained between batches, outside the timing),
 *              launch + cuCtxSynchronize round trip, cuMemGetInfo_v2 (the driver call, hooked under a limit),
 *              cuDeviceGetCount (never intercepted: the control), cuMemAlloc_v2 / cuMemFree_v2 by size
 *   ctx        primary context retain + first allocation, then a real reset (cuDevicePrimaryCtxReset_v2, else the
 *              last release, which destroys it too); and cuCtxCreate + first allocation + cuCtxDestroy
 *   firstcall  a fresh process: exec to main, cuInit, context, first cuMemAlloc (JVM boot under hami), second one
 *   multi      --procs N processes (forked before any CUDA call) x --threads T, released together by a barrier once
 *              every one holds a context, running --workload pairs (alloc+free of --bytes, an anchor held),
 *              kv (random 64 KiB..2 MiB allocations and frees around a live set) or fill (allocate --chunk until
 *              refused, hold until all are done)
 *   limit      allocate --chunk until refused (or --max), then time refusals at the edge, free, and time refusals
 *              of an --oversize request; --hold prints an event line when full and waits for a line on stdin so the
 *              runner can read nvidia-smi while the memory is held
 *
 * Warm-up: calls and multi first run untimed 1 MiB alloc+free pairs, at least --warmup N (5000) and --warmup-ms MS
 * (300) of them, so that an interposer that compiles its hot path (a JVM's JIT) is measured compiled; calls keeps
 * the first 2000 of those pairs as the cold cost (first_pairs_1MiB_ns), and ctx/firstcall measure the cold start.
 *
 * Common options: --device N (0), --ptx FILE (the kernel; default: an embedded empty sm_90 entry, JIT-compiled by
 * the driver), --no-kernel (launch a dummy handle: only for the fake driver of the build machine, which has no
 * modules), --scale F (multiplies every repetition count; 0.1 for a dry run).
 *
 * All times are CLOCK_MONOTONIC wall time of the calling thread, in ns unless a key says otherwise. Functions the
 * fake driver lacks (module loading, primary-context reset) are weak references, so the same source links against
 * the fake driver and the real one; interposers still see every call that matters, because the calls measured are
 * direct calls into libcuda's exports.
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#pragma weak cuModuleLoadData
#pragma weak cuModuleGetFunction
#pragma weak cuDevicePrimaryCtxReset_v2
#pragma weak cuCtxCreate_v4
#pragma weak cuCtxDestroy_v2
/* cuda.h of CUDA 13 declares only _v4 (as cuCtxCreate); the older entry point still exists in every driver */
extern CUresult CUDAAPI cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev) __attribute__((weak));

#define KiB (1024L)
#define MiB (1024L * KiB)
#define GiB (1024L * MiB)

static const char kEmptyPtx[] = ".version 8.0\n"
                                ".target sm_90\n"
                                ".address_size 64\n"
                                ".visible .entry gpubench_empty()\n"
                                "{\n"
                                "\tret;\n"
                                "}\n";

/* ------------------------------------------------------------------ time, samples */

static inline double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

struct samples {
    double *v;
    long n, cap;
};

static void push(struct samples *s, double x) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
        if (!s->v) {
            perror("gpubench: realloc");
            exit(3);
        }
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank quantile of a sorted array. */
static double quantile(const double *sorted, long n, double q) {
    if (n <= 0) return NAN;
    long i = (long)ceil(q * (double)n) - 1;
    if (i < 0) i = 0;
    if (i >= n) i = n - 1;
    return sorted[i];
}

/* ------------------------------------------------------------------ JSON writer (stdout) */

static int jcomma[64];
static int jdepth;

static void jsep(const char *key) {
    if (jcomma[jdepth]) putchar(',');
    jcomma[jdepth] = 1;
    if (key) printf("\"%s\":", key);
}
static void jobj(const char *key) {
    jsep(key);
    putchar('{');
    jcomma[++jdepth] = 0;
}
static void jarr(const char *key) {
    jsep(key);
    putchar('[');
    jcomma[++jdepth] = 0;
}
static void jend_obj(void) {
    putchar('}');
    jdepth--;
}
static void jend_arr(void) {
    putchar(']');
    jdepth--;
}
static void jnum(const char *key, double x) {
    jsep(key);
    if (isfinite(x)) printf("%.6g", x);
    else printf("null");
}
static void jfix(const char *key, double x) { /* one decimal: times in ns */
    jsep(key);
    if (isfinite(x)) printf("%.1f", x);
    else printf("null");
}
static void jint(const char *key, long long x) {
    jsep(key);
    printf("%lld", x);
}
static void jbool(const char *key, int x) {
    jsep(key);
    printf(x ? "true" : "false");
}
static void jstr(const char *key, const char *s) {
    jsep(key);
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

/* A distribution: n, mean, min, p50, p90, p99, p99.9, max and the 101 percentiles 0..100 (for CDF charts). */
static void jdist(const char *key, double *v, long n) {
    jobj(key);
    jint("n", n);
    if (n > 0) {
        qsort(v, (size_t)n, sizeof *v, cmp_double);
        double sum = 0;
        for (long i = 0; i < n; i++) sum += v[i];
        jfix("mean", sum / (double)n);
        jfix("min", v[0]);
        jfix("p50", quantile(v, n, 0.50));
        jfix("p90", quantile(v, n, 0.90));
        jfix("p99", quantile(v, n, 0.99));
        jfix("p999", quantile(v, n, 0.999));
        jfix("max", v[n - 1]);
        jarr("q");
        for (int p = 0; p <= 100; p++) jfix(NULL, p == 0 ? v[0] : quantile(v, n, p / 100.0));
        jend_arr();
    }
    jend_obj();
}

/* The headline numbers of a run, flat, named with their unit: the runner and the report aggregate these. */
struct metric {
    char name[64];
    double value;
};
static struct metric g_metrics[256];
static int g_nmetrics;

static void metric(const char *fmt, double value, ...) {
    if (g_nmetrics == (int)(sizeof g_metrics / sizeof g_metrics[0])) return;
    va_list ap;
    va_start(ap, value);
    vsnprintf(g_metrics[g_nmetrics].name, sizeof g_metrics[0].name, fmt, ap);
    va_end(ap);
    g_metrics[g_nmetrics++].value = value;
}

static void jmetrics(void) {
    jobj("metrics");
    for (int i = 0; i < g_nmetrics; i++) jnum(g_metrics[i].name, g_metrics[i].value);
    jend_obj();
}

/* ------------------------------------------------------------------ CUDA helpers */

static const char *err_name(CUresult r) {
    const char *s = NULL;
    if (cuGetErrorName(r, &s) != CUDA_SUCCESS || !s) return "?";
    return s;
}

static const char *g_mode = "?";

static void fail(const char *what, CUresult rc) {
    fprintf(stderr, "gpubench %s: %s failed: %d (%s)\n", g_mode, what, (int)rc, err_name(rc));
    jdepth = 0;
    jcomma[0] = 0;
    jobj(NULL);
    jstr("tool", "gpubench");
    jstr("mode", g_mode);
    jbool("ok", 0);
    jstr("error", what);
    jint("error_rc", rc);
    jstr("error_name", err_name(rc));
    jend_obj();
    putchar('\n');
    fflush(stdout);
    _exit(2);
}

#define CHECK(call)                                                                                                \
    do {                                                                                                           \
        CUresult rc_ = (call);                                                                                     \
        if (rc_ != CUDA_SUCCESS) fail(#call, rc_);                                                                 \
    } while (0)

struct opts {
    int device;
    const char *ptx;
    int no_kernel;
    double scale;
    /* calls */
    const char *sizes;
    long launch_batches, launch_batch, sync_iters, info_calls;
    /* ctx */
    long ctx_iters;
    /* multi */
    int procs, threads;
    const char *workload;
    long ops, warmup, warmup_ms, bytes, kv_live, kv_min, kv_max;
    unsigned long long seed;
    /* multi fill and limit */
    long chunk, max_chunks, reject_iters, oversize;
    int hold;
};

static long scaled(const struct opts *o, long n) {
    long v = (long)((double)n * o->scale + 0.5);
    return v < 1 ? 1 : v;
}

static CUdevice g_dev;
static CUcontext g_ctx;
static CUfunction g_fn;
static const char *g_kernel = "none";
static double g_setup_ns;

static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc(1, (size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static void open_device(const struct opts *o) {
    double t0 = now_ns();
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&g_dev, o->device));
    CHECK(cuDevicePrimaryCtxRetain(&g_ctx, g_dev));
    CHECK(cuCtxSetCurrent(g_ctx));
    g_setup_ns = now_ns() - t0;
}

/* The kernel for launch measurements: an empty PTX entry, or a dummy handle with --no-kernel (fake driver). */
static void load_kernel(const struct opts *o) {
    if (o->no_kernel) {
        g_fn = (CUfunction)(void *)&g_fn;
        g_kernel = "dummy";
        return;
    }
    if (!cuModuleLoadData || !cuModuleGetFunction) {
        fprintf(stderr, "gpubench: this libcuda has no cuModuleLoadData (a fake driver?): use --no-kernel\n");
        fail("cuModuleLoadData (missing)", CUDA_ERROR_NOT_SUPPORTED);
    }
    const char *text = kEmptyPtx, *entry = "gpubench_empty";
    char *file = NULL;
    if (o->ptx) {
        file = read_text(o->ptx);
        if (!file) {
            fprintf(stderr, "gpubench: cannot read %s\n", o->ptx);
            fail("read --ptx", CUDA_ERROR_FILE_NOT_FOUND);
        }
        text = file;
        entry = strstr(file, "gpubench_empty") ? "gpubench_empty" : "empty";
    }
    CUmodule mod;
    CHECK(cuModuleLoadData(&mod, text));
    CHECK(cuModuleGetFunction(&g_fn, mod, entry));
    g_kernel = o->ptx ? "ptx-file" : "ptx-embedded";
    free(file);
}

static int mapped(const char *needle) {
    FILE *m = fopen("/proc/self/maps", "r");
    if (!m) return -1;
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, m))
        found = strstr(line, needle) != NULL;
    fclose(m);
    return found;
}

/* What every run says about itself: which libraries are in, what the device looks like from inside. */
static void jcommon(void) {
    jstr("tool", "gpubench");
    jstr("mode", g_mode);
    jint("pid", getpid());
    jbool("libhami_mapped", mapped("libhami") == 1);
    const char *expect = getenv("GPUBENCH_EXPECT_LIB");
    if (expect && *expect) {
        const char *base = strrchr(expect, '/');
        jstr("expect_lib", expect);
        jbool("expect_lib_mapped", mapped(base ? base + 1 : expect) == 1);
    }
    int drv = 0;
    if (cuDriverGetVersion(&drv) == CUDA_SUCCESS) jint("driver_api_version", drv);
    char name[256] = "";
    if (cuDeviceGetName(name, (int)sizeof name - 1, g_dev) == CUDA_SUCCESS) jstr("device_name", name);
    size_t free_b = 0, total_b = 0, tm = 0;
    if (cuMemGetInfo_v2(&free_b, &total_b) == CUDA_SUCCESS) {
        jint("mem_info_free", (long long)free_b);
        jint("mem_info_total", (long long)total_b);
    }
    if (cuDeviceTotalMem_v2(&tm, g_dev) == CUDA_SUCCESS) jint("device_total_mem", (long long)tm);
    jstr("kernel", g_kernel);
    jfix("setup_ns", g_setup_ns);
}

static void jbegin(void) {
    jobj(NULL);
}
static void jfinish(void) {
    jmetrics();
    jbool("ok", 1);
    jend_obj();
    putchar('\n');
    fflush(stdout);
}

static const char *size_label(long b, char *buf, size_t n) {
    if (b >= GiB && b % GiB == 0) snprintf(buf, n, "%ldGiB", b / GiB);
    else if (b >= MiB && b % MiB == 0) snprintf(buf, n, "%ldMiB", b / MiB);
    else if (b >= KiB && b % KiB == 0) snprintf(buf, n, "%ldKiB", b / KiB);
    else snprintf(buf, n, "%ldB", b);
    return buf;
}

static long parse_size(const char *s) {
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0) return -1;
    switch (*end) {
    case 'k': case 'K': v *= KiB; end++; break;
    case 'm': case 'M': v *= MiB; end++; break;
    case 'g': case 'G': v *= GiB; end++; break;
    default: break;
    }
    if (*end == 'i' || *end == 'I') end++;
    if (*end == 'b' || *end == 'B') end++;
    return *end ? -1 : (long)v;
}

/* ------------------------------------------------------------------ mode calls */

/* Pairs per size: enough samples for a p99 at small sizes, a bounded time at large ones (a 2 GiB pair maps pages). */
static long pairs_for(long bytes) {
    if (bytes <= MiB) return 400;
    if (bytes <= 16 * MiB) return 200;
    if (bytes <= 256 * MiB) return 40;
    return 10;
}

static int mode_calls(const struct opts *o) {
    open_device(o);
    load_kernel(o);
    CUdeviceptr anchor;
    CHECK(cuMemAlloc_v2(&anchor, 2 * MiB)); /* keeps the sub-allocator's first page mapped */
    /* Untimed warm-up of the hooked paths, so that a JIT-compiled interposer is measured compiled: the first
     * thousands of calls of a JVM run interpreted (that cost is the ctx and firstcall modes' business). */
    struct samples cold = {0};
    double w0 = now_ns();
    for (long i = 0; i < o->warmup || now_ns() - w0 < o->warmup_ms * 1e6; i++) {
        CUdeviceptr p;
        size_t f, t;
        double t0 = now_ns();
        CHECK(cuMemAlloc_v2(&p, MiB));
        CHECK(cuMemFree_v2(p));
        if (i < 2000) push(&cold, now_ns() - t0); /* the first calls of the process: the cold cost, shown apart */
        CHECK(cuMemGetInfo_v2(&f, &t));
    }
    jbegin();
    jcommon();
    jfix("warmup_ms", (now_ns() - w0) / 1e6);
    double cold_sum = 0;
    for (long i = 0; i < cold.n; i++) cold_sum += cold.v[i];
    metric("first2000_pair_mean_ns", cold.n ? cold_sum / (double)cold.n : NAN);
    jdist("first_pairs_1MiB_ns", cold.v, cold.n);

    /* cuMemGetInfo_v2: the driver call itself (GPU-Virt-Bench OH-005 timed cudaGetDeviceCount, which cudart
     * answers from its own state without reaching the driver). */
    struct samples s = {0};
    size_t f, t;
    long infos = scaled(o, o->info_calls);
    for (long i = 0; i < 200; i++) CHECK(cuMemGetInfo_v2(&f, &t));
    for (long i = 0; i < infos; i++) {
        double t0 = now_ns();
        CUresult rc = cuMemGetInfo_v2(&f, &t);
        double t1 = now_ns();
        if (rc != CUDA_SUCCESS) fail("cuMemGetInfo_v2", rc);
        push(&s, t1 - t0);
    }
    jobj("meminfo");
    jdist("ns", s.v, s.n);
    jend_obj();
    metric("meminfo_ns", quantile(s.v, s.n, 0.5));
    metric("meminfo_p99_ns", quantile(s.v, s.n, 0.99));

    /* cuDeviceGetCount: exported by no interposer here, so it shows what the preload costs a call it leaves alone. */
    s.n = 0;
    int count;
    for (long i = 0; i < 200; i++) CHECK(cuDeviceGetCount(&count));
    for (long i = 0; i < infos; i++) {
        double t0 = now_ns();
        cuDeviceGetCount(&count);
        push(&s, now_ns() - t0);
    }
    jobj("devcount");
    jdist("ns", s.v, s.n);
    jend_obj();
    metric("devcount_ns", quantile(s.v, s.n, 0.5));

    /* cuLaunchKernel host time: each launch timed, in batches short enough that the launch queue never fills
     * (a full queue would time the GPU draining it); the queue is drained between batches, untimed. */
    s.n = 0;
    struct samples batch = {0};
    long batches = scaled(o, o->launch_batches), per = o->launch_batch;
    for (long b = -2; b < batches; b++) {
        double b0 = now_ns();
        for (long i = 0; i < per; i++) {
            double t0 = now_ns();
            CUresult rc = cuLaunchKernel(g_fn, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL);
            double t1 = now_ns();
            if (rc != CUDA_SUCCESS) fail("cuLaunchKernel", rc);
            if (b >= 0) push(&s, t1 - t0);
        }
        double b1 = now_ns();
        if (b >= 0) push(&batch, (b1 - b0) / (double)per);
        CHECK(cuCtxSynchronize());
    }
    jobj("launch");
    jint("batch", per);
    jdist("ns", s.v, s.n);
    jdist("batch_mean_ns", batch.v, batch.n);
    jend_obj();
    metric("launch_ns", quantile(s.v, s.n, 0.5));
    metric("launch_p99_ns", quantile(s.v, s.n, 0.99));
    metric("launch_batch_mean_ns", quantile(batch.v, batch.n, 0.5));

    /* Launch + synchronize: the round trip GPU-Virt-Bench's OH-001 calls "launch latency". */
    s.n = 0;
    long syncs = scaled(o, o->sync_iters);
    for (long i = 0; i < 50; i++) {
        CHECK(cuLaunchKernel(g_fn, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL));
        CHECK(cuCtxSynchronize());
    }
    for (long i = 0; i < syncs; i++) {
        double t0 = now_ns();
        CUresult rc = cuLaunchKernel(g_fn, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL);
        CUresult rc2 = cuCtxSynchronize();
        double t1 = now_ns();
        if (rc != CUDA_SUCCESS) fail("cuLaunchKernel (sync)", rc);
        if (rc2 != CUDA_SUCCESS) fail("cuCtxSynchronize", rc2);
        push(&s, t1 - t0);
    }
    jobj("launch_sync");
    jdist("ns", s.v, s.n);
    jend_obj();
    metric("launch_sync_ns", quantile(s.v, s.n, 0.5));
    metric("launch_sync_p99_ns", quantile(s.v, s.n, 0.99));

    /* cuMemAlloc_v2 / cuMemFree_v2 by size, each call timed. */
    char list[512];
    snprintf(list, sizeof list, "%s", o->sizes);
    jarr("alloc");
    struct samples sa = {0}, sf = {0};
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long bytes = parse_size(tok);
        if (bytes <= 0) {
            fprintf(stderr, "gpubench: bad size '%s'\n", tok);
            continue;
        }
        long pairs = scaled(o, pairs_for(bytes));
        sa.n = sf.n = 0;
        CUdeviceptr p;
        CUresult rc = CUDA_SUCCESS;
        for (long i = 0; i < 3 && rc == CUDA_SUCCESS; i++) {
            rc = cuMemAlloc_v2(&p, (size_t)bytes);
            if (rc == CUDA_SUCCESS) CHECK(cuMemFree_v2(p));
        }
        for (long i = 0; i < pairs && rc == CUDA_SUCCESS; i++) {
            double t0 = now_ns();
            rc = cuMemAlloc_v2(&p, (size_t)bytes);
            double t1 = now_ns();
            if (rc != CUDA_SUCCESS) break;
            CUresult rf = cuMemFree_v2(p);
            double t2 = now_ns();
            if (rf != CUDA_SUCCESS) fail("cuMemFree_v2", rf);
            push(&sa, t1 - t0);
            push(&sf, t2 - t1);
        }
        char label[32];
        size_label(bytes, label, sizeof label);
        jobj(NULL);
        jint("bytes", bytes);
        jstr("label", label);
        jint("rc", rc);
        jdist("alloc_ns", sa.v, sa.n);
        jdist("free_ns", sf.v, sf.n);
        jend_obj();
        if (rc != CUDA_SUCCESS) {
            fprintf(stderr, "gpubench: cuMemAlloc_v2(%s) failed: %d (%s)\n", label, (int)rc, err_name(rc));
            continue;
        }
        metric("alloc_%s_ns", quantile(sa.v, sa.n, 0.5), label);
        metric("free_%s_ns", quantile(sf.v, sf.n, 0.5), label);
    }
    jend_arr();
    CHECK(cuMemFree_v2(anchor));
    jfinish();
    return 0;
}

/* ------------------------------------------------------------------ mode ctx */

static int mode_ctx(const struct opts *o) {
    double t0 = now_ns();
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&g_dev, o->device));
    g_setup_ns = now_ns() - t0;
    long iters = o->ctx_iters;
    struct samples create = {0}, reset = {0}, api = {0}, destroy = {0};
    double first = NAN;
    const char *reset_api = cuDevicePrimaryCtxReset_v2 ? "cuDevicePrimaryCtxReset_v2" : "cuDevicePrimaryCtxRelease_v2";
    for (long i = 0; i < iters; i++) {
        CUdeviceptr p;
        double a = now_ns();
        CHECK(cuDevicePrimaryCtxRetain(&g_ctx, g_dev));
        CHECK(cuCtxSetCurrent(g_ctx));
        CHECK(cuMemAlloc_v2(&p, KiB)); /* the first call on a context is where it is really built */
        CHECK(cuMemFree_v2(p));
        double b = now_ns();
        CHECK(cuDevicePrimaryCtxRelease_v2(g_dev)); /* refcount 0: the primary context is destroyed */
        if (cuDevicePrimaryCtxReset_v2) CHECK(cuDevicePrimaryCtxReset_v2(g_dev));
        double c = now_ns();
        if (i == 0) first = b - a; /* includes the JVM boot under hami: reported apart */
        else push(&create, b - a);
        push(&reset, c - b);
    }
    int have_create = cuCtxDestroy_v2 != NULL;
    const char *create_api = "none";
    CUresult create_rc = CUDA_ERROR_NOT_SUPPORTED;
    for (long i = 0; have_create && i < iters; i++) {
        CUcontext ctx;
        CUdeviceptr p;
        double a = now_ns();
        /* _v4 with no parameters (a plain context); a driver that wants parameters gets the _v2 entry point */
        create_rc = cuCtxCreate_v4 ? cuCtxCreate_v4(&ctx, NULL, 0, g_dev) : CUDA_ERROR_NOT_SUPPORTED;
        if (create_rc == CUDA_SUCCESS) create_api = "cuCtxCreate_v4";
        else if (cuCtxCreate_v2 && (create_rc = cuCtxCreate_v2(&ctx, 0, g_dev)) == CUDA_SUCCESS)
            create_api = "cuCtxCreate_v2";
        if (create_rc != CUDA_SUCCESS) {
            fprintf(stderr, "gpubench ctx: cuCtxCreate failed: %d (%s); skipped\n", (int)create_rc,
                    err_name(create_rc));
            have_create = 0;
            break;
        }
        CHECK(cuMemAlloc_v2(&p, KiB));
        CHECK(cuMemFree_v2(p));
        double b = now_ns();
        CHECK(cuCtxDestroy_v2(ctx));
        double c = now_ns();
        push(&api, b - a);
        push(&destroy, c - b);
    }
    CHECK(cuDevicePrimaryCtxRetain(&g_ctx, g_dev));
    CHECK(cuCtxSetCurrent(g_ctx));
    jbegin();
    jcommon();
    jstr("reset_api", reset_api);
    jstr("create_api", create_api);
    if (!have_create) jint("create_rc", create_rc);
    jint("iters", iters);
    jfix("first_primary_ns", first);
    jdist("primary_create_ns", create.v, create.n);
    jdist("primary_reset_ns", reset.v, reset.n);
    if (have_create) {
        jdist("ctx_create_ns", api.v, api.n);
        jdist("ctx_destroy_ns", destroy.v, destroy.n);
    }
    metric("ctx_first_ms", first / 1e6);
    metric("ctx_primary_ms", quantile(create.v, create.n, 0.5) / 1e6);
    metric("ctx_reset_ms", quantile(reset.v, reset.n, 0.5) / 1e6);
    if (have_create) {
        metric("ctx_create_ms", quantile(api.v, api.n, 0.5) / 1e6);
        metric("ctx_destroy_ms", quantile(destroy.v, destroy.n, 0.5) / 1e6);
    }
    jfinish();
    return 0;
}

/* ------------------------------------------------------------------ mode firstcall */

static int mode_firstcall(const struct opts *o) {
    double m = now_ns();
    const char *t0s = getenv("GPUBENCH_T0_NS"); /* CLOCK_MONOTONIC just before the runner spawned us */
    double t0 = t0s ? strtod(t0s, NULL) : NAN;
    CHECK(cuInit(0));
    double a = now_ns();
    CHECK(cuDeviceGet(&g_dev, o->device));
    CHECK(cuDevicePrimaryCtxRetain(&g_ctx, g_dev));
    CHECK(cuCtxSetCurrent(g_ctx));
    double b = now_ns();
    CUdeviceptr p, q;
    CHECK(cuMemAlloc_v2(&p, (size_t)o->bytes));
    double c = now_ns();
    CHECK(cuMemAlloc_v2(&q, (size_t)o->bytes));
    double d = now_ns();
    g_setup_ns = b - m;
    jbegin();
    jcommon();
    jfix("spawn_to_main_ns", t0s ? m - t0 : NAN);
    jfix("init_ns", a - m);
    jfix("ctx_ns", b - a);
    jfix("first_alloc_ns", c - b);
    jfix("second_alloc_ns", d - c);
    jfix("main_to_first_alloc_ns", c - m);
    jfix("spawn_to_first_alloc_ns", t0s ? c - t0 : NAN);
    if (t0s) metric("spawn_to_main_ms", (m - t0) / 1e6);
    metric("init_ms", (a - m) / 1e6);
    metric("ctx_ms", (b - a) / 1e6);
    metric("first_alloc_ms", (c - b) / 1e6);
    metric("main_to_first_alloc_ms", (c - m) / 1e6);
    if (t0s) metric("spawn_to_first_alloc_ms", (c - t0) / 1e6);
    metric("second_alloc_us", (d - c) / 1e3);
    jfinish();
    return 0;
}

/* ------------------------------------------------------------------ mode multi */

#define MAX_WORKERS 1024

struct worker_result {
    double start_ns, end_ns;
    long ops, allocs, frees, errors, chunks;
    int stop_rc;
    int pad;
};

struct shared {
    atomic_int ready;
    atomic_int done;
    atomic_int failed_setup;
    int pad;
    atomic_llong ready_ns; /* when the last worker passed the barrier */
    struct worker_result w[MAX_WORKERS];
};

static struct shared *g_sh;
static double *g_lat_a, *g_lat_b; /* per worker slices of ops entries: alloc and free (or pair) latencies */
static long g_slice;

static void spin_barrier(atomic_int *counter, int n) {
    atomic_fetch_add(counter, 1);
    while (atomic_load(counter) < n) sched_yield();
}

static unsigned long long xorshift(unsigned long long *s) {
    unsigned long long x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ULL;
}

struct worker_arg {
    const struct opts *o;
    int index, total;
};

static void *worker(void *p) {
    struct worker_arg *wa = p;
    const struct opts *o = wa->o;
    struct worker_result *r = &g_sh->w[wa->index];
    double *la = g_lat_a + (size_t)wa->index * (size_t)g_slice;
    double *lb = g_lat_b + (size_t)wa->index * (size_t)g_slice;
    if (cuCtxSetCurrent(g_ctx) != CUDA_SUCCESS) atomic_fetch_add(&g_sh->failed_setup, 1);
    CUdeviceptr anchor = 0;
    int is_fill = !strcmp(o->workload, "fill");
    if (!is_fill && cuMemAlloc_v2(&anchor, (size_t)(o->bytes > 2 * MiB ? o->bytes : 2 * MiB)) != CUDA_SUCCESS)
        atomic_fetch_add(&g_sh->failed_setup, 1);
    double w0 = now_ns(); /* untimed warm-up: a JIT-compiled interposer is measured compiled */
    for (long i = 0; !is_fill && (i < o->warmup || now_ns() - w0 < o->warmup_ms * 1e6); i++) {
        CUdeviceptr ptr;
        if (cuMemAlloc_v2(&ptr, (size_t)o->bytes) == CUDA_SUCCESS) cuMemFree_v2(ptr);
    }
    spin_barrier(&g_sh->ready, wa->total);
    long long ready = (long long)now_ns(), seen = atomic_load(&g_sh->ready_ns);
    while (ready > seen && !atomic_compare_exchange_weak(&g_sh->ready_ns, &seen, ready)) {
    }
    r->start_ns = now_ns();
    if (!strcmp(o->workload, "pairs")) {
        for (long i = 0; i < o->ops; i++) {
            CUdeviceptr ptr;
            double t0 = now_ns();
            CUresult rc = cuMemAlloc_v2(&ptr, (size_t)o->bytes);
            double t1 = now_ns();
            if (rc != CUDA_SUCCESS) {
                r->errors++;
                continue;
            }
            CUresult rf = cuMemFree_v2(ptr);
            double t2 = now_ns();
            if (rf != CUDA_SUCCESS) r->errors++;
            la[r->allocs++] = t1 - t0;
            lb[r->frees++] = t2 - t1;
            r->ops++;
        }
    } else if (!strcmp(o->workload, "kv")) {
        unsigned long long seed = o->seed + 0x9E3779B97F4A7C15ULL * (unsigned long long)(wa->index + 1);
        long cap = o->kv_live;
        CUdeviceptr *live = calloc((size_t)cap, sizeof *live);
        long nlive = 0, steps = 0;
        for (long b = o->kv_min; b < o->kv_max; b <<= 1) steps++;
        for (long i = 0; i < o->ops; i++) {
            unsigned long long x = xorshift(&seed);
            int do_alloc = nlive == 0 || (nlive < cap && (x & 1));
            if (do_alloc) {
                long bytes = o->kv_min << ((x >> 8) % (unsigned long long)(steps + 1));
                double t0 = now_ns();
                CUresult rc = cuMemAlloc_v2(&live[nlive], (size_t)bytes);
                double t1 = now_ns();
                if (rc != CUDA_SUCCESS) {
                    r->errors++;
                    continue;
                }
                nlive++;
                la[r->allocs++] = t1 - t0;
            } else {
                long k = (long)((x >> 16) % (unsigned long long)nlive);
                CUdeviceptr ptr = live[k];
                live[k] = live[--nlive];
                double t0 = now_ns();
                CUresult rc = cuMemFree_v2(ptr);
                double t1 = now_ns();
                if (rc != CUDA_SUCCESS) r->errors++;
                lb[r->frees++] = t1 - t0;
            }
            r->ops++;
        }
        r->end_ns = now_ns();
        while (nlive > 0) cuMemFree_v2(live[--nlive]);
        free(live);
    } else { /* fill */
        CUdeviceptr *held = calloc((size_t)o->max_chunks + 1, sizeof *held);
        CUresult rc = CUDA_SUCCESS;
        while (r->chunks < o->max_chunks) {
            double t0 = now_ns();
            rc = cuMemAlloc_v2(&held[r->chunks], (size_t)o->chunk);
            double t1 = now_ns();
            if (rc != CUDA_SUCCESS) break;
            if (r->allocs < g_slice) la[r->allocs++] = t1 - t0;
            r->chunks++;
        }
        r->stop_rc = rc;
        r->end_ns = now_ns();
        spin_barrier(&g_sh->done, wa->total); /* everyone holds their memory until all are done */
        for (long i = 0; i < r->chunks; i++) cuMemFree_v2(held[i]);
        free(held);
    }
    if (r->end_ns == 0) r->end_ns = now_ns();
    if (anchor) cuMemFree_v2(anchor);
    return NULL;
}

static int mode_multi(const struct opts *o) {
    int procs = o->procs, threads = o->threads, total = procs * threads;
    if (procs < 1 || threads < 1 || total > MAX_WORKERS) {
        fprintf(stderr, "gpubench multi: 1 <= procs x threads <= %d\n", MAX_WORKERS);
        return 1;
    }
    int is_fill = !strcmp(o->workload, "fill");
    if (!is_fill && strcmp(o->workload, "pairs") && strcmp(o->workload, "kv")) {
        fprintf(stderr, "gpubench multi: --workload pairs|kv|fill\n");
        return 1;
    }
    g_slice = is_fill ? o->max_chunks + 1 : o->ops;
    size_t lat_bytes = sizeof(double) * (size_t)total * (size_t)g_slice;
    g_sh = mmap(NULL, sizeof *g_sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    g_lat_a = mmap(NULL, lat_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    g_lat_b = mmap(NULL, lat_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (g_sh == MAP_FAILED || g_lat_a == MAP_FAILED || g_lat_b == MAP_FAILED) {
        perror("gpubench: mmap");
        return 3;
    }
    double t_fork = now_ns();
    pid_t pids[MAX_WORKERS];
    for (int p = 0; p < procs; p++) {
        pids[p] = fork();
        if (pids[p] < 0) {
            perror("gpubench: fork");
            return 3;
        }
        if (pids[p] == 0) {
            /* each child is a CUDA process of its own: nothing CUDA happened in the parent before the fork */
            if (cuInit(0) || cuDeviceGet(&g_dev, o->device) || cuDevicePrimaryCtxRetain(&g_ctx, g_dev)) {
                atomic_fetch_add(&g_sh->failed_setup, 1);
                for (int t = 0; t < threads; t++) atomic_fetch_add(&g_sh->ready, 1);
                _exit(3);
            }
            pthread_t tids[MAX_WORKERS];
            struct worker_arg args[MAX_WORKERS];
            for (int t = 0; t < threads; t++) {
                args[t] = (struct worker_arg){o, p * threads + t, total};
                if (t == 0) continue;
                pthread_create(&tids[t], NULL, worker, &args[t]);
            }
            worker(&args[0]);
            for (int t = 1; t < threads; t++) pthread_join(tids[t], NULL);
            _exit(0);
        }
    }
    int failed = 0;
    for (int p = 0; p < procs; p++) {
        int st;
        waitpid(pids[p], &st, 0);
        failed += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    /* the parent reports after its children: it opens the device only now, for jcommon's device facts */
    open_device(o);
    double start = INFINITY, end = 0;
    long ops = 0, allocs = 0, frees = 0, errors = 0, chunks = 0;
    struct samples sa = {0}, sb = {0}, pair = {0}, rate = {0};
    for (int w = 0; w < total; w++) {
        struct worker_result *r = &g_sh->w[w];
        if (r->start_ns > 0 && r->start_ns < start) start = r->start_ns;
        if (r->end_ns > end) end = r->end_ns;
        ops += r->ops, allocs += r->allocs, frees += r->frees, errors += r->errors, chunks += r->chunks;
        double *la = g_lat_a + (size_t)w * (size_t)g_slice, *lb = g_lat_b + (size_t)w * (size_t)g_slice;
        for (long i = 0; i < r->allocs && i < g_slice; i++) push(&sa, la[i]);
        if (!is_fill)
            for (long i = 0; i < r->frees; i++) push(&sb, lb[i]);
        if (!strcmp(o->workload, "pairs"))
            for (long i = 0; i < r->allocs && i < r->frees; i++) push(&pair, la[i] + lb[i]);
        if (r->end_ns > r->start_ns) push(&rate, (double)(is_fill ? r->chunks : r->ops) / ((r->end_ns - r->start_ns) / 1e9));
    }
    double elapsed = end > start ? end - start : NAN;
    jbegin();
    jcommon();
    jstr("workload", o->workload);
    jint("procs", procs);
    jint("threads", threads);
    jint("workers", total);
    jint("failed_procs", failed);
    jint("failed_setup", atomic_load(&g_sh->failed_setup));
    jint("errors", errors);
    double ready_at = (double)atomic_load(&g_sh->ready_ns);
    jfix("ready_ns", ready_at > 0 ? ready_at - t_fork : NAN);
    jfix("elapsed_ns", elapsed);
    jint("ops", ops);
    jint("allocs", allocs);
    jint("frees", frees);
    if (is_fill) {
        jint("chunk", o->chunk);
        jint("max_chunks_per_worker", o->max_chunks);
        jint("total_chunks", chunks);
        jarr("chunks_per_worker");
        for (int w = 0; w < total; w++) jint(NULL, g_sh->w[w].chunks);
        jend_arr();
        jarr("stop_rc_per_worker");
        for (int w = 0; w < total; w++) jint(NULL, g_sh->w[w].stop_rc);
        jend_arr();
        jdist("alloc_ns", sa.v, sa.n);
        metric("total_chunks_count", (double)chunks);
        metric("fill_alloc_ms", quantile(sa.v, sa.n, 0.5) / 1e6);
    } else {
        jint("ops_per_worker", o->ops);
        jint("warmup_per_worker", o->warmup);
        jint("warmup_ms", o->warmup_ms);
        jint("bytes", o->bytes);
        if (!strcmp(o->workload, "kv")) {
            jint("kv_min", o->kv_min);
            jint("kv_max", o->kv_max);
            jint("kv_live", o->kv_live);
        }
        jdist("alloc_ns", sa.v, sa.n);
        jdist("free_ns", sb.v, sb.n);
        if (pair.n) jdist("pair_ns", pair.v, pair.n);
        jdist("worker_ops_per_s", rate.v, rate.n);
        double secs = elapsed / 1e9;
        metric("ops_per_s", (double)ops / secs);
        metric("allocs_per_s", (double)allocs / secs);
        if (pair.n) {
            metric("pair_p50_us", quantile(pair.v, pair.n, 0.5) / 1e3);
            metric("pair_p99_us", quantile(pair.v, pair.n, 0.99) / 1e3);
            metric("pair_max_us", pair.v[pair.n - 1] / 1e3);
        }
        metric("alloc_p50_us", quantile(sa.v, sa.n, 0.5) / 1e3);
        metric("alloc_p99_us", quantile(sa.v, sa.n, 0.99) / 1e3);
        metric("free_p50_us", quantile(sb.v, sb.n, 0.5) / 1e3);
        metric("free_p99_us", quantile(sb.v, sb.n, 0.99) / 1e3);
        metric("worker_rate_min_per_s", rate.n ? rate.v[0] : NAN);
    }
    metric("ready_ms", ready_at > 0 ? (ready_at - t_fork) / 1e6 : NAN);
    jfinish();
    return failed != 0 || atomic_load(&g_sh->failed_setup) != 0;
}

/* ------------------------------------------------------------------ mode limit */

static void wait_for_runner(long chunks) {
    jdepth = 0;
    jcomma[0] = 0;
    printf("{\"event\":\"full\",\"pid\":%d,\"chunks\":%ld}\n", getpid(), chunks);
    fflush(stdout);
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    if (poll(&pfd, 1, 60000) > 0) {
        char buf[64];
        if (read(0, buf, sizeof buf) < 0) { /* nothing: the runner only signals */
        }
    }
}

static void time_refusals(long bytes, long iters, struct samples *s, long *accepted) {
    for (long i = 0; i < iters; i++) {
        CUdeviceptr p;
        double t0 = now_ns();
        CUresult rc = cuMemAlloc_v2(&p, (size_t)bytes);
        double t1 = now_ns();
        if (rc == CUDA_SUCCESS) {
            (*accepted)++;
            cuMemFree_v2(p);
        } else {
            push(s, t1 - t0);
        }
    }
}

static int mode_limit(const struct opts *o) {
    open_device(o);
    size_t free0 = 0, total0 = 0;
    CHECK(cuMemGetInfo_v2(&free0, &total0));
    CUdeviceptr *held = calloc((size_t)o->max_chunks + 1, sizeof *held);
    struct samples sa = {0}, sf = {0}, edge = {0}, edge_small = {0}, over = {0};
    long n = 0;
    CUresult stop = CUDA_SUCCESS;
    while (n < o->max_chunks) {
        double t0 = now_ns();
        stop = cuMemAlloc_v2(&held[n], (size_t)o->chunk);
        double t1 = now_ns();
        if (stop != CUDA_SUCCESS) break;
        push(&sa, t1 - t0);
        n++;
    }
    size_t free_full = 0, total_full = 0;
    cuMemGetInfo_v2(&free_full, &total_full);
    if (o->hold) wait_for_runner(n);
    long accepted_edge = 0, accepted_over = 0;
    long iters = scaled(o, o->reject_iters);
    int refused = stop != CUDA_SUCCESS;
    if (refused) {
        /* at the edge: nothing fits any more (under a limit filled with whole chunks not even 2 MiB does) */
        time_refusals(o->chunk, iters, &edge, &accepted_edge);
        time_refusals(2 * MiB, iters, &edge_small, &accepted_edge);
    }
    for (long i = 0; i < n; i++) {
        double t0 = now_ns();
        CUresult rc = cuMemFree_v2(held[i]);
        if (rc != CUDA_SUCCESS) fail("cuMemFree_v2", rc);
        push(&sf, now_ns() - t0);
    }
    /* a request larger than any limit and the card: the same request under every configuration */
    time_refusals(o->oversize, iters, &over, &accepted_over);
    size_t free_after = 0, total_after = 0;
    cuMemGetInfo_v2(&free_after, &total_after);
    jdepth = 0;
    jcomma[0] = 0;
    jbegin();
    jcommon();
    jint("chunk", o->chunk);
    jint("max_chunks", o->max_chunks);
    jint("chunks", n);
    jint("allocated_bytes", (long long)n * o->chunk);
    jint("stop_rc", stop);
    jstr("stop_name", refused ? err_name(stop) : "max reached");
    jint("mem_info_free_before", (long long)free0);
    jint("mem_info_total_before", (long long)total0);
    jint("mem_info_free_full", (long long)free_full);
    jint("mem_info_total_full", (long long)total_full);
    jint("mem_info_free_after", (long long)free_after);
    jint("oversize", o->oversize);
    jint("accepted_at_edge", accepted_edge);
    jint("accepted_oversize", accepted_over);
    jdist("alloc_ns", sa.v, sa.n);
    jdist("free_ns", sf.v, sf.n);
    jdist("refuse_edge_ns", edge.v, edge.n);
    jdist("refuse_edge_2MiB_ns", edge_small.v, edge_small.n);
    jdist("refuse_oversize_ns", over.v, over.n);
    metric("chunks_count", (double)n);
    metric("alloc_chunk_ms", quantile(sa.v, sa.n, 0.5) / 1e6);
    metric("free_chunk_ms", quantile(sf.v, sf.n, 0.5) / 1e6);
    if (edge.n) metric("refuse_edge_us", quantile(edge.v, edge.n, 0.5) / 1e3);
    if (edge_small.n) metric("refuse_edge_2MiB_us", quantile(edge_small.v, edge_small.n, 0.5) / 1e3);
    if (over.n) metric("refuse_oversize_us", quantile(over.v, over.n, 0.5) / 1e3);
    jfinish();
    free(held);
    return 0;
}

/* ------------------------------------------------------------------ main */

static void usage(void) {
    fprintf(stderr, "usage: gpubench calls|ctx|firstcall|multi|limit [options] (see the comment at the top of "
                    "benchmarks/native/gpubench.c)\n");
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    g_mode = argv[1];
    struct opts o = {
        .device = 0, .ptx = NULL, .no_kernel = 0, .scale = 1.0,
        .sizes = "1K,4K,16K,64K,256K,1M,4M,16M,64M,256M,1G,2G",
        .launch_batches = 40, .launch_batch = 256, .sync_iters = 2000, .info_calls = 20000,
        .ctx_iters = 10,
        .procs = 1, .threads = 1, .workload = "pairs", .ops = 2000, .warmup = 5000, .warmup_ms = 300, .bytes = MiB,
        .kv_live = 256, .kv_min = 64 * KiB, .kv_max = 2 * MiB, .seed = 42,
        .chunk = GiB, .max_chunks = 64, .reject_iters = 1000, .oversize = 1024 * GiB, .hold = 0,
    };
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (!strcmp(a, name) && v && (i++, 1))
        if (!strcmp(a, "--no-kernel")) o.no_kernel = 1;
        else if (!strcmp(a, "--hold")) o.hold = 1;
        else if (OPT("--device")) o.device = atoi(v);
        else if (OPT("--ptx")) o.ptx = v;
        else if (OPT("--scale")) o.scale = strtod(v, NULL);
        else if (OPT("--sizes")) o.sizes = v;
        else if (OPT("--launch-batches")) o.launch_batches = atol(v);
        else if (OPT("--launch-batch")) o.launch_batch = atol(v);
        else if (OPT("--sync-iters")) o.sync_iters = atol(v);
        else if (OPT("--info-calls")) o.info_calls = atol(v);
        else if (OPT("--iters")) o.ctx_iters = atol(v);
        else if (OPT("--procs")) o.procs = atoi(v);
        else if (OPT("--threads")) o.threads = atoi(v);
        else if (OPT("--workload")) o.workload = v;
        else if (OPT("--ops")) o.ops = atol(v);
        else if (OPT("--warmup")) o.warmup = atol(v);
        else if (OPT("--warmup-ms")) o.warmup_ms = atol(v);
        else if (OPT("--bytes")) o.bytes = parse_size(v);
        else if (OPT("--kv-live")) o.kv_live = atol(v);
        else if (OPT("--kv-min")) o.kv_min = parse_size(v);
        else if (OPT("--kv-max")) o.kv_max = parse_size(v);
        else if (OPT("--seed")) o.seed = strtoull(v, NULL, 0);
        else if (OPT("--chunk")) o.chunk = parse_size(v);
        else if (OPT("--max")) o.max_chunks = atol(v);
        else if (OPT("--reject-iters")) o.reject_iters = atol(v);
        else if (OPT("--oversize")) o.oversize = parse_size(v);
        else {
            fprintf(stderr, "gpubench: unknown or incomplete option %s\n", a);
            usage();
        }
#undef OPT
    }
    if (o.scale <= 0 || o.bytes <= 0 || o.chunk <= 0 || o.kv_min <= 0 || o.kv_max < o.kv_min || o.oversize <= 0 ||
        o.ops < 1 || o.warmup < 0 || o.warmup_ms < 0 || o.kv_live < 1 || o.max_chunks < 0 || o.ctx_iters < 2 || o.launch_batch < 1) {
        fprintf(stderr, "gpubench: bad option value\n");
        return 1;
    }
    if (!strcmp(g_mode, "calls")) return mode_calls(&o);
    if (!strcmp(g_mode, "ctx")) return mode_ctx(&o);
    if (!strcmp(g_mode, "firstcall")) return mode_firstcall(&o);
    if (!strcmp(g_mode, "multi")) return mode_multi(&o);
    if (!strcmp(g_mode, "limit")) return mode_limit(&o);
    usage();
    return 1;
}
