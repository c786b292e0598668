/*
 * A second LD_PRELOAD library that relies on RTLD_NEXT being resolved relative
 * to its caller. Under LD_PRELOAD it interposes fopen and forwards to the next
 * definition; if a dlsym override resolved RTLD_NEXT relative to itself
 * instead, "next" would be this very fopen and the forward would recurse.
 *
 * Exports:
 *   FILE *fopen(const char *, const char *)  counts, then forwards to dlsym(RTLD_NEXT, "fopen")
 *   int next_fopen_calls(void)               number of fopen calls seen
 *   void *next_cuMemAlloc_v2(void)           dlsym(RTLD_NEXT, "cuMemAlloc_v2"), looked up on first call
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

typedef FILE *(*fopen_fn)(const char *, const char *);

/* This library's own fopen, bound locally whatever interposes the name. */
extern __typeof__(fopen) libnext_self_fopen __attribute__((copy(fopen), alias("fopen"), visibility("hidden")));

static _Atomic(fopen_fn) real_fopen;
static atomic_int fopen_calls;
static _Atomic(void *) next_alloc;
static atomic_int next_alloc_done;

__attribute__((visibility("default"))) FILE *fopen(const char *path, const char *mode)
{
    atomic_fetch_add(&fopen_calls, 1);
    /* No lock: a racing or re-entrant lookup just repeats the same dlsym. */
    fopen_fn next = atomic_load(&real_fopen);
    if (!next) {
        void *p = dlsym(RTLD_NEXT, "fopen");
        memcpy(&next, &p, sizeof p);
        if (next == libnext_self_fopen) {
            static const char msg[] = "libnext: dlsym(RTLD_NEXT, \"fopen\") returned libnext's own fopen\n";
            fwrite(msg, 1, sizeof msg - 1, stderr);
            errno = ELOOP;
            return NULL;
        }
        if (!next) {
            errno = ENOSYS;
            return NULL;
        }
        atomic_store(&real_fopen, next);
    }
    return next(path, mode);
}

__attribute__((visibility("default"))) int next_fopen_calls(void)
{
    return atomic_load(&fopen_calls);
}

__attribute__((visibility("default"))) void *next_cuMemAlloc_v2(void)
{
    if (!atomic_load(&next_alloc_done)) {
        atomic_store(&next_alloc, dlsym(RTLD_NEXT, "cuMemAlloc_v2"));
        atomic_store(&next_alloc_done, 1);
    }
    return atomic_load(&next_alloc);
}
