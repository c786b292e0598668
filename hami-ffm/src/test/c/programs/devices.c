/*
 * Many devices in one process, seen through CUDA and through NVML (dlopen'ed like pynvml and nvidia-smi do).
 *
 *   devices [--fill] [--only N] [--chunk-mb N] [--nvml] [--no-cuda] [--hold-ms N]
 *
 * CUDA part (unless --no-cuda): for every device the program sees, cudaN.uuid, cudaN.total (cuDeviceTotalMem_v2);
 * with --fill it allocates N MiB chunks (default 1) on each device in turn until refused: cudaN.allocated (chunks),
 * then cudaN.free / cudaN.meminfo_total (cuMemGetInfo_v2, memory still held); --only N fills ordinal N alone. Then, with --nvml, for every NVML device
 * (physical order): nvmlN.uuid, nvmlN.{total,used,free} (v1), nvmlN.v2_{total,reserved,used,free}. --hold-ms keeps
 * the memory for that long before exiting (others can look). Last: threads= (entries of /proc/self/task) and jvm=0|1
 * (a libjvm mapped into this process).
 */
#define _GNU_SOURCE
#include <cuda.h>
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    unsigned long long total, free, used;
} nvml_memory;
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvml_memory_v2;

static void uuid_text(const CUuuid *u, char *out, size_t len)
{
    const unsigned char *b = (const unsigned char *)u->bytes;
    snprintf(out, len, "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
             b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int check(CUresult rc, const char *what)
{
    if (rc != CUDA_SUCCESS) {
        fprintf(stderr, "%s failed: %d\n", what, (int)rc);
        exit(2);
    }
    return 0;
}

static void cuda_part(int fill, int only, size_t chunk)
{
    int count = 0;
    check(cuInit(0), "cuInit");
    check(cuDeviceGetCount(&count), "cuDeviceGetCount");
    printf("count=%d\n", count);
    for (int i = 0; i < count; i++) {
        CUdevice dev;
        CUuuid uuid;
        size_t total = 0;
        char text[64];
        check(cuDeviceGet(&dev, i), "cuDeviceGet");
        check(cuDeviceGetUuid_v2(&uuid, dev), "cuDeviceGetUuid_v2");
        check(cuDeviceTotalMem(&total, dev), "cuDeviceTotalMem");
        uuid_text(&uuid, text, sizeof text);
        printf("cuda%d.uuid=%s\ncuda%d.total=%zu\n", i, text, i, total);
        if (!fill || (only >= 0 && only != i))
            continue;
        CUcontext ctx;
        check(cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        long allocated = 0;
        for (CUdeviceptr p; cuMemAlloc(&p, chunk) == CUDA_SUCCESS;)
            allocated++;
        size_t free_bytes = 0, meminfo_total = 0;
        check(cuMemGetInfo(&free_bytes, &meminfo_total), "cuMemGetInfo");
        printf("cuda%d.allocated=%ld\ncuda%d.free=%zu\ncuda%d.meminfo_total=%zu\n", i, allocated, i, free_bytes, i,
               meminfo_total);
    }
}

static void nvml_part(void)
{
    void *nvml = dlopen("libnvidia-ml.so.1", RTLD_NOW);
    if (!nvml) {
        fprintf(stderr, "no NVML: %s\n", dlerror());
        exit(3);
    }
    int (*init)(void) = (int (*)(void))dlsym(nvml, "nvmlInit_v2");
    int (*count_fn)(unsigned int *) = (int (*)(unsigned int *))dlsym(nvml, "nvmlDeviceGetCount_v2");
    int (*handle_fn)(unsigned int, void **) = (int (*)(unsigned int, void **))dlsym(nvml, "nvmlDeviceGetHandleByIndex_v2");
    int (*uuid_fn)(void *, char *, unsigned int) = (int (*)(void *, char *, unsigned int))dlsym(nvml, "nvmlDeviceGetUUID");
    int (*mem)(void *, nvml_memory *) = (int (*)(void *, nvml_memory *))dlsym(nvml, "nvmlDeviceGetMemoryInfo");
    int (*mem2)(void *, nvml_memory_v2 *) = (int (*)(void *, nvml_memory_v2 *))dlsym(nvml, "nvmlDeviceGetMemoryInfo_v2");
    unsigned int count = 0;
    if (!init || !count_fn || !handle_fn || !uuid_fn || !mem || !mem2 || init() != 0 || count_fn(&count) != 0) {
        fprintf(stderr, "NVML init failed\n");
        exit(2);
    }
    printf("nvml_count=%u\n", count);
    for (unsigned int i = 0; i < count; i++) {
        void *device;
        char uuid[96];
        nvml_memory m;
        nvml_memory_v2 m2 = {.version = (unsigned int)(sizeof m2 | (2u << 24))};
        if (handle_fn(i, &device) != 0 || uuid_fn(device, uuid, sizeof uuid) != 0 || mem(device, &m) != 0 ||
            mem2(device, &m2) != 0) {
            fprintf(stderr, "NVML device %u failed\n", i);
            exit(2);
        }
        printf("nvml%u.uuid=%s\nnvml%u.total=%llu\nnvml%u.used=%llu\nnvml%u.free=%llu\n", i, uuid, i, m.total, i,
               m.used, i, m.free);
        printf("nvml%u.v2_total=%llu\nnvml%u.v2_reserved=%llu\nnvml%u.v2_used=%llu\nnvml%u.v2_free=%llu\n", i,
               m2.total, i, m2.reserved, i, m2.used, i, m2.free);
    }
}

int main(int argc, char **argv)
{
    int fill = 0, nvml = 0, cuda = 1, only = -1;
    long hold_ms = 0;
    size_t chunk = 1 << 20;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fill") == 0)
            fill = 1;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = atoi(argv[++i]);
        else if (strcmp(argv[i], "--nvml") == 0)
            nvml = 1;
        else if (strcmp(argv[i], "--no-cuda") == 0)
            cuda = 0;
        else if (strcmp(argv[i], "--chunk-mb") == 0 && i + 1 < argc)
            chunk = (size_t)strtoul(argv[++i], NULL, 10) << 20;
        else if (strcmp(argv[i], "--hold-ms") == 0 && i + 1 < argc)
            hold_ms = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: devices [--fill] [--only N] [--chunk-mb N] [--nvml] [--no-cuda] [--hold-ms N]\n");
            return 1;
        }
    }
    if (cuda)
        cuda_part(fill, only, chunk);
    if (nvml)
        nvml_part();
    fflush(stdout);
    if (hold_ms > 0) {
        struct timespec pause = {hold_ms / 1000, (hold_ms % 1000) * 1000000L};
        nanosleep(&pause, NULL);
    }
    int threads = 0;
    DIR *tasks = opendir("/proc/self/task");
    for (struct dirent *e; tasks && (e = readdir(tasks)) != NULL;)
        threads += e->d_name[0] != '.';
    if (tasks)
        closedir(tasks);
    int jvm = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    while (maps && fgets(line, sizeof line, maps))
        jvm |= strstr(line, "libjvm.so") != NULL;
    if (maps)
        fclose(maps);
    printf("threads=%d\njvm=%d\n", threads, jvm);
    return 0;
}
