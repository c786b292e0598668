/*
 * The fake machine's physical GPUs, shared by the fake libcuda.so.1 and the fake libnvidia-ml.so.1 so that both
 * describe the same devices: how many (FAKECUDA_DEVICES), how large (FAKECUDA_TOTAL_MB, one value for all or a
 * comma-separated list in physical order), their UUIDs, and which of them CUDA shows (CUDA_VISIBLE_DEVICES, parsed
 * the way the real driver does; NVML ignores it, as the real one does).
 *
 * Deliberately separate from the trampoline's own parser (hami-ffm/src/main/c/nvml.c): a fake that shared the code
 * under test would agree with its bugs.
 */
#ifndef FAKECUDA_DEVICES_H
#define FAKECUDA_DEVICES_H

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_MAX_DEVICES 16
#define FC_DEFAULT_TOTAL_MB 16384ULL

/* Physical device p's UUID: "FAKECUDA", RFC 4122 variant, p in the last byte (GPU-46414b45-4355-4441-8000-0000000000pp). */
static inline void fc_uuid_bytes(int p, unsigned char out[16])
{
    static const unsigned char prefix[10] = {'F', 'A', 'K', 'E', 'C', 'U', 'D', 'A', 0x80, 0x00};
    memcpy(out, prefix, sizeof prefix);
    memset(out + sizeof prefix, 0, 16 - sizeof prefix);
    out[15] = (unsigned char)p;
}

/* "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as nvidia-smi and NVML print it. */
static inline void fc_uuid_string(int p, char *out, size_t len)
{
    unsigned char b[16];
    fc_uuid_bytes(p, b);
    snprintf(out, len, "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
             b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* FAKECUDA_TOTAL_MB: "N" for every device or "N0,N1,..." per physical device (later ones take the last). 0 or -1. */
static inline int fc_parse_totals(const char *text, uint64_t *total)
{
    uint64_t mb = FC_DEFAULT_TOTAL_MB;
    const char *s = text != NULL && *text != '\0' ? text : NULL;
    for (int d = 0; d < FC_MAX_DEVICES; d++) {
        if (s != NULL) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(s, &end, 10);
            if (errno || end == s || *s == '-' || v == 0 || v > (1ULL << 30) || (*end != '\0' && *end != ','))
                return -1;
            mb = v;
            s = *end == ',' ? end + 1 : NULL;
        }
        total[d] = mb << 20;
    }
    return s == NULL ? 0 : -1;
}

/*
 * CUDA_VISIBLE_DEVICES as the driver reads it: unset shows every device; otherwise comma-separated entries, each a
 * physical index or "GPU-" followed by a unique prefix of a UUID, and the list ends at the first entry that names no
 * device (or one already listed). MIG instances do not exist here, so "MIG-..." ends the list too. Returns how many
 * are visible, with their physical indices in visible[].
 */
static inline int fc_parse_visible(const char *text, int count, int *visible)
{
    if (text == NULL) {
        for (int d = 0; d < count; d++)
            visible[d] = d;
        return count;
    }
    int n = 0;
    const char *s = text;
    while (*s != '\0' && n < count) {
        while (isspace((unsigned char)*s))
            s++;
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        while (len > 0 && isspace((unsigned char)s[len - 1]))
            len--;
        int found = -1;
        if (len > 4 && strncmp(s, "GPU-", 4) == 0) {
            for (int d = 0; d < count; d++) {
                char uuid[48];
                fc_uuid_string(d, uuid, sizeof uuid);
                if (strncasecmp(uuid, s, len) == 0) {
                    if (found >= 0) {
                        found = -1; /* ambiguous prefix */
                        break;
                    }
                    found = d;
                }
            }
        } else if (len > 0 && isdigit((unsigned char)s[0])) {
            char *stop;
            long v = strtol(s, &stop, 10);
            if ((size_t)(stop - s) == len && v >= 0 && v < count)
                found = (int)v;
        }
        for (int i = 0; i < n && found >= 0; i++)
            if (visible[i] == found)
                found = -1;
        if (found < 0)
            break;
        visible[n++] = found;
        if (!end)
            break;
        s = end + 1;
    }
    return n;
}

#endif
