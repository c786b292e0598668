/*
 * The fake driver's execution: one timeline per process standing for the GPU, so that compute sharing can be tested
 * end to end without one (docs/compute.md). Each accepted launch occupies the timeline for FAKECUDA_KERNEL_NS
 * nanoseconds (default 0) after whatever is queued; an event records the point of the timeline its stream reaches,
 * and is complete once the clock passes it; synchronizing sleeps until the timeline drains. Streams are not
 * separate queues here (one engine, as kernels of one context mostly are on a saturated GPU). Stream capture is
 * faked too: a capturing stream records launches into a graph instead of running them; a graph launch runs its
 * kernels.
 *
 * Exports never call each other (an interposer like ours would see a second launch): shared bodies are static.
 *
 * Environment: FAKECUDA_KERNEL_NS  GPU time of every kernel in nanoseconds (default 0)
 */
#define _GNU_SOURCE
#define __CUDA_API_VERSION_INTERNAL 1
#include "fake_exec.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define FC_EXPORT __attribute__((visibility("default")))
#define FC_MAX_CAPTURES 16
/* A real launch blocks once this many kernels are queued (the driver's push buffer is full). */
#define FC_QUEUE_DEPTH 1024

struct CUevent_st {
    uint64_t at; /* timeline point the event stands for; 0 = never recorded */
};

struct CUgraph_st {
    unsigned kernels;
};

struct CUgraphExec_st {
    unsigned kernels;
};

static pthread_mutex_t g_exec_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t g_busy_until; /* the timeline: when everything queued so far has run */
static CUstream g_capturing[FC_MAX_CAPTURES];
static unsigned g_captured[FC_MAX_CAPTURES];
static __thread int t_capture_mode; /* CU_STREAM_CAPTURE_MODE_GLOBAL = 0 */

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t kernel_ns(void) {
    static atomic_llong cached = -1;
    long long v = atomic_load(&cached);
    if (v < 0) {
        const char *s = getenv("FAKECUDA_KERNEL_NS");
        v = s ? atoll(s) : 0;
        atomic_store(&cached, v < 0 ? 0 : v);
    }
    return (uint64_t)v;
}

static void sleep_until(uint64_t t) {
    for (uint64_t now = now_ns(); now < t; now = now_ns()) {
        struct timespec ts = {(time_t)((t - now) / 1000000000ull), (long)((t - now) % 1000000000ull)};
        nanosleep(&ts, NULL);
    }
}

/* Index of `stream` among capturing streams, or -1; caller holds the lock. */
static int capture_slot(CUstream stream) {
    for (int i = 0; i < FC_MAX_CAPTURES; i++) {
        if (g_capturing[i] == stream && stream != NULL) {
            return i;
        }
    }
    return -1;
}

static void run_locked(uint64_t kernels) {
    uint64_t now = now_ns();
    g_busy_until = (g_busy_until > now ? g_busy_until : now) + kernels * kernel_ns();
}

/* `kernels` launched on `stream`: recorded into its capture, or queued on the timeline. */
static void enqueue(CUstream stream, unsigned kernels) {
    pthread_mutex_lock(&g_exec_lock);
    int slot = capture_slot(stream);
    uint64_t until = 0;
    if (slot >= 0) {
        g_captured[slot] += kernels;
    } else {
        run_locked(kernels);
        until = g_busy_until - FC_QUEUE_DEPTH * kernel_ns();
    }
    pthread_mutex_unlock(&g_exec_lock);
    sleep_until(until); /* a full queue: the launch returns once there is room again */
}

void fc_exec_launched(CUstream stream) {
    enqueue(stream, 1);
}

void fc_exec_synchronize(void) {
    pthread_mutex_lock(&g_exec_lock);
    uint64_t until = g_busy_until;
    pthread_mutex_unlock(&g_exec_lock);
    sleep_until(until);
}

/* ---- launches beside cuLaunchKernel ---------------------------------------------------------------------- */

static CUresult fc_self_launch_ex(const CUlaunchConfig *config, CUfunction f, void **params, void **extra) {
    if (!config) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    (void)params, (void)extra;
    return fc_launch(f, config->gridDimX, config->gridDimY, config->gridDimZ, config->blockDimX, config->blockDimY,
                     config->blockDimZ, config->hStream);
}

FC_EXPORT CUresult CUDAAPI cuLaunchKernelEx(const CUlaunchConfig *config, CUfunction f, void **params, void **extra) {
    return fc_self_launch_ex(config, f, params, extra);
}

FC_EXPORT CUresult CUDAAPI cuLaunchKernelEx_ptsz(const CUlaunchConfig *config, CUfunction f, void **params,
                                                 void **extra) {
    return fc_self_launch_ex(config, f, params, extra);
}

FC_EXPORT CUresult CUDAAPI cuLaunchCooperativeKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                                                     unsigned by, unsigned bz, unsigned shmem, CUstream stream,
                                                     void **params) {
    (void)shmem, (void)params;
    return fc_launch(f, gx, gy, gz, bx, by, bz, stream);
}

FC_EXPORT CUresult CUDAAPI cuLaunchCooperativeKernel_ptsz(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                                                          unsigned bx, unsigned by, unsigned bz, unsigned shmem,
                                                          CUstream stream, void **params) {
    (void)shmem, (void)params;
    return fc_launch(f, gx, gy, gz, bx, by, bz, stream);
}

/* ---- events ----------------------------------------------------------------------------------------------- */

FC_EXPORT CUresult CUDAAPI cuEventCreate(CUevent *event, unsigned int flags) {
    (void)flags;
    if (!event) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *event = calloc(1, sizeof(struct CUevent_st));
    return *event ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
}

FC_EXPORT CUresult CUDAAPI cuEventDestroy_v2(CUevent event) {
    free(event);
    return CUDA_SUCCESS;
}

static CUresult event_record(CUevent event, CUstream stream) {
    if (!event) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    pthread_mutex_lock(&g_exec_lock);
    CUresult rc = capture_slot(stream) >= 0 ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
    if (rc == CUDA_SUCCESS) {
        uint64_t now = now_ns();
        event->at = g_busy_until > now ? g_busy_until : now;
    }
    pthread_mutex_unlock(&g_exec_lock);
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuEventRecord(CUevent event, CUstream stream) {
    return event_record(event, stream);
}

FC_EXPORT CUresult CUDAAPI cuEventRecord_ptsz(CUevent event, CUstream stream) {
    return event_record(event, stream);
}

static CUresult event_query(CUevent event) {
    if (!event || !event->at) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    return now_ns() >= event->at ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

FC_EXPORT CUresult CUDAAPI cuEventQuery(CUevent event) {
    return event_query(event);
}

FC_EXPORT CUresult CUDAAPI cuEventSynchronize(CUevent event) {
    if (!event || !event->at) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    sleep_until(event->at);
    return CUDA_SUCCESS;
}

static CUresult elapsed(float *ms, CUevent start, CUevent end) {
    if (!ms || !start || !end || !start->at || !end->at) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (event_query(start) != CUDA_SUCCESS || event_query(end) != CUDA_SUCCESS) {
        return CUDA_ERROR_NOT_READY;
    }
    *ms = (float)((double)((int64_t)(end->at - start->at)) / 1e6);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuEventElapsedTime_v2(float *ms, CUevent start, CUevent end) {
    return elapsed(ms, start, end);
}

FC_EXPORT CUresult CUDAAPI cuEventElapsedTime(float *ms, CUevent start, CUevent end) {
    return elapsed(ms, start, end);
}

/* ---- stream capture and graphs ---------------------------------------------------------------------------- */

FC_EXPORT CUresult CUDAAPI cuThreadExchangeStreamCaptureMode(CUstreamCaptureMode *mode) {
    if (!mode) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    int old = t_capture_mode;
    t_capture_mode = (int)*mode;
    *mode = (CUstreamCaptureMode)old;
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuStreamBeginCapture_v2(CUstream stream, CUstreamCaptureMode mode) {
    (void)mode;
    if (!stream) {
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED; /* as the real one: not the legacy stream */
    }
    pthread_mutex_lock(&g_exec_lock);
    CUresult rc = CUDA_ERROR_ILLEGAL_STATE;
    for (int i = 0; i < FC_MAX_CAPTURES && capture_slot(stream) < 0; i++) {
        if (g_capturing[i] == NULL) {
            g_capturing[i] = stream;
            g_captured[i] = 0;
            rc = CUDA_SUCCESS;
        }
    }
    pthread_mutex_unlock(&g_exec_lock);
    return rc;
}

FC_EXPORT CUresult CUDAAPI cuStreamEndCapture(CUstream stream, CUgraph *graph) {
    if (!graph) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    pthread_mutex_lock(&g_exec_lock);
    int slot = capture_slot(stream);
    CUresult rc = CUDA_ERROR_ILLEGAL_STATE;
    if (slot >= 0 && (*graph = calloc(1, sizeof(struct CUgraph_st))) != NULL) {
        (*graph)->kernels = g_captured[slot];
        g_capturing[slot] = NULL;
        rc = CUDA_SUCCESS;
    }
    pthread_mutex_unlock(&g_exec_lock);
    return rc;
}

static CUresult is_capturing(CUstream stream, CUstreamCaptureStatus *status) {
    if (!status) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    pthread_mutex_lock(&g_exec_lock);
    *status = capture_slot(stream) >= 0 ? CU_STREAM_CAPTURE_STATUS_ACTIVE : CU_STREAM_CAPTURE_STATUS_NONE;
    pthread_mutex_unlock(&g_exec_lock);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuStreamIsCapturing(CUstream stream, CUstreamCaptureStatus *status) {
    return is_capturing(stream, status);
}

FC_EXPORT CUresult CUDAAPI cuStreamIsCapturing_ptsz(CUstream stream, CUstreamCaptureStatus *status) {
    return is_capturing(stream, status);
}

FC_EXPORT CUresult CUDAAPI cuGraphInstantiateWithFlags(CUgraphExec *exec, CUgraph graph, unsigned long long flags) {
    (void)flags;
    if (!exec || !graph) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *exec = calloc(1, sizeof(struct CUgraphExec_st));
    if (!*exec) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    (*exec)->kernels = graph->kernels;
    return CUDA_SUCCESS;
}

static CUresult graph_launch(CUgraphExec exec, CUstream stream) {
    if (!exec) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    enqueue(stream, exec->kernels);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuGraphLaunch(CUgraphExec exec, CUstream stream) {
    return graph_launch(exec, stream);
}

FC_EXPORT CUresult CUDAAPI cuGraphLaunch_ptsz(CUgraphExec exec, CUstream stream) {
    return graph_launch(exec, stream);
}

FC_EXPORT CUresult CUDAAPI cuGraphExecDestroy(CUgraphExec exec) {
    free(exec);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuGraphDestroy(CUgraph graph) {
    free(graph);
    return CUDA_SUCCESS;
}

FC_EXPORT CUresult CUDAAPI cuStreamCreate(CUstream *stream, unsigned int flags) {
    (void)flags;
    if (!stream) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *stream = (CUstream)calloc(1, 64);
    return *stream ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
}

FC_EXPORT CUresult CUDAAPI cuStreamSynchronize(CUstream stream) {
    (void)stream;
    fc_exec_synchronize();
    return CUDA_SUCCESS;
}
