/*
 * Fake NVML (libnvidia-ml.so.1) for the same fake machine as the fake libcuda.so.1 (fakedevices.h): devices in
 * physical order whatever CUDA_VISIBLE_DEVICES says (like the real NVML), the same UUIDs and sizes, and memory in use
 * read from the fake driver's ledger (FAKECUDA_LEDGER), so both views of a device agree.
 *
 * nvmlDeviceGetMemoryInfo_v2 reports FAKENVML_RESERVED_MB (default 0) as reserved by the driver, out of the total.
 * Only what the trampoline and the test programs call is here; the ABI is NVML's (no nvml.h on the build machine).
 */
#define _GNU_SOURCE
#include <fcntl.h>
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

#define NV_EXPORT __attribute__((visibility("default")))

typedef int nvmlReturn_t;
#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_FOUND 6
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_ARGUMENT_VERSION_MISMATCH 25

struct nvmlDevice_st {
    int index;
};
typedef struct nvmlDevice_st *nvmlDevice_t;

typedef struct {
    unsigned long long total, free, used;
} nvmlMemory_t;

typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
#define NVML_MEMORY_V2_VERSION ((unsigned int)(sizeof(nvmlMemory_v2_t) | (2u << 24)))

static int g_count;
static uint64_t g_totals[FC_MAX_DEVICES];
static uint64_t g_reserved;
static struct nvmlDevice_st g_devices[FC_MAX_DEVICES];
static const struct fakecuda_ledger *g_ledger;
static atomic_int g_init;

static nvmlReturn_t init(void)
{
    const char *n = getenv("FAKECUDA_DEVICES");
    g_count = n && *n ? atoi(n) : 1;
    if (g_count < 0 || g_count > FC_MAX_DEVICES || fc_parse_totals(getenv("FAKECUDA_TOTAL_MB"), g_totals))
        return NVML_ERROR_INVALID_ARGUMENT;
    const char *r = getenv("FAKENVML_RESERVED_MB");
    g_reserved = (r && *r ? strtoull(r, NULL, 10) : 0) << 20;
    for (int d = 0; d < g_count; d++)
        g_devices[d].index = d;
    const char *path = getenv("FAKECUDA_LEDGER");
    int fd = path && *path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof(struct fakecuda_ledger)) {
        void *p = mmap(NULL, sizeof(struct fakecuda_ledger), PROT_READ, MAP_SHARED, fd, 0);
        g_ledger = p == MAP_FAILED ? NULL : p;
    }
    if (fd >= 0)
        close(fd);
    atomic_store(&g_init, 1);
    return NVML_SUCCESS;
}

NV_EXPORT nvmlReturn_t nvmlInit_v2(void) { return init(); }
NV_EXPORT nvmlReturn_t nvmlInit(void) { return init(); }
NV_EXPORT nvmlReturn_t nvmlInitWithFlags(unsigned int flags) { (void)flags; return init(); }
NV_EXPORT nvmlReturn_t nvmlShutdown(void) { return NVML_SUCCESS; }

NV_EXPORT const char *nvmlErrorString(nvmlReturn_t result)
{
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument Version Mismatch";
    default: return "Unknown Error";
    }
}

NV_EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count)
{
    if (!atomic_load(&g_init))
        return NVML_ERROR_UNINITIALIZED;
    if (!count)
        return NVML_ERROR_INVALID_ARGUMENT;
    *count = (unsigned int)g_count;
    return NVML_SUCCESS;
}

NV_EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
    if (!atomic_load(&g_init))
        return NVML_ERROR_UNINITIALIZED;
    if (!device || index >= (unsigned int)g_count)
        return NVML_ERROR_INVALID_ARGUMENT;
    *device = &g_devices[index];
    return NVML_SUCCESS;
}

static int valid(nvmlDevice_t device)
{
    return device >= g_devices && device < g_devices + g_count;
}

NV_EXPORT nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int *index)
{
    if (!atomic_load(&g_init))
        return NVML_ERROR_UNINITIALIZED;
    if (!valid(device) || !index)
        return NVML_ERROR_INVALID_ARGUMENT;
    *index = (unsigned int)device->index;
    return NVML_SUCCESS;
}

NV_EXPORT nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
{
    if (!atomic_load(&g_init))
        return NVML_ERROR_UNINITIALIZED;
    if (!valid(device) || !uuid)
        return NVML_ERROR_INVALID_ARGUMENT;
    char text[48];
    fc_uuid_string(device->index, text, sizeof text);
    if (strlen(text) >= length)
        return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(uuid, text, strlen(text) + 1);
    return NVML_SUCCESS;
}

NV_EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
{
    if (!atomic_load(&g_init))
        return NVML_ERROR_UNINITIALIZED;
    if (!valid(device) || !name || length == 0)
        return NVML_ERROR_INVALID_ARGUMENT;
    snprintf(name, length, "Fake GPU %d", device->index);
    return NVML_SUCCESS;
}

static uint64_t used_of(int d)
{
    return g_ledger ? atomic_load(&((struct fakecuda_ledger *)g_ledger)->dev[d].live) : 0;
}

NV_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)
{
    if (!atomic_load(&g_init))
        return NVML_ERROR_UNINITIALIZED;
    if (!valid(device) || !memory)
        return NVML_ERROR_INVALID_ARGUMENT;
    uint64_t total = g_totals[device->index], used = used_of(device->index) + g_reserved; /* v1 counts reserved */
    memory->total = total;
    memory->used = used;
    memory->free = used >= total ? 0 : total - used;
    return NVML_SUCCESS;
}

NV_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory)
{
    if (!atomic_load(&g_init))
        return NVML_ERROR_UNINITIALIZED;
    if (!valid(device) || !memory)
        return NVML_ERROR_INVALID_ARGUMENT;
    if (memory->version != NVML_MEMORY_V2_VERSION)
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    uint64_t total = g_totals[device->index], used = used_of(device->index);
    memory->total = total;
    memory->reserved = g_reserved;
    memory->used = used;
    memory->free = used + g_reserved >= total ? 0 : total - used - g_reserved;
    return NVML_SUCCESS;
}
