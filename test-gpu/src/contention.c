/*
 * Many processes against one region (issue 4's H100 figures). Forks N children before any CUDA call; each opens the
 * device, waits at a barrier, then:
 *   --mode latency: P pairs of cuMemAlloc_v2 + cuMemFree_v2 (1 MiB by default, an anchor allocation held), each pair
 *                   timed; prints p50/p99/max per call over all processes;
 *   --mode fill:    allocates chunks until CUDA_ERROR_OUT_OF_MEMORY, holds until all are done, reports the total
 *                   (under a limit shared by all: exactly floor(limit / chunk));
 *   --mode kill:    a child fills the limit and waits; the parent process (itself a CUDA process of the same
 *                   tenant) finds nothing left, SIGKILLs the child and retries one allocation every 100 us until it
 *                   succeeds; prints the time from the kill to that success (usage coming back).
 * Output: one JSON object on stdout.
 */
#include <cuda.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 256
#define MAX_HELD 65536

struct shared {
    atomic_int ready;
    atomic_int done;
    atomic_long allocated[MAX_PROCS];
    double lat[]; /* procs * pairs, per-pair seconds */
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void open_device(void) {
    CUdevice dev;
    CUcontext ctx;
    if (cuInit(0) || cuDeviceGet(&dev, 0) || cuDevicePrimaryCtxRetain(&ctx, dev) || cuCtxSetCurrent(ctx)) {
        fprintf(stderr, "contention: cannot open device 0\n");
        _exit(3);
    }
}

static void barrier(atomic_int *counter, int n) {
    atomic_fetch_add(counter, 1);
    while (atomic_load(counter) < n)
        usleep(100);
}

static long fill(size_t chunk, CUdeviceptr *held) {
    long n = 0;
    while (n < MAX_HELD && cuMemAlloc(&held[n], chunk) == CUDA_SUCCESS)
        n++;
    return n;
}

int main(int argc, char **argv) {
    int procs = 4;
    long pairs = 2000;
    size_t chunk = 1 << 20;
    const char *mode = "latency";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--procs")) procs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--pairs")) pairs = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--chunk")) chunk = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--mode")) mode = argv[i + 1];
    }
    if (procs < 1 || procs > MAX_PROCS) return 1;
    int kill_mode = !strcmp(mode, "kill"), fill_mode = !strcmp(mode, "fill");
    if (kill_mode) procs = 1;
    size_t bytes = sizeof(struct shared) + sizeof(double) * (size_t)procs * (size_t)pairs;
    struct shared *sh = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pids[MAX_PROCS];
    for (int p = 0; p < procs; p++) {
        if ((pids[p] = fork()) == 0) {
            open_device();
            static CUdeviceptr held[MAX_HELD];
            if (kill_mode) {
                sh->allocated[0] = fill(chunk, held); /* the whole limit */
                atomic_store(&sh->ready, 1);
                pause();
                _exit(0);
            }
            CUdeviceptr anchor, ptr;
            if (!fill_mode)
                cuMemAlloc(&anchor, chunk); /* pairs then hit the sub-allocator, not page mapping */
            barrier(&sh->ready, procs);
            if (fill_mode) {
                sh->allocated[p] = fill(chunk, held);
                barrier(&sh->done, procs);
            } else {
                for (long i = 0; i < pairs; i++) {
                    double t0 = now();
                    if (cuMemAlloc(&ptr, chunk) != CUDA_SUCCESS || cuMemFree(ptr) != CUDA_SUCCESS) {
                        fprintf(stderr, "contention: alloc/free failed\n");
                        _exit(2);
                    }
                    sh->lat[(size_t)p * pairs + i] = now() - t0;
                }
            }
            _exit(0);
        }
    }
    if (kill_mode) {
        while (!atomic_load(&sh->ready)) usleep(100);
        open_device();
        static CUdeviceptr mine[MAX_HELD];
        long got = fill(chunk, mine);
        double t0 = now();
        kill(pids[0], SIGKILL);
        waitpid(pids[0], NULL, 0);
        CUdeviceptr p;
        long tries = 0;
        while (cuMemAlloc(&p, 1 << 20) != CUDA_SUCCESS && now() - t0 < 30) {
            tries++;
            usleep(100);
        }
        printf("{\"mode\":\"kill\",\"child_chunks\":%ld,\"parent_chunks_before\":%ld,\"recovered_s\":%.6f,\"tries\":%ld}\n",
               sh->allocated[0], got, now() - t0, tries);
        return 0;
    }
    int failed = 0;
    for (int p = 0; p < procs; p++) {
        int st;
        waitpid(pids[p], &st, 0);
        failed += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    if (fill_mode) {
        long total = 0;
        for (int p = 0; p < procs; p++) total += sh->allocated[p];
        printf("{\"mode\":\"fill\",\"procs\":%d,\"chunk\":%zu,\"total_chunks\":%ld,\"failed\":%d}\n", procs, chunk, total,
               failed);
        return failed != 0;
    }
    size_t n = (size_t)procs * (size_t)pairs;
    qsort(sh->lat, n, sizeof(double), cmp);
    printf("{\"mode\":\"latency\",\"procs\":%d,\"pairs\":%ld,\"chunk\":%zu,\"p50_us\":%.3f,\"p99_us\":%.3f,"
           "\"max_us\":%.3f,\"failed\":%d}\n",
           procs, pairs, chunk, sh->lat[n / 2] * 1e6, sh->lat[(size_t)(n * 0.99)] * 1e6, sh->lat[n - 1] * 1e6, failed);
    return failed != 0;
}
