/*
 * Prints a fakecuda ledger (see ledger.h) as key=value lines:
 *
 *   attaches=<n>
 *   devices=<n>
 *   dev<i>.{total,live,hwm,allocs,frees,ooms,launches}=<n>   for i < devices
 *   calls.<function>=<n>                                     for every exported function
 *
 * Usage: ledger_dump LEDGER_FILE
 * Exit status: 0 printed, 1 unreadable or not a ledger, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s LEDGER_FILE\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st)) {
        fprintf(stderr, "ledger_dump: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (st.st_size < (off_t)sizeof(struct fakecuda_ledger)) {
        fprintf(stderr, "ledger_dump: %s: too small for a v%d ledger (%lld bytes)\n", path,
                FAKECUDA_LEDGER_VERSION, (long long)st.st_size);
        return 1;
    }
    struct fakecuda_ledger *l = mmap(NULL, sizeof *l, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (l == MAP_FAILED) {
        fprintf(stderr, "ledger_dump: %s: %s\n", path, strerror(errno));
        return 1;
    }
    uint64_t magic = atomic_load(&l->magic);
    if (magic != FAKECUDA_LEDGER_MAGIC) {
        fprintf(stderr, "ledger_dump: %s: not a v%d ledger (magic %#" PRIx64 ")\n", path,
                FAKECUDA_LEDGER_VERSION, magic);
        return 1;
    }

    uint64_t devices = atomic_load(&l->devices);
    if (devices > FAKECUDA_MAX_DEVICES)
        devices = FAKECUDA_MAX_DEVICES;
    printf("attaches=%" PRIu64 "\n", atomic_load(&l->attaches));
    printf("reaped=%" PRIu64 "\n", atomic_load(&l->reaped));
    printf("devices=%" PRIu64 "\n", devices);
    for (uint64_t d = 0; d < devices; d++) {
        struct fakecuda_ledger_dev *v = &l->dev[d];
        printf("dev%" PRIu64 ".total=%" PRIu64 "\n", d, atomic_load(&v->total));
        printf("dev%" PRIu64 ".live=%" PRIu64 "\n", d, atomic_load(&v->live));
        printf("dev%" PRIu64 ".hwm=%" PRIu64 "\n", d, atomic_load(&v->hwm));
        printf("dev%" PRIu64 ".allocs=%" PRIu64 "\n", d, atomic_load(&v->allocs));
        printf("dev%" PRIu64 ".frees=%" PRIu64 "\n", d, atomic_load(&v->frees));
        printf("dev%" PRIu64 ".ooms=%" PRIu64 "\n", d, atomic_load(&v->ooms));
        printf("dev%" PRIu64 ".launches=%" PRIu64 "\n", d, atomic_load(&v->launches));
    }
    for (int f = 0; f < FAKECUDA_FN_COUNT; f++)
        printf("calls.%s=%" PRIu64 "\n", fakecuda_fn_names[f], atomic_load(&l->calls[f]));
    return 0;
}
