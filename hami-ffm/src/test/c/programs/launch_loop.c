/*
 * Launches kernels back to back for a while and reports how many ran per second (compute sharing ITs: with the fake
 * driver, FAKECUDA_KERNEL_NS gives each kernel its GPU time). key=value lines on stdout.
 *
 *   launch_loop [--seconds S] [--warmup S] [--api plain|ptsz|ex|coop|graph] [--capture]
 *
 * --warmup S launches for S seconds first without counting (the JVM boots in the background meanwhile).
 *
 * --api graph captures 10 kernels into a graph once, then launches the graph (each launch counts 10 kernels).
 * --capture first checks that a capture under the preload still records instead of running (prints "capture":"ok").
 */
#define __CUDA_API_VERSION_INTERNAL 1
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(call)                                                                     \
    do {                                                                                \
        CUresult rc_ = (call);                                                          \
        if (rc_ != CUDA_SUCCESS) {                                                      \
            fprintf(stderr, "launch_loop: %s failed: %d\n", #call, (int)rc_);         \
            return 2;                                                                   \
        }                                                                               \
    } while (0)

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static CUfunction kernel = (CUfunction)0x1000; /* the fake driver takes any non-NULL function */

static CUresult launch(const char *api, CUstream stream) {
    if (strcmp(api, "ptsz") == 0) {
        return cuLaunchKernel_ptsz(kernel, 528, 1, 1, 128, 1, 1, 0, stream, NULL, NULL);
    }
    if (strcmp(api, "ex") == 0) {
        CUlaunchConfig config = {.gridDimX = 528, .gridDimY = 1, .gridDimZ = 1, .blockDimX = 128, .blockDimY = 1,
                                 .blockDimZ = 1, .hStream = stream};
        return cuLaunchKernelEx(&config, kernel, NULL, NULL);
    }
    if (strcmp(api, "coop") == 0) {
        return cuLaunchCooperativeKernel(kernel, 528, 1, 1, 128, 1, 1, 0, stream, NULL);
    }
    return cuLaunchKernel(kernel, 528, 1, 1, 128, 1, 1, 0, stream, NULL, NULL);
}

int main(int argc, char **argv) {
    double seconds = 2, warmup = 0;
    const char *api = "plain";
    int capture = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = atof(argv[++i]);
        } else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
            warmup = atof(argv[++i]);
        } else if (strcmp(argv[i], "--api") == 0 && i + 1 < argc) {
            api = argv[++i];
        } else if (strcmp(argv[i], "--capture") == 0) {
            capture = 1;
        } else {
            fprintf(stderr, "usage: launch_loop [--seconds S] [--warmup S] [--api plain|ptsz|ex|coop|graph] [--capture]\n");
            return 64;
        }
    }
    CUdevice dev;
    CUcontext ctx;
    CUstream stream;
    CHECK(cuInit(0));
    CHECK(cuDeviceGet(&dev, 0));
    CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
    CHECK(cuCtxSetCurrent(ctx));
    CHECK(cuStreamCreate(&stream, 0));

    const char *captured = "skipped";
    CUgraphExec exec = NULL;
    if (capture || strcmp(api, "graph") == 0) {
        CUgraph graph;
        CHECK(cuStreamBeginCapture_v2(stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
        for (int k = 0; k < 10; k++) {
            CHECK(launch("plain", stream));
        }
        CHECK(cuStreamEndCapture(stream, &graph));
        CHECK(cuGraphInstantiateWithFlags(&exec, graph, 0));
        captured = "ok";
    }
    int per_launch = strcmp(api, "graph") == 0 ? 10 : 1;
    long launched = 0;
    for (double begin = now_s(); now_s() - begin < warmup;) {
        CHECK(per_launch == 10 ? cuGraphLaunch(exec, stream) : launch(api, stream));
    }
    double start = now_s();
    while (now_s() - start < seconds) {
        if (per_launch == 10) {
            CHECK(cuGraphLaunch(exec, stream));
        } else {
            CHECK(launch(api, stream));
        }
        launched += per_launch;
    }
    CHECK(cuCtxSynchronize());
    double elapsed = now_s() - start;
    printf("api=%s\nlaunched=%ld\nmicros=%.0f\nper_second=%.0f\ncapture=%s\n", api, launched, elapsed * 1e6,
           launched / elapsed, captured);
    return 0;
}
