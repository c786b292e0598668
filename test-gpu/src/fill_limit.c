/*
 * fill_limit.c - driver-API probe of the memory limit seen by one process.
 *
 * Build (on the GPU machine; run.sh does this):
 *   gcc -O2 -std=c11 -I/usr/local/cuda/include fill_limit.c -o fill_limit \
 *       -L/usr/local/cuda/lib64/stubs -lcuda
 *
 * Usage: fill_limit [--chunk BYTES] [--max N] [--no-probe]
 *   --chunk BYTES  size of each cuMemAlloc_v2 (default 268435456 = 256 MiB)
 *   --max N        stop after N successful chunks (0 = until an error; default 0)
 *   --no-probe     skip the cuMemGetAddressRange_v2 granularity probe
 *
 * Steps: cuInit, retain + set current the primary context of device 0, report
 * cuMemGetInfo_v2 and cuDeviceTotalMem_v2, allocate chunks until the first
 * failing cuMemAlloc_v2 (or --max), report the count and the failing CUresult,
 * report cuMemGetInfo_v2 while everything is held and after freeing it, then
 * (unless --no-probe) allocate 1 B, 1000 B, 1 MiB+1 and 3 MiB+5 and report the
 * size cuMemGetAddressRange_v2 gives for each.
 *
 * Only plain cuMemAlloc_v2 allocations: no managed memory, no settings changed.
 * Human-readable lines go to stderr; one JSON object goes to stdout (last line).
 * Exit status: 0 when the program ran to completion (whatever the count),
 * 1 when a setup call (init/context/memGetInfo) failed, 2 on bad arguments.
 */
#define _POSIX_C_SOURCE 200809L
#include <cuda.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024ull)

static const char *err_name(CUresult r)
{
    const char *s = NULL;
    if (cuGetErrorName(r, &s) != CUDA_SUCCESS || s == NULL)
        return "UNKNOWN";
    return s;
}

/* JSON helpers: everything is printed into one buffer-less stream. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

struct info {
    int ok;
    CUresult rc;
    size_t free_b, total_b;
};

static struct info mem_info(void)
{
    struct info i = {0, CUDA_SUCCESS, 0, 0};
    i.rc = cuMemGetInfo_v2(&i.free_b, &i.total_b);
    i.ok = (i.rc == CUDA_SUCCESS);
    return i;
}

static void json_info(FILE *f, const char *key, struct info i)
{
    fprintf(f, "\"%s\":", key);
    if (i.ok)
        fprintf(f, "{\"free\":%zu,\"total\":%zu,\"rc\":0}", i.free_b, i.total_b);
    else
        fprintf(f, "{\"free\":null,\"total\":null,\"rc\":%d}", (int)i.rc);
}

static void log_info(const char *what, struct info i)
{
    if (i.ok)
        fprintf(stderr, "fill_limit: cuMemGetInfo_v2 %-16s free=%zu (%.3f GiB) total=%zu (%.3f GiB)\n",
                what, i.free_b, (double)i.free_b / (double)(1024 * MIB), i.total_b,
                (double)i.total_b / (double)(1024 * MIB));
    else
        fprintf(stderr, "fill_limit: cuMemGetInfo_v2 %-16s failed rc=%d (%s)\n", what, (int)i.rc,
                err_name(i.rc));
}

static int parse_u64(const char *s, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* 1 when a library whose path contains "libhami" is mapped into this process. */
static int hami_mapped(void)
{
    FILE *m = fopen("/proc/self/maps", "r");
    if (!m)
        return -1;
    char line[4096];
    int found = 0;
    while (fgets(line, sizeof line, m))
        if (strstr(line, "libhami")) {
            found = 1;
            break;
        }
    fclose(m);
    return found;
}

static size_t lowest_set_bit(CUdeviceptr p)
{
    if (p == 0)
        return 0;
    unsigned long long v = (unsigned long long)p;
    return (size_t)(v & (~v + 1ull));
}

/* Fails the whole program: setup could not be done. Still prints JSON. */
static int fatal(const char *what, CUresult rc)
{
    fprintf(stderr, "fill_limit: %s failed: %d (%s)\n", what, (int)rc, err_name(rc));
    printf("{\"tool\":\"fill_limit\",\"ok\":false,\"fatal\":");
    json_str(stdout, what);
    printf(",\"fatal_rc\":%d,\"fatal_name\":", (int)rc);
    json_str(stdout, err_name(rc));
    printf("}\n");
    fflush(stdout);
    return 1;
}

int main(int argc, char **argv)
{
    unsigned long long chunk = 256 * MIB, max_chunks = 0;
    int probe = 1;

    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--chunk") == 0 && a + 1 < argc) {
            if (parse_u64(argv[++a], &chunk) != 0 || chunk == 0) {
                fprintf(stderr, "fill_limit: bad --chunk %s\n", argv[a]);
                return 2;
            }
        } else if (strcmp(argv[a], "--max") == 0 && a + 1 < argc) {
            if (parse_u64(argv[++a], &max_chunks) != 0) {
                fprintf(stderr, "fill_limit: bad --max %s\n", argv[a]);
                return 2;
            }
        } else if (strcmp(argv[a], "--no-probe") == 0) {
            probe = 0;
        } else {
            fprintf(stderr, "usage: fill_limit [--chunk BYTES] [--max N] [--no-probe]\n");
            return 2;
        }
    }

    CUresult rc;
    CUdevice dev;
    CUcontext ctx = NULL;
    char name[256] = {0};

    if ((rc = cuInit(0)) != CUDA_SUCCESS)
        return fatal("cuInit", rc);
    if ((rc = cuDeviceGet(&dev, 0)) != CUDA_SUCCESS)
        return fatal("cuDeviceGet", rc);
    if ((rc = cuDeviceGetName(name, (int)sizeof name - 1, dev)) != CUDA_SUCCESS)
        snprintf(name, sizeof name, "?");
    if ((rc = cuDevicePrimaryCtxRetain(&ctx, dev)) != CUDA_SUCCESS)
        return fatal("cuDevicePrimaryCtxRetain", rc);
    if ((rc = cuCtxSetCurrent(ctx)) != CUDA_SUCCESS)
        return fatal("cuCtxSetCurrent", rc);

    struct info before = mem_info();
    log_info("before", before);
    if (!before.ok)
        return fatal("cuMemGetInfo_v2", before.rc);

    size_t dev_total = 0;
    CUresult rc_total = cuDeviceTotalMem_v2(&dev_total, dev);
    fprintf(stderr, "fill_limit: device %s, cuDeviceTotalMem_v2 rc=%d total=%zu (%.3f GiB)\n", name,
            (int)rc_total, dev_total, (double)dev_total / (double)(1024 * MIB));

    /* ---- fill ---- */
    size_t cap = 64, count = 0;
    CUdeviceptr *ptrs = malloc(cap * sizeof *ptrs);
    if (!ptrs) {
        fprintf(stderr, "fill_limit: out of host memory\n");
        return 1;
    }
    const char *stop = "oom";
    CUresult stop_rc = CUDA_SUCCESS;
    size_t real_first = 0, real_last = 0;
    CUresult range_rc = CUDA_SUCCESS;
    for (;;) {
        if (max_chunks != 0 && count >= max_chunks) {
            stop = "max";
            break;
        }
        CUdeviceptr p = 0;
        rc = cuMemAlloc_v2(&p, (size_t)chunk);
        if (rc != CUDA_SUCCESS) {
            stop_rc = rc;
            stop = (rc == CUDA_ERROR_OUT_OF_MEMORY) ? "oom" : "error";
            break;
        }
        if (count == cap) {
            cap *= 2;
            CUdeviceptr *n = realloc(ptrs, cap * sizeof *ptrs);
            if (!n) {
                cuMemFree_v2(p);
                stop = "host-oom";
                break;
            }
            ptrs = n;
        }
        ptrs[count++] = p;
        CUdeviceptr base = 0;
        size_t sz = 0;
        CUresult r2 = cuMemGetAddressRange_v2(&base, &sz, p);
        if (r2 != CUDA_SUCCESS)
            range_rc = r2;
        else {
            if (count == 1)
                real_first = sz;
            real_last = sz;
        }
    }
    fprintf(stderr,
            "fill_limit: chunk=%llu B: %zu chunks succeeded (%.3f GiB requested), stop=%s rc=%d (%s), "
            "real size first=%zu last=%zu\n",
            chunk, count, (double)count * (double)chunk / (double)(1024 * MIB), stop, (int)stop_rc,
            stop_rc == CUDA_SUCCESS ? "-" : err_name(stop_rc), real_first, real_last);

    struct info full = mem_info();
    log_info("while full", full);

    size_t free_errors = 0;
    CUresult free_rc = CUDA_SUCCESS;
    for (size_t k = 0; k < count; k++) {
        CUresult r = cuMemFree_v2(ptrs[k]);
        if (r != CUDA_SUCCESS) {
            free_errors++;
            free_rc = r;
        }
    }
    free(ptrs);
    struct info after_free = mem_info();
    log_info("after free", after_free);

    /* ---- granularity probe ---- */
    static const size_t probe_sizes[] = {1, 1000, 1 * MIB + 1, 3 * MIB + 5};
    enum { NPROBE = sizeof probe_sizes / sizeof probe_sizes[0] };
    CUdeviceptr pp[NPROBE] = {0};
    CUresult prc[NPROBE] = {CUDA_SUCCESS}, prrc[NPROBE] = {CUDA_SUCCESS};
    size_t psz[NPROBE] = {0};
    struct info probe_held = {0, CUDA_SUCCESS, 0, 0}, probe_after = {0, CUDA_SUCCESS, 0, 0};
    if (probe) {
        for (int k = 0; k < NPROBE; k++) {
            prc[k] = cuMemAlloc_v2(&pp[k], probe_sizes[k]);
            prrc[k] = CUDA_ERROR_NOT_INITIALIZED;
            if (prc[k] == CUDA_SUCCESS) {
                CUdeviceptr base = 0;
                prrc[k] = cuMemGetAddressRange_v2(&base, &psz[k], pp[k]);
            }
            fprintf(stderr,
                    "fill_limit: probe cuMemAlloc_v2(%zu) rc=%d -> cuMemGetAddressRange_v2 size=%zu "
                    "(ptr alignment %zu)\n",
                    probe_sizes[k], (int)prc[k], psz[k], lowest_set_bit(pp[k]));
        }
        probe_held = mem_info();
        log_info("probe held", probe_held);
        for (int k = 0; k < NPROBE; k++)
            if (prc[k] == CUDA_SUCCESS)
                cuMemFree_v2(pp[k]);
        probe_after = mem_info();
        log_info("after probe", probe_after);
    }

    cuDevicePrimaryCtxRelease(dev);

    /* ---- JSON ---- */
    FILE *o = stdout;
    fprintf(o, "{\"tool\":\"fill_limit\",\"ok\":true,\"device\":");
    json_str(o, name);
    fprintf(o, ",\"hami_mapped\":%d,\"chunk\":%llu,\"max\":%llu,", hami_mapped(), chunk, max_chunks);
    json_info(o, "info_before", before);
    fprintf(o, ",\"device_total_mem\":");
    if (rc_total == CUDA_SUCCESS)
        fprintf(o, "%zu", dev_total);
    else
        fprintf(o, "null");
    fprintf(o, ",\"device_total_mem_rc\":%d", (int)rc_total);
    fprintf(o, ",\"count\":%zu,\"stop\":\"%s\",\"stop_code\":", count, stop);
    if (stop_rc == CUDA_SUCCESS)
        fprintf(o, "null,\"stop_name\":null");
    else {
        fprintf(o, "%d,\"stop_name\":", (int)stop_rc);
        json_str(o, err_name(stop_rc));
    }
    fprintf(o, ",\"real_size_first\":%zu,\"real_size_last\":%zu,\"range_rc\":%d", real_first,
            real_last, (int)range_rc);
    fprintf(o, ",\"free_errors\":%zu,\"free_rc\":%d,", free_errors, (int)free_rc);
    json_info(o, "info_full", full);
    fputc(',', o);
    json_info(o, "info_after_free", after_free);
    fprintf(o, ",\"probe\":");
    if (!probe)
        fprintf(o, "null");
    else {
        fputc('[', o);
        for (int k = 0; k < NPROBE; k++) {
            fprintf(o, "%s{\"request\":%zu,\"rc\":%d,\"range_rc\":%d,\"range_size\":%zu,\"align\":%zu}",
                    k ? "," : "", probe_sizes[k], (int)prc[k],
                    prc[k] == CUDA_SUCCESS ? (int)prrc[k] : -1, psz[k], lowest_set_bit(pp[k]));
        }
        fputc(']', o);
        fputc(',', o);
        json_info(o, "info_probe_held", probe_held);
        fputc(',', o);
        json_info(o, "info_after_probe", probe_after);
    }
    fprintf(o, "}\n");
    fflush(o);
    return 0;
}
