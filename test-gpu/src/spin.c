/*
 * spin: GPU-side workloads that prove compute sharing (issue 5). CUDA driver API only; the kernels are PTX text
 * below, JIT-compiled by the driver, so the GPU machine needs no nvcc at run time:
 *     gcc -O2 -std=gnu11 -I/usr/local/cuda/include test-gpu/src/spin.c -o spin -L<dir of libcuda.so> -lcuda -lm
 *
 *   spin saturate --kernel-us U --seconds S [--graph N] [--launch-ex]   kernels completed per second
 *   spin decode --kernel-us 100 --kernels 20 --period-ms 10 --seconds S  step latency p50/p99/mean
 *   spin capture [--launch-ex]                                            stream capture + replay, checked numerically
 *   spin bandwidth --gib G --seconds S                                    triad GB/s over three G GiB arrays
 *   spin calibrate                                                        iterations per us of the work kernel
 *
 * Kernels: spin_timer busy-waits U us on %globaltimer in every thread (its duration does not depend on clocks);
 * spin_work runs a fixed chain of dependent FMAs (its duration is GPU time actually received: under time-slicing
 * with another process a timer kernel also "finishes" while swapped out, a work kernel does not), sized by
 * --iters-per-us from a native `calibrate` run; empty (U = 0: grid 1x1, a launch-rate measure); triad
 * a = b + s*c (float4); mix x = 3x + c (u32, exact on the host, for the capture check). Spin kernels run
 * --blocks-per-sm (4) x SM count blocks of 128 threads: one wave that covers every SM.
 *
 * saturate keeps a bounded queue (about 20 ms of kernels, at least 2 groups, an event per group of ~1 ms) so the
 * drain after the last launch stays short; the measured window starts when the first group completes after
 * --warmup-s (1 s: JVM boot under the preload, a token bucket's initial burst) and ends at the final
 * cuStreamSynchronize. rate = kernels completed in the window / host wall time of the window.
 * --start-at EPOCH (CLOCK_REALTIME seconds) makes several processes start their warm-up at the same instant, after
 * their setup (context, module, one launch, which boots the hooks under the preload).
 *
 * Output: one JSON line on stdout ("ok": true), also on failure ("ok": false, "error": the call, exit 2); capture
 * exits 1 when the replayed results are wrong. Nothing else is printed on stdout; diagnostics go to stderr.
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char kPtx[] =
    ".version 7.0\n"
    ".target sm_70\n"
    ".address_size 64\n"
    "\n"
    ".visible .entry empty()\n"
    "{\n"
    "    ret;\n"
    "}\n"
    "\n"
    /* every thread waits until %globaltimer has advanced ns */
    ".visible .entry spin_timer(.param .u64 ns)\n"
    "{\n"
    "    .reg .u64 %rd<4>;\n"
    "    .reg .pred %p<2>;\n"
    "    ld.param.u64 %rd0, [ns];\n"
    "    mov.u64 %rd1, %globaltimer;\n"
    "LOOP:\n"
    "    mov.u64 %rd2, %globaltimer;\n"
    "    sub.u64 %rd3, %rd2, %rd1;\n"
    "    setp.lt.u64 %p0, %rd3, %rd0;\n"
    "    @%p0 bra LOOP;\n"
    "    ret;\n"
    "}\n"
    "\n"
    /* iters x 8 dependent FMAs per thread; the result is stored only if it hits an impossible value, so the loop
     * cannot be optimized away */
    ".visible .entry spin_work(.param .u64 iters, .param .u64 sink)\n"
    "{\n"
    "    .reg .u64 %rd<4>;\n"
    "    .reg .f32 %f<2>;\n"
    "    .reg .pred %p<3>;\n"
    "    ld.param.u64 %rd0, [iters];\n"
    "    ld.param.u64 %rd1, [sink];\n"
    "    mov.f32 %f0, 0f3F800000;\n"
    "    mov.u64 %rd2, 0;\n"
    "    setp.eq.u64 %p0, %rd0, 0;\n"
    "    @%p0 bra DONE;\n"
    "LOOP:\n"
    "    fma.rn.f32 %f0, %f0, 0f3F7FFFEF, 0f3A83126F;\n"
    "    fma.rn.f32 %f0, %f0, 0f3F7FFFEF, 0f3A83126F;\n"
    "    fma.rn.f32 %f0, %f0, 0f3F7FFFEF, 0f3A83126F;\n"
    "    fma.rn.f32 %f0, %f0, 0f3F7FFFEF, 0f3A83126F;\n"
    "    fma.rn.f32 %f0, %f0, 0f3F7FFFEF, 0f3A83126F;\n"
    "    fma.rn.f32 %f0, %f0, 0f3F7FFFEF, 0f3A83126F;\n"
    "    fma.rn.f32 %f0, %f0, 0f3F7FFFEF, 0f3A83126F;\n"
    "    fma.rn.f32 %f0, %f0, 0f3F7FFFEF, 0f3A83126F;\n"
    "    add.u64 %rd2, %rd2, 1;\n"
    "    setp.lt.u64 %p1, %rd2, %rd0;\n"
    "    @%p1 bra LOOP;\n"
    "DONE:\n"
    "    setp.eq.f32 %p2, %f0, 0f12345678;\n"
    "    @%p2 st.global.f32 [%rd1], %f0;\n"
    "    ret;\n"
    "}\n"
    "\n"
    /* a[i] = b[i] + s * c[i] over n4 float4 elements, grid-stride */
    ".visible .entry triad(.param .u64 a, .param .u64 b, .param .u64 c, .param .u64 n4, .param .f32 s)\n"
    "{\n"
    "    .reg .u64 %rd<12>;\n"
    "    .reg .u32 %r<4>;\n"
    "    .reg .f32 %f<13>;\n"
    "    .reg .pred %p<1>;\n"
    "    ld.param.u64 %rd0, [a];\n"
    "    ld.param.u64 %rd1, [b];\n"
    "    ld.param.u64 %rd2, [c];\n"
    "    ld.param.u64 %rd3, [n4];\n"
    "    ld.param.f32 %f0, [s];\n"
    "    cvta.to.global.u64 %rd0, %rd0;\n"
    "    cvta.to.global.u64 %rd1, %rd1;\n"
    "    cvta.to.global.u64 %rd2, %rd2;\n"
    "    mov.u32 %r0, %ctaid.x;\n"
    "    mov.u32 %r1, %ntid.x;\n"
    "    mov.u32 %r2, %tid.x;\n"
    "    mov.u32 %r3, %nctaid.x;\n"
    "    mul.wide.u32 %rd4, %r0, %r1;\n"
    "    cvt.u64.u32 %rd5, %r2;\n"
    "    add.u64 %rd4, %rd4, %rd5;\n"
    "    mul.wide.u32 %rd5, %r3, %r1;\n"
    "LOOP:\n"
    "    setp.ge.u64 %p0, %rd4, %rd3;\n"
    "    @%p0 bra DONE;\n"
    "    shl.b64 %rd6, %rd4, 4;\n"
    "    add.u64 %rd7, %rd1, %rd6;\n"
    "    add.u64 %rd8, %rd2, %rd6;\n"
    "    add.u64 %rd9, %rd0, %rd6;\n"
    "    ld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd7];\n"
    "    ld.global.v4.f32 {%f5, %f6, %f7, %f8}, [%rd8];\n"
    "    fma.rn.f32 %f9, %f0, %f5, %f1;\n"
    "    fma.rn.f32 %f10, %f0, %f6, %f2;\n"
    "    fma.rn.f32 %f11, %f0, %f7, %f3;\n"
    "    fma.rn.f32 %f12, %f0, %f8, %f4;\n"
    "    st.global.v4.f32 [%rd9], {%f9, %f10, %f11, %f12};\n"
    "    add.u64 %rd4, %rd4, %rd5;\n"
    "    bra LOOP;\n"
    "DONE:\n"
    "    ret;\n"
    "}\n"
    "\n"
    /* x[i] = 3 * x[i] + c (mod 2^32) over n elements, grid-stride */
    ".visible .entry mix(.param .u64 x, .param .u32 c, .param .u64 n)\n"
    "{\n"
    "    .reg .u64 %rd<8>;\n"
    "    .reg .u32 %r<7>;\n"
    "    .reg .pred %p<1>;\n"
    "    ld.param.u64 %rd0, [x];\n"
    "    ld.param.u32 %r4, [c];\n"
    "    ld.param.u64 %rd1, [n];\n"
    "    cvta.to.global.u64 %rd0, %rd0;\n"
    "    mov.u32 %r0, %ctaid.x;\n"
    "    mov.u32 %r1, %ntid.x;\n"
    "    mov.u32 %r2, %tid.x;\n"
    "    mov.u32 %r3, %nctaid.x;\n"
    "    mul.wide.u32 %rd2, %r0, %r1;\n"
    "    cvt.u64.u32 %rd3, %r2;\n"
    "    add.u64 %rd2, %rd2, %rd3;\n"
    "    mul.wide.u32 %rd3, %r3, %r1;\n"
    "LOOP:\n"
    "    setp.ge.u64 %p0, %rd2, %rd1;\n"
    "    @%p0 bra DONE;\n"
    "    shl.b64 %rd4, %rd2, 2;\n"
    "    add.u64 %rd5, %rd0, %rd4;\n"
    "    ld.global.u32 %r5, [%rd5];\n"
    "    mad.lo.u32 %r6, %r5, 3, %r4;\n"
    "    st.global.u32 [%rd5], %r6;\n"
    "    add.u64 %rd2, %rd2, %rd3;\n"
    "    bra LOOP;\n"
    "DONE:\n"
    "    ret;\n"
    "}\n";

/* ------------------------------------------------------------------ options, time, failure */

struct opts {
    const char *mode;
    int device;
    double kernel_us, seconds, warmup_s, period_ms, gib, iters_per_us, start_at;
    int kernels, graph, launch_ex, work, blocks_per_sm, replays;
};
static struct opts o = {
    .kernel_us = 1000, .seconds = 10, .warmup_s = 1, .period_ms = 10, .gib = 4, .kernels = 20,
    .blocks_per_sm = 4, .replays = 20,
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_until(double t) { /* t on the CLOCK_MONOTONIC scale of now_s */
    struct timespec ts = {.tv_sec = (time_t)t, .tv_nsec = (long)((t - floor(t)) * 1e9)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
    }
}

static const char *err_name(CUresult r) {
    const char *s = NULL;
    return cuGetErrorName(r, &s) == CUDA_SUCCESS && s ? s : "?";
}

static void fail(const char *what, CUresult rc) {
    fprintf(stderr, "spin %s: %s failed: %d (%s)\n", o.mode, what, (int)rc, err_name(rc));
    printf("{\"tool\":\"spin\",\"mode\":\"%s\",\"pid\":%d,\"ok\":false,\"error\":\"%s\",\"error_rc\":%d,"
           "\"error_name\":\"%s\"}\n",
           o.mode, (int)getpid(), what, (int)rc, err_name(rc));
    fflush(stdout);
    _exit(2);
}

#define CHECK(call)                                                                                                \
    do {                                                                                                           \
        CUresult rc_ = (call);                                                                                     \
        if (rc_ != CUDA_SUCCESS) fail(#call, rc_);                                                                 \
    } while (0)

static int libhami_mapped(void) {
    FILE *m = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    if (!m) return 0;
    while (!found && fgets(line, sizeof line, m)) found = strstr(line, "libhami") != NULL;
    fclose(m);
    return found;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *sorted, long n, double q) { /* nearest rank */
    long i = (long)ceil(q * (double)n) - 1;
    return n <= 0 ? NAN : sorted[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* ------------------------------------------------------------------ device, kernels */

static CUdevice g_dev;
static CUstream g_stream;
static CUfunction g_empty, g_timer, g_work, g_triad, g_mix;
static int g_sms;
static CUdeviceptr g_sink;
static double g_setup_s;

static void open_device(void) {
    double t0 = now_s();
    CUcontext ctx;
    CUmodule mod;
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&g_dev, o.device));
    CHECK(cuDevicePrimaryCtxRetain(&ctx, g_dev));
    CHECK(cuCtxSetCurrent(ctx));
    CHECK(cuDeviceGetAttribute(&g_sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, g_dev));
    CHECK(cuModuleLoadData(&mod, kPtx));
    CHECK(cuModuleGetFunction(&g_empty, mod, "empty"));
    CHECK(cuModuleGetFunction(&g_timer, mod, "spin_timer"));
    CHECK(cuModuleGetFunction(&g_work, mod, "spin_work"));
    CHECK(cuModuleGetFunction(&g_triad, mod, "triad"));
    CHECK(cuModuleGetFunction(&g_mix, mod, "mix"));
    CHECK(cuStreamCreate(&g_stream, CU_STREAM_NON_BLOCKING));
    CHECK(cuMemAlloc(&g_sink, 64));
    g_setup_s = now_s() - t0;
}

/* One kind of launch (a kernel with its arguments and shape), issued plainly, through cuLaunchKernelEx, or as
 * a graph of `graph` such kernels. */
struct work {
    CUfunction fn;
    void *args[5];
    unsigned grid, block;
    CUgraphExec exec;
    int per_launch; /* kernels per launch: graph nodes, else 1 */
    uint64_t arg_u64[2];
};

static void launch_kernel(const struct work *w, CUstream s) {
    if (o.launch_ex) {
        CUlaunchConfig cfg = {.gridDimX = w->grid, .gridDimY = 1, .gridDimZ = 1, .blockDimX = w->block,
                              .blockDimY = 1, .blockDimZ = 1, .sharedMemBytes = 0, .hStream = s};
        CHECK(cuLaunchKernelEx(&cfg, w->fn, (void **)w->args, NULL));
    } else {
        CHECK(cuLaunchKernel(w->fn, w->grid, 1, 1, w->block, 1, 1, 0, s, (void **)w->args, NULL));
    }
}

static void launch(const struct work *w) {
    if (w->exec) CHECK(cuGraphLaunch(w->exec, g_stream));
    else launch_kernel(w, g_stream);
}

/* Builds a graph of n copies of the kernel, chained, with the explicit graph API (capture is the capture mode's). */
static void make_graph(struct work *w, int n) {
    CUgraph g;
    CUgraphNode prev = NULL, node;
    CHECK(cuGraphCreate(&g, 0));
    for (int i = 0; i < n; i++) {
        CUDA_KERNEL_NODE_PARAMS p = {.func = w->fn, .gridDimX = w->grid, .gridDimY = 1, .gridDimZ = 1,
                                     .blockDimX = w->block, .blockDimY = 1, .blockDimZ = 1,
                                     .kernelParams = (void **)w->args};
        CHECK(cuGraphAddKernelNode(&node, g, prev ? &prev : NULL, prev ? 1 : 0, &p));
        prev = node;
    }
    CHECK(cuGraphInstantiate(&w->exec, g, 0));
    CHECK(cuGraphDestroy(g));
    w->per_launch = n;
}

static double g_iters_per_us;
static const char *g_calibrated = "none";
static const char *g_kernel_name; /* set by modes whose kernel is not a spin kernel */

/* Times one work kernel of `iters` iterations, in us, with events (GPU time, alone on the device). */
static double time_work(uint64_t iters) {
    CUevent a, b;
    float ms = 0;
    void *args[2] = {&iters, &g_sink};
    CHECK(cuEventCreate(&a, CU_EVENT_DEFAULT));
    CHECK(cuEventCreate(&b, CU_EVENT_DEFAULT));
    CHECK(cuEventRecord(a, g_stream));
    CHECK(cuLaunchKernel(g_work, (unsigned)(o.blocks_per_sm * g_sms), 1, 1, 128, 1, 1, 0, g_stream, args, NULL));
    CHECK(cuEventRecord(b, g_stream));
    CHECK(cuEventSynchronize(b));
    CHECK(cuEventElapsedTime(&ms, a, b));
    CHECK(cuEventDestroy(a));
    CHECK(cuEventDestroy(b));
    return ms * 1e3;
}

/* Iterations per us of spin_work: the median of 9 runs sized to ~1 ms, after 3 untimed ones. */
static double calibrate(void) {
    uint64_t iters = 1000;
    double us[9];
    for (int i = 0; i < 3; i++) time_work(iters);
    for (int i = 0; i < 4; i++) iters = (uint64_t)fmax(100, (double)iters * 1000.0 / time_work(iters));
    for (int i = 0; i < 9; i++) us[i] = time_work(iters) / (double)iters;
    qsort(us, 9, sizeof us[0], cmp_double);
    return 1.0 / us[4];
}

/* The kernel of saturate/decode: empty (U = 0), else spin_work or spin_timer of U us. */
static void spin_kernel(struct work *w, double us) {
    memset(w, 0, sizeof *w);
    w->per_launch = 1;
    w->block = 128;
    w->grid = (unsigned)(o.blocks_per_sm * g_sms);
    if (us <= 0) {
        w->fn = g_empty;
        w->grid = w->block = 1;
        return;
    }
    if (o.work) {
        if (o.iters_per_us > 0) {
            g_iters_per_us = o.iters_per_us;
            g_calibrated = "given";
        } else if (g_iters_per_us <= 0) {
            g_iters_per_us = calibrate();
            g_calibrated = "self";
            fprintf(stderr, "spin: no --iters-per-us: calibrated in this process (%.3f), valid only if alone\n",
                    g_iters_per_us);
        }
        w->fn = g_work;
        w->arg_u64[0] = (uint64_t)fmax(1, us * g_iters_per_us + 0.5);
        w->args[0] = &w->arg_u64[0];
        w->args[1] = &g_sink;
    } else {
        w->fn = g_timer;
        w->arg_u64[0] = (uint64_t)(us * 1e3 + 0.5);
        w->args[0] = &w->arg_u64[0];
    }
}

/* After setup: one launch (boots the hooks under the preload), then wait for --start-at. */
static void ready(const struct work *w) {
    launch(w);
    CHECK(cuStreamSynchronize(g_stream));
    if (o.start_at > 0) {
        struct timespec rt;
        clock_gettime(CLOCK_REALTIME, &rt);
        double wait = o.start_at - ((double)rt.tv_sec + rt.tv_nsec * 1e-9);
        if (wait > 0) sleep_until(now_s() + wait);
        else fprintf(stderr, "spin: --start-at passed %.3f s before setup ended\n", -wait);
    }
}

static void json_head(void) {
    int drv = 0;
    char name[128] = "";
    cuDriverGetVersion(&drv);
    cuDeviceGetName(name, (int)sizeof name - 1, g_dev);
    printf("{\"tool\":\"spin\",\"mode\":\"%s\",\"ok\":true,\"pid\":%d,\"libhami_mapped\":%s,\"device_name\":\"%s\","
           "\"driver_api_version\":%d,\"sms\":%d,\"setup_s\":%.3f,\"kernel\":\"%s\",\"launch\":\"%s\"",
           o.mode, (int)getpid(), libhami_mapped() ? "true" : "false", name, drv, g_sms, g_setup_s,
           g_kernel_name ? g_kernel_name : o.kernel_us <= 0 ? "empty" : o.work ? "work" : "timer",
           o.graph > 0 ? "graph" : o.launch_ex ? "cuLaunchKernelEx" : "cuLaunchKernel");
    if (o.work) printf(",\"iters_per_us\":%.4f,\"calibrated\":\"%s\"", g_iters_per_us, g_calibrated);
}

/* ------------------------------------------------------------------ saturate (and bandwidth) */

#define RING 64

struct stream_result {
    double window_s, rate, kernels, t0, t1, timeline[128];
    int timeline_n;
};

/* Keeps the stream busy with w for warmup + seconds; see the header comment for the window. */
static void run_stream(const struct work *w, struct stream_result *r) {
    double unit_us = o.kernel_us > 0 ? o.kernel_us * w->per_launch : 0;
    /* a group of launches per event: ~1 ms of work (256 empty launches) */
    long group = unit_us > 0 ? (long)fmax(1, ceil(1000.0 / unit_us)) : 256;
    /* groups in flight: ~20 ms of queued work, at least 2 (the GPU never waits for the host), at most RING/2 */
    long inflight = unit_us > 0 ? (long)fmin(RING / 2, fmax(2, ceil(20000.0 / (unit_us * (double)group)))) : 8;
    CUevent ev[RING];
    for (int i = 0; i < RING; i++) CHECK(cuEventCreate(&ev[i], CU_EVENT_DISABLE_TIMING));
    long launched = 0, done = 0; /* groups */
    double t_begin = now_s(), warm_end = t_begin + o.warmup_s, t0 = 0, count0 = 0, tl_t = 0, tl_c = 0;
    int measuring = 0;
    memset(r, 0, sizeof *r);
    for (;;) {
        double t = now_s();
        if (!measuring && t >= warm_end) {
            /* the window opens when the oldest queued group completes: the GPU stays busy with the rest */
            if (done < launched) CHECK(cuEventSynchronize(ev[done++ % RING]));
            t0 = tl_t = now_s();
            count0 = tl_c = (double)done * (double)group * w->per_launch;
            measuring = 1;
        }
        if (measuring && t - t0 >= o.seconds) break;
        for (long i = 0; i < group; i++) launch(w);
        CHECK(cuEventRecord(ev[launched++ % RING], g_stream));
        while (done < launched) {
            CUresult q = cuEventQuery(ev[done % RING]);
            if (q == CUDA_ERROR_NOT_READY) break;
            if (q != CUDA_SUCCESS) fail("cuEventQuery", q);
            done++;
        }
        while (launched - done >= inflight) CHECK(cuEventSynchronize(ev[done++ % RING]));
        if (measuring && now_s() - tl_t >= 1.0 && r->timeline_n < 128) {
            double c = (double)done * (double)group * w->per_launch, tn = now_s();
            r->timeline[r->timeline_n++] = (c - tl_c) / (tn - tl_t);
            tl_t = tn;
            tl_c = c;
        }
    }
    CHECK(cuStreamSynchronize(g_stream));
    double t1 = now_s();
    r->kernels = (double)launched * (double)group * w->per_launch - count0;
    r->window_s = t1 - t0;
    r->t0 = t0;
    r->t1 = t1;
    r->rate = r->kernels / r->window_s;
    for (int i = 0; i < RING; i++) CHECK(cuEventDestroy(ev[i]));
}

/* The window on the CLOCK_MONOTONIC scale (Python's time.monotonic() on Linux), for samplers outside, and the
 * completion rate of each ~1 s of it. */
static void json_window(const struct stream_result *r) {
    printf(",\"t0_mono\":%.4f,\"t1_mono\":%.4f,\"timeline_per_s\":[", r->t0, r->t1);
    for (int i = 0; i < r->timeline_n; i++) printf("%s%.1f", i ? "," : "", r->timeline[i]);
    printf("]");
}

static int mode_saturate(void) {
    struct work w;
    struct stream_result r;
    open_device();
    spin_kernel(&w, o.kernel_us);
    if (o.graph > 0) make_graph(&w, o.graph);
    ready(&w);
    run_stream(&w, &r);
    json_head();
    printf(",\"kernel_us\":%g,\"grid\":%u,\"block\":%u,\"graph_nodes\":%d,\"warmup_s\":%g,\"window_s\":%.4f,"
           "\"kernels\":%.0f,\"kernels_per_s\":%.3f,\"gpu_busy_fraction\":%.4f",
           o.kernel_us, w.grid, w.block, o.graph, o.warmup_s, r.window_s, r.kernels, r.rate,
           r.rate * o.kernel_us * 1e-6);
    json_window(&r);
    printf("}\n");
    return 0;
}

static int mode_bandwidth(void) {
    struct work w;
    struct stream_result r;
    open_device();
    size_t bytes = (size_t)(o.gib * (double)(1UL << 30)) & ~(size_t)15;
    CUdeviceptr a, b, c;
    uint64_t n4 = bytes / 16;
    float s = 2.0f, head[4];
    CHECK(cuMemAlloc(&a, bytes));
    CHECK(cuMemAlloc(&b, bytes));
    CHECK(cuMemAlloc(&c, bytes));
    CHECK(cuMemsetD32(b, 0x3F800000u, bytes / 4)); /* 1.0f */
    CHECK(cuMemsetD32(c, 0x3F800000u, bytes / 4));
    memset(&w, 0, sizeof w);
    g_kernel_name = "triad";
    w.fn = g_triad;
    w.per_launch = 1;
    w.block = 256;
    w.grid = (unsigned)(8 * g_sms);
    w.args[0] = &a;
    w.args[1] = &b;
    w.args[2] = &c;
    w.args[3] = &n4;
    w.args[4] = &s;
    ready(&w);
    double t0 = now_s();
    launch(&w);
    CHECK(cuStreamSynchronize(g_stream));
    o.kernel_us = (now_s() - t0) * 1e6; /* sizes the queue of run_stream */
    run_stream(&w, &r);
    CHECK(cuMemcpyDtoH(head, a, sizeof head));
    int clock_khz = 0, bus_bits = 0;
    double peak = NAN; /* the attributes are deprecated in CUDA 13 but still answered by driver 580 */
    if (cuDeviceGetAttribute(&clock_khz, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, g_dev) == CUDA_SUCCESS &&
        cuDeviceGetAttribute(&bus_bits, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, g_dev) == CUDA_SUCCESS &&
        clock_khz > 0 && bus_bits > 0)
        peak = 2.0 * clock_khz * 1e3 * (bus_bits / 8.0) / 1e9;
    double gbs = r.rate * 3.0 * (double)bytes / 1e9;
    json_head();
    printf(",\"gib_per_array\":%g,\"bytes_per_kernel\":%.0f,\"kernel_ms\":%.3f,\"window_s\":%.4f,\"kernels\":%.0f,"
           "\"kernels_per_s\":%.4f,\"gb_per_s\":%.2f,\"peak_gb_per_s\":%.2f,\"pct_of_peak\":%.2f,"
           "\"result_ok\":%s",
           o.gib, 3.0 * (double)bytes, o.kernel_us / 1e3, r.window_s, r.kernels, r.rate, gbs,
           isfinite(peak) ? peak : -1, isfinite(peak) ? 100 * gbs / peak : -1, head[0] == 3.0f ? "true" : "false");
    json_window(&r);
    printf("}\n");
    return head[0] == 3.0f ? 0 : 1;
}

/* ------------------------------------------------------------------ decode */

static int mode_decode(void) {
    struct work w;
    open_device();
    spin_kernel(&w, o.kernel_us);
    ready(&w);
    double period = o.period_ms * 1e-3, t_begin = now_s(), warm_end = t_begin + o.warmup_s;
    double end = warm_end + o.seconds, next = t_begin, late_sum = 0;
    long cap = (long)(o.seconds / period) + 16, n = 0, overruns = 0, steps = 0;
    double *lat = malloc((size_t)cap * sizeof *lat);
    if (!lat) return 3;
    while (next < end) {
        sleep_until(next);
        double ts = now_s();
        for (int k = 0; k < o.kernels; k++) launch(&w);
        CHECK(cuStreamSynchronize(g_stream));
        double te = now_s();
        steps++;
        if (ts >= warm_end && n < cap) {
            lat[n++] = (te - ts) * 1e3;
            late_sum += ts - next;
        }
        next += period;
        if (te > next) { /* missed the next tick: skip to the one after now */
            overruns++;
            next += ceil((te - next) / period) * period;
        }
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    double sum = 0;
    for (long i = 0; i < n; i++) sum += lat[i];
    json_head();
    printf(",\"kernel_us\":%g,\"kernels_per_step\":%d,\"period_ms\":%g,\"warmup_s\":%g,\"steps\":%ld,"
           "\"t0_mono\":%.4f,\"t1_mono\":%.4f,\"measured_steps\":%ld,\"overruns\":%ld,\"wakeup_late_ms_mean\":%.4f,\"p50_ms\":%.4f,\"p90_ms\":%.4f,"
           "\"p99_ms\":%.4f,\"mean_ms\":%.4f,\"min_ms\":%.4f,\"max_ms\":%.4f}\n",
           o.kernel_us, o.kernels, o.period_ms, o.warmup_s, steps, warm_end, end, n, overruns, n ? late_sum / n * 1e3 : NAN,
           quantile(lat, n, 0.5), quantile(lat, n, 0.9), quantile(lat, n, 0.99), n ? sum / n : NAN,
           n ? lat[0] : NAN, n ? lat[n - 1] : NAN);
    free(lat);
    return 0;
}

/* ------------------------------------------------------------------ capture */

/* Captures K mix kernels (each with its own constant), a 50 us timer spin between them so that a limit has GPU
 * time to act on, instantiates, replays R times and compares every element with the same arithmetic on the host. */
static int mode_capture(void) {
    enum { K = 8, N = 1 << 20 };
    open_device();
    uint32_t *host = malloc(N * sizeof *host), *want = malloc(N * sizeof *want);
    if (!host || !want) return 3;
    for (uint32_t i = 0; i < N; i++) host[i] = want[i] = i * 2654435761u;
    CUdeviceptr x;
    CHECK(cuMemAlloc(&x, N * sizeof *host));
    CHECK(cuMemcpyHtoD(x, host, N * sizeof *host));
    struct work spin, mix[K];
    uint64_t n = N;
    uint32_t c[K];
    o.work = 0;
    g_kernel_name = "mix+timer";
    spin_kernel(&spin, 50);
    ready(&spin);
    for (int k = 0; k < K; k++) {
        c[k] = 0x9E3779B9u * (uint32_t)(k + 1);
        memset(&mix[k], 0, sizeof mix[k]);
        mix[k].fn = g_mix;
        mix[k].grid = (unsigned)(4 * g_sms);
        mix[k].block = 256;
        mix[k].args[0] = &x;
        mix[k].args[1] = &c[k];
        mix[k].args[2] = &n;
    }
    CUgraph graph;
    CUgraphExec exec;
    CUstreamCaptureStatus status = CU_STREAM_CAPTURE_STATUS_NONE;
    CHECK(cuStreamBeginCapture(g_stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
    for (int k = 0; k < K; k++) {
        launch_kernel(&mix[k], g_stream);
        launch_kernel(&spin, g_stream);
    }
    CHECK(cuStreamIsCapturing(g_stream, &status)); /* a hook that broke the capture shows up here */
    int active = status == CU_STREAM_CAPTURE_STATUS_ACTIVE;
    CHECK(cuStreamEndCapture(g_stream, &graph));
    size_t nodes = 0;
    CHECK(cuGraphGetNodes(graph, NULL, &nodes));
    CHECK(cuGraphInstantiate(&exec, graph, 0));
    double t0 = now_s();
    for (int r = 0; r < o.replays; r++) CHECK(cuGraphLaunch(exec, g_stream));
    CHECK(cuStreamSynchronize(g_stream));
    double replay_s = now_s() - t0;
    CHECK(cuMemcpyDtoH(host, x, N * sizeof *host));
    for (int r = 0; r < o.replays; r++)
        for (int k = 0; k < K; k++)
            for (uint32_t i = 0; i < N; i++) want[i] = 3u * want[i] + c[k];
    long bad = 0, first_bad = -1;
    for (uint32_t i = 0; i < N; i++)
        if (host[i] != want[i] && bad++ == 0) first_bad = i;
    int ok = active && bad == 0;
    json_head();
    printf(",\"status\":\"%s\",\"capture_active\":%s,\"graph_nodes\":%zu,\"kernels_captured\":%d,\"replays\":%d,"
           "\"elements\":%d,\"mismatches\":%ld,\"first_mismatch\":%ld,\"replay_s\":%.4f,\"min_replay_s\":%.4f}\n",
           ok ? "ok" : "wrong", active ? "true" : "false", nodes, 2 * K, o.replays, N, bad, first_bad, replay_s,
           o.replays * K * 50e-6);
    if (!ok) fprintf(stderr, "spin capture: %s\n", active ? "replayed results are wrong" : "capture was not active");
    return ok ? 0 : 1;
}

/* ------------------------------------------------------------------ calibrate */

/* Iterations per us of the work kernel, and how long 100 us / 1 ms work and timer kernels really take (GPU time
 * between events, alone on the device). */
static int mode_calibrate(void) {
    open_device();
    double ipu = calibrate();
    double w100 = time_work((uint64_t)(100 * ipu)), w1000 = time_work((uint64_t)(1000 * ipu));
    double t[2];
    for (int i = 0; i < 2; i++) {
        uint64_t ns = i ? 1000000 : 100000;
        void *args[1] = {&ns};
        CUevent a, b;
        float ms = 0;
        CHECK(cuEventCreate(&a, CU_EVENT_DEFAULT));
        CHECK(cuEventCreate(&b, CU_EVENT_DEFAULT));
        CHECK(cuLaunchKernel(g_timer, (unsigned)(o.blocks_per_sm * g_sms), 1, 1, 128, 1, 1, 0, g_stream, args, NULL));
        CHECK(cuEventRecord(a, g_stream));
        CHECK(cuLaunchKernel(g_timer, (unsigned)(o.blocks_per_sm * g_sms), 1, 1, 128, 1, 1, 0, g_stream, args, NULL));
        CHECK(cuEventRecord(b, g_stream));
        CHECK(cuEventSynchronize(b));
        CHECK(cuEventElapsedTime(&ms, a, b));
        t[i] = ms * 1e3;
        CHECK(cuEventDestroy(a));
        CHECK(cuEventDestroy(b));
    }
    g_iters_per_us = ipu;
    g_calibrated = "self";
    o.work = 1;
    json_head();
    printf(",\"work_100us_us\":%.2f,\"work_1ms_us\":%.2f,\"timer_100us_us\":%.2f,\"timer_1ms_us\":%.2f}\n", w100,
           w1000, t[0], t[1]);
    return 0;
}

/* ------------------------------------------------------------------ main */

static void usage(void) {
    fprintf(stderr,
            "usage: spin saturate|decode|capture|bandwidth|calibrate [--kernel-us U] [--seconds S] [--warmup-s W]\n"
            "            [--graph N] [--launch-ex] [--spin timer|work] [--iters-per-us X] [--kernels K]\n"
            "            [--period-ms P] [--gib G] [--replays R] [--blocks-per-sm B] [--start-at EPOCH] [--device D]\n"
            "       (see the comment at the top of test-gpu/src/spin.c)\n");
    exit(2);
}

static double num(const char *opt, const char *v, double lo, double hi) {
    char *end = NULL;
    double x = v ? strtod(v, &end) : NAN;
    if (!v || end == v || *end || !(x >= lo && x <= hi)) {
        fprintf(stderr, "spin: %s needs a number in [%g, %g], got '%s'\n", opt, lo, hi, v ? v : "");
        usage();
    }
    return x;
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    o.mode = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--launch-ex")) o.launch_ex = 1;
        else if (!strcmp(a, "--spin")) {
            if (!v || (strcmp(v, "timer") && strcmp(v, "work"))) {
                fprintf(stderr, "spin: --spin needs 'timer' or 'work', got '%s'\n", v ? v : "");
                usage();
            }
            o.work = !strcmp(argv[++i], "work");
        } else if (!strcmp(a, "--kernel-us")) o.kernel_us = num(a, (++i, v), 0, 1e6);
        else if (!strcmp(a, "--seconds")) o.seconds = num(a, (++i, v), 0.01, 86400);
        else if (!strcmp(a, "--warmup-s")) o.warmup_s = num(a, (++i, v), 0, 3600);
        else if (!strcmp(a, "--period-ms")) o.period_ms = num(a, (++i, v), 0.1, 1e5);
        else if (!strcmp(a, "--gib")) o.gib = num(a, (++i, v), 0.001, 1024);
        else if (!strcmp(a, "--iters-per-us")) o.iters_per_us = num(a, (++i, v), 1e-6, 1e9);
        else if (!strcmp(a, "--start-at")) o.start_at = num(a, (++i, v), 0, 1e11);
        else if (!strcmp(a, "--graph")) o.graph = (int)num(a, (++i, v), 1, 10000);
        else if (!strcmp(a, "--kernels")) o.kernels = (int)num(a, (++i, v), 1, 100000);
        else if (!strcmp(a, "--replays")) o.replays = (int)num(a, (++i, v), 1, 100000);
        else if (!strcmp(a, "--blocks-per-sm")) o.blocks_per_sm = (int)num(a, (++i, v), 1, 32);
        else if (!strcmp(a, "--device")) o.device = (int)num(a, (++i, v), 0, 64);
        else {
            fprintf(stderr, "spin: unknown or incomplete option '%s'\n", a);
            usage();
        }
    }
    if (!strcmp(o.mode, "saturate")) return mode_saturate();
    if (!strcmp(o.mode, "decode")) return mode_decode();
    if (!strcmp(o.mode, "capture")) return mode_capture();
    if (!strcmp(o.mode, "bandwidth")) return mode_bandwidth();
    if (!strcmp(o.mode, "calibrate")) return mode_calibrate();
    fprintf(stderr, "spin: unknown mode '%s'\n", o.mode);
    usage();
    return 2;
}
