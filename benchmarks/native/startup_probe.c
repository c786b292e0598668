/*
 * First-call probe: the time from main() to the return of the first cuMemAlloc after cuInit and context creation
 * (docs/startup.md). The same binary runs natively and under the preload; startup_bench runs it interleaved.
 *
 *   startup_probe [--ctx primary|create] [--bytes N] [--only-init] [--settle-ms MS] [--gap-ms MS]
 *
 *   --ctx primary   cuDevicePrimaryCtxRetain + cuCtxSetCurrent (what the CUDA runtime does; default)
 *   --ctx create    cuCtxCreate (cuCtxCreate_v4 with CUDA 13 headers)
 *   --bytes N       size of the first allocation (default 1 MiB)
 *   --only-init     only ask questions: cuInit, cuDeviceGetCount, cuDeviceGet, cuDeviceGetAttribute; no context, no
 *                   allocation (like torch.cuda.is_available() in a data-loader worker)
 *   --gap-ms MS     sleep between context creation and the first allocation (models a program doing host work)
 *   --exit-after-ctx  return from main() right after the context call and --gap-ms (and --settle-ms' report), never
 *                   allocating (a short-lived program: under a limit it exits while the JVM may still be booting)
 *   --settle-ms MS  after the last CUDA call, sleep, then report threads, jvm_loaded and memory (RSS/PSS from
 *                   /proc/self/smaps_rollup): with several probes started together they all measure while the
 *                   others are alive
 *
 * Output (key=value on stdout, nanoseconds on CLOCK_MONOTONIC):
 *   exec_to_main_ns   from STARTUP_T0_NS (set by the runner just before execve) to main(): exec + the preload's load
 *   init_ns           main() to the return of cuInit
 *   ctx_ns            main() to the return of the context call
 *   first_call_ns     main() to the return of the first cuMemAlloc (the figure of docs/startup.md)
 *   alloc_ns          the first cuMemAlloc alone
 *   threads=, jvm_loaded=, rss_kb=, pss_kb=, anon_kb=, file_kb= (with --settle-ms, or --only-init)
 * Exit status: 0, 1 usage, 2 a CUDA call failed.
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

#define CHECK(call)                                                                                                \
    do {                                                                                                           \
        CUresult rc_ = (call);                                                                                     \
        if (rc_ != CUDA_SUCCESS) {                                                                                 \
            printf("error=%d\nerror_at=%s\n", (int)rc_, #call);                                                     \
            fprintf(stderr, "startup_probe: %s failed: %d\n", #call, (int)rc_);                                   \
            return 2;                                                                                              \
        }                                                                                                          \
    } while (0)

static int find_jvm(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)data;
    return info->dlpi_name != NULL && strstr(info->dlpi_name, "libjvm.so") != NULL;
}

static long field_kb(const char *path, const char *key) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    char line[256];
    long value = -1;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, key, n) == 0 && line[n] == ':') {
            value = strtol(line + n + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return value;
}

static void report_process(void) {
    printf("threads=%ld\n", field_kb("/proc/self/status", "Threads"));
    printf("jvm_loaded=%d\n", dl_iterate_phdr(find_jvm, NULL) != 0);
    printf("rss_kb=%ld\n", field_kb("/proc/self/smaps_rollup", "Rss"));
    printf("pss_kb=%ld\n", field_kb("/proc/self/smaps_rollup", "Pss"));
    printf("anon_kb=%ld\n", field_kb("/proc/self/smaps_rollup", "Pss_Anon"));
    printf("file_kb=%ld\n", field_kb("/proc/self/smaps_rollup", "Pss_File"));
}

int main(int argc, char **argv) {
    long long t_main = now_ns();
    const char *ctx_mode = "primary";
    size_t bytes = 1 << 20;
    int only_init = 0, exit_after_ctx = 0;
    long settle_ms = -1, gap_ms = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--ctx") && i + 1 < argc) {
            ctx_mode = argv[++i];
        } else if (!strcmp(argv[i], "--bytes") && i + 1 < argc) {
            bytes = strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--only-init")) {
            only_init = 1;
        } else if (!strcmp(argv[i], "--exit-after-ctx")) {
            exit_after_ctx = 1;
        } else if (!strcmp(argv[i], "--settle-ms") && i + 1 < argc) {
            settle_ms = atol(argv[++i]);
        } else if (!strcmp(argv[i], "--gap-ms") && i + 1 < argc) {
            gap_ms = atol(argv[++i]);
        } else {
            fprintf(stderr, "usage: %s [--ctx primary|create] [--bytes N] [--only-init] [--settle-ms MS] "
                            "[--gap-ms MS] [--exit-after-ctx]\n", argv[0]);
            return 1;
        }
    }
    const char *t0 = getenv("STARTUP_T0_NS");
    if (t0 != NULL) {
        printf("exec_to_main_ns=%lld\n", t_main - atoll(t0));
    }

    CHECK(cuInit(0));
    long long t_init = now_ns();
    printf("init_ns=%lld\n", t_init - t_main);
    CUdevice dev;
    if (only_init) {
        int count = 0, sms = 0;
        CHECK(cuDeviceGetCount(&count));
        CHECK(cuDeviceGet(&dev, 0));
        CHECK(cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
        printf("devices=%d\nsms=%d\n", count, sms);
        if (settle_ms > 0) {
            sleep_ms(settle_ms);
        }
        report_process();
        return 0;
    }
    CHECK(cuDeviceGet(&dev, 0));
    CUcontext ctx;
    if (!strcmp(ctx_mode, "create")) {
        CHECK(cuCtxCreate(&ctx, NULL, 0, dev));
    } else {
        CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
        CHECK(cuCtxSetCurrent(ctx));
    }
    long long t_ctx = now_ns();
    if (gap_ms > 0) {
        sleep_ms(gap_ms);
    }
    if (exit_after_ctx) {
        printf("ctx_ns=%lld\n", t_ctx - t_main);
        if (settle_ms >= 0) {
            sleep_ms(settle_ms);
            report_process();
        }
        return 0;
    }
    long long t_before = now_ns();
    CUdeviceptr p;
    CUresult allocated = cuMemAlloc(&p, bytes);
    long long t_alloc = now_ns();
    printf("ctx_ns=%lld\n", t_ctx - t_main);
    printf("first_call_ns=%lld\n", t_alloc - t_main);
    printf("alloc_ns=%lld\n", t_alloc - t_before); /* a refusal's time too */
    CHECK(allocated);
    if (settle_ms >= 0) {
        if (settle_ms > 0) {
            sleep_ms(settle_ms);
        }
        report_process();
    }
    CHECK(cuMemFree(p));
    return 0;
}
