/*
 * NVML virtualization: nvmlDeviceGetMemoryInfo and _v2 show the tenant's limit and usage (docs/memory.md).
 *
 * Answered here in C, never by Java: nvidia-smi and monitoring agents only read NVML, and must not start a JVM or
 * wait for one. The answer comes from the region file, read-only, by the layout of docs/region.md: the tenant named by
 * the launch (HAMI_TENANT, else "default"), the region device whose DEVICE_UUID is the NVML device's UUID. Where the
 * region does not know the device yet, the launch's limit for the index the program sees (CUDA_VISIBLE_DEVICES,
 * parsed as CUDA does) answers, with nothing in use.
 *
 * NVML is not a CUDA driver export: its own table here, its own branch in dlsym.c. The real NVML is dlopen'ed on the
 * first call; without it the call returns NVML's own "library not found".
 */
#define _GNU_SOURCE
#include "hami.h"

#include <ctype.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HAMI_EXPORT __attribute__((visibility("default")))

/* NVML's ABI (nvml.h is not a build dependency). */
typedef int nvmlReturn_t;
#define NVML_SUCCESS 0
#define NVML_ERROR_LIBRARY_NOT_FOUND 12
#define NVML_ERROR_FUNCTION_NOT_FOUND 13
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct {
    unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
#define NVML_UUID_BUFFER 96

typedef nvmlReturn_t (*memory_fn)(nvmlDevice_t, nvmlMemory_t *);
typedef nvmlReturn_t (*memory_v2_fn)(nvmlDevice_t, nvmlMemory_v2_t *);
typedef nvmlReturn_t (*uuid_fn)(nvmlDevice_t, char *, unsigned int);
typedef nvmlReturn_t (*index_fn)(nvmlDevice_t, unsigned int *);

HAMI_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory);
HAMI_EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory);

static const struct {
    const char *name;
    void *ours;
} nvml_exports[] = {
    {"nvmlDeviceGetMemoryInfo", (void *)nvmlDeviceGetMemoryInfo},
    {"nvmlDeviceGetMemoryInfo_v2", (void *)nvmlDeviceGetMemoryInfo_v2},
};
#define NVML_EXPORT_COUNT (sizeof nvml_exports / sizeof nvml_exports[0])

static _Atomic(void *) libnvml;

static void *nvml_real(const char *name) {
    void *handle = atomic_load_explicit(&libnvml, memory_order_acquire);
    if (handle == NULL) {
        handle = dlopen("libnvidia-ml.so.1", RTLD_LAZY | RTLD_NOLOAD);
        if (handle == NULL) {
            handle = dlopen("libnvidia-ml.so.1", RTLD_LAZY);
        }
        if (handle == NULL) {
            return NULL;
        }
        atomic_store_explicit(&libnvml, handle, memory_order_release);
    }
    return hami_real_dlsym(handle, name);
}

int hami_nvml_exported(const char *name) {
    for (size_t i = 0; i < NVML_EXPORT_COUNT; i++) {
        if (strcmp(nvml_exports[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

void *hami_nvml_export_for(const char *name, void *found) {
    for (size_t i = 0; i < NVML_EXPORT_COUNT; i++) {
        if (strcmp(nvml_exports[i].name, name) == 0) {
            /* only a lookup that reached NVML's own function (or ours) is answered with ours */
            return found == nvml_exports[i].ours || found == nvml_real(name) ? nvml_exports[i].ours : NULL;
        }
    }
    return NULL;
}

/* ---- the region, read-only (docs/region.md) ------------------------------------------------------------------ */

/* Header, tenant record and device record offsets of layout 2.x, as docs/region.md draws them (MultiDeviceIT checks
   them end to end); record lengths and section offsets are read from the header. */
#define R_MAGIC 0x004D46464D494D48ULL
#define R_MAJOR 8
#define R_FILE_LENGTH 16
#define R_DEVICE_CAPACITY 32
#define R_TENANT_CAPACITY 36
#define R_TENANT_LENGTH 48
#define R_TENANTS_OFFSET 56
#define R_LAYOUT_MAJOR 2
#define R_DEVICES_OFFSET_OFFSET 80
#define R_DEVICE_LENGTH_OFFSET 96
#define T_STATE 0
#define T_NAME 64
#define T_NAME_LENGTH 64
#define T_LIMITS 128
#define T_USED 320
#define D_STATE 0
#define D_UUID 16
#define STATE_ACTIVE 2
#define CACHE_LINE 64

static _Atomic(const unsigned char *) region_map;
static size_t region_length;

static uint32_t load32(const unsigned char *p) {
    return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE);
}

static uint64_t load64(const unsigned char *p) {
    return __atomic_load_n((const uint64_t *)p, __ATOMIC_ACQUIRE);
}

/* The region mapped read-only, or NULL where there is none (yet), or it is not one we can read. */
static const unsigned char *region(void) {
    const unsigned char *map = atomic_load_explicit(&region_map, memory_order_acquire);
    if (map != NULL) {
        return map;
    }
    const char *path = getenv("CUDA_DEVICE_MEMORY_SHARED_CACHE");
    int fd = open(path != NULL && path[0] != '\0' ? path : "/dev/shm/hami-ffm.region", O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 256) {
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    void *mapped = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (mapped == MAP_FAILED) {
        return NULL;
    }
    map = mapped;
    /* an incomplete, foreign or newer file is not ours to read: Java says why, the launch's limit answers here */
    if (load64(map) != R_MAGIC || load32(map + R_MAJOR) != R_LAYOUT_MAJOR
        || load64(map + R_FILE_LENGTH) != (uint64_t)st.st_size) {
        munmap(mapped, (size_t)st.st_size);
        return NULL;
    }
    const unsigned char *expected = NULL;
    if (!atomic_compare_exchange_strong(&region_map, &expected, map)) {
        munmap(mapped, (size_t)st.st_size);
        return expected;
    }
    region_length = (size_t)st.st_size;
    return map;
}

/* The ACTIVE tenant record called `name`, or NULL. */
static const unsigned char *find_tenant(const unsigned char *map, const char *name) {
    uint32_t capacity = load32(map + R_TENANT_CAPACITY), length = load32(map + R_TENANT_LENGTH);
    uint64_t first = load64(map + R_TENANTS_OFFSET);
    size_t name_length = strlen(name);
    if (name_length >= T_NAME_LENGTH) {
        return NULL;
    }
    for (uint32_t t = 0; t < capacity; t++) {
        const unsigned char *record = map + first + (uint64_t)t * length;
        if (record + length > map + region_length || load32(record + T_STATE) != STATE_ACTIVE) {
            continue;
        }
        if (memcmp(record + T_NAME, name, name_length) == 0 && record[T_NAME + name_length] == '\0'
            && load32(record + T_STATE) == STATE_ACTIVE) { /* still the same record after reading its name */
            return record;
        }
    }
    return NULL;
}

/* The index of the ACTIVE region device with this UUID, or -1. */
static int find_device(const unsigned char *map, const unsigned char uuid[16]) {
    uint32_t capacity = load32(map + R_DEVICE_CAPACITY), length = load32(map + R_DEVICE_LENGTH_OFFSET);
    uint64_t first = load64(map + R_DEVICES_OFFSET_OFFSET);
    for (uint32_t d = 0; d < capacity; d++) {
        const unsigned char *record = map + first + (uint64_t)d * length;
        if (record + length <= map + region_length && load32(record + D_STATE) == STATE_ACTIVE
            && memcmp(record + D_UUID, uuid, 16) == 0) {
            return (int)d;
        }
    }
    return -1;
}

/* ---- CUDA_VISIBLE_DEVICES, as CUDA reads it ------------------------------------------------------------------ */

/* "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" to 16 bytes; 0, or -1 for anything else. */
static int parse_uuid(const char *text, unsigned char out[16]) {
    if (strncmp(text, "GPU-", 4) != 0) {
        return -1;
    }
    const char *p = text + 4;
    for (int i = 0; i < 16; i++) {
        if (*p == '-') {
            p++;
        }
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1])) {
            return -1;
        }
        char hex[3] = {p[0], p[1], '\0'};
        out[i] = (unsigned char)strtoul(hex, NULL, 16);
        p += 2;
    }
    return *p == '\0' ? 0 : -1;
}

/*
 * The index a program sees for the GPU with this UUID and NVML index, after CUDA_VISIBLE_DEVICES, or -1 when CUDA
 * does not show it. Entries are indices or "GPU-" + a UUID prefix; the list ends at the first entry that is neither
 * (CUDA's rule). A MIG entry names an instance, not this GPU: it ends the list here too (see docs/memory.md).
 */
int hami_visible_index(const char *visible, const char *uuid, unsigned int nvml_index) {
    if (visible == NULL) {
        return (int)nvml_index;
    }
    int seen = 0;
    for (const char *s = visible; *s != '\0';) {
        while (isspace((unsigned char)*s)) {
            s++;
        }
        const char *end = strchr(s, ',');
        size_t length = end != NULL ? (size_t)(end - s) : strlen(s);
        while (length > 0 && isspace((unsigned char)s[length - 1])) {
            length--;
        }
        if (length > 4 && strncmp(s, "GPU-", 4) == 0) {
            if (strncasecmp(s, uuid, length) == 0) {
                return seen;
            }
        } else if (length > 0 && isdigit((unsigned char)s[0])) {
            char *stop;
            unsigned long value = strtoul(s, &stop, 10);
            if ((size_t)(stop - s) != length) {
                return -1;
            }
            if (value == nvml_index) {
                return seen;
            }
        } else {
            return -1;
        }
        seen++;
        if (end == NULL) {
            break;
        }
        s = end + 1;
    }
    return -1;
}

/* ---- the answer ---------------------------------------------------------------------------------------------- */

/* What this tenant may see of an NVML device: 1 with its limit and usage, 0 to leave NVML's answer alone. */
static int tenant_view(nvmlDevice_t device, uint64_t *limit, uint64_t *used) {
    uuid_fn get_uuid = (uuid_fn)nvml_real("nvmlDeviceGetUUID");
    char text[NVML_UUID_BUFFER];
    unsigned char uuid[16];
    if (get_uuid == NULL || get_uuid(device, text, sizeof text) != NVML_SUCCESS || parse_uuid(text, uuid) != 0) {
        return 0;
    }
    const unsigned char *map = region();
    if (map != NULL) {
        const char *name = getenv("HAMI_TENANT");
        const unsigned char *tenant = find_tenant(map, name != NULL && name[0] != '\0' ? name : "default");
        int d = tenant == NULL ? -1 : find_device(map, uuid);
        if (d >= 0) {
            *limit = load64(tenant + T_LIMITS + (uint64_t)d * 8);
            int64_t in_use = (int64_t)load64(tenant + T_USED + (uint64_t)d * CACHE_LINE);
            *used = in_use < 0 ? 0 : (uint64_t)in_use;
            return *limit != 0;
        }
    }
    /* no CUDA process of this region has used the device yet: the launch's limit, nothing in use */
    index_fn get_index = (index_fn)nvml_real("nvmlDeviceGetIndex");
    unsigned int nvml_index = 0;
    if (get_index == NULL || get_index(device, &nvml_index) != NVML_SUCCESS) {
        return 0;
    }
    int visible = hami_visible_index(getenv("CUDA_VISIBLE_DEVICES"), text, nvml_index);
    *used = 0;
    return visible >= 0 && hami_launch_limit(visible, limit) > 0;
}

/* total = min(total, limit); used = the tenant's; free = what is left of the limit, never more than NVML has free,
   never below 0 (HAMi-core's unsigned wrap showed 18 EB free once usage passed a lowered limit). */
static void clamp(unsigned long long *total, unsigned long long *free, unsigned long long *used, uint64_t limit,
                  uint64_t in_use) {
    unsigned long long capped = *total < limit ? *total : limit;
    unsigned long long left = in_use >= capped ? 0 : capped - in_use;
    *total = capped;
    *free = left < *free ? left : *free;
    *used = in_use;
}

/* NVML's own answer for a function we cannot forward: no libnvidia-ml at all, or one without it. */
static nvmlReturn_t missing(void) {
    return atomic_load(&libnvml) == NULL ? NVML_ERROR_LIBRARY_NOT_FOUND : NVML_ERROR_FUNCTION_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    memory_fn real = (memory_fn)nvml_real("nvmlDeviceGetMemoryInfo");
    if (real == NULL) {
        return missing();
    }
    nvmlReturn_t result = real(device, memory);
    uint64_t limit, used;
    if (result == NVML_SUCCESS && memory != NULL && hami_limited() && tenant_view(device, &limit, &used)) {
        clamp(&memory->total, &memory->free, &memory->used, limit, used);
    }
    return result;
}

/* _v2 also splits off what the driver reserves: here, what the tenant cannot have beyond its use and its free
   (total - used - free, 0 once use passes the limit), so that reserved + used + free = total while use fits. */
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
    memory_v2_fn real = (memory_v2_fn)nvml_real("nvmlDeviceGetMemoryInfo_v2");
    if (real == NULL) {
        return missing();
    }
    nvmlReturn_t result = real(device, memory);
    uint64_t limit, used;
    if (result == NVML_SUCCESS && memory != NULL && hami_limited() && tenant_view(device, &limit, &used)) {
        clamp(&memory->total, &memory->free, &memory->used, limit, used);
        unsigned long long taken = memory->used + memory->free;
        memory->reserved = taken >= memory->total ? 0 : memory->total - taken;
    }
    return result;
}
