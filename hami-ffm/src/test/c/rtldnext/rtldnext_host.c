/*
 * Host for libnext.so (see libnext.c); must run with libnext.so in LD_PRELOAD
 * and is not linked with it. It loads the driver with
 * dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL) so that RTLD_NEXT and
 * RTLD_DEFAULT lookups can reach it.
 *
 * Usage: rtldnext_host
 *
 * Output:
 *   fopen_ok=<1 if fopen("/proc/self/status") worked and could be read>
 *   next_fopen_calls=<libnext's counter, -1 if libnext is not loaded>
 *   next_cuMemAlloc_v2_lib=, next_cuMemAlloc_v2_sym=   where libnext's dlsym(RTLD_NEXT, "cuMemAlloc_v2") points
 *   default_cuMemAlloc_v2_lib=, default_cuMemAlloc_v2_sym=   where dlsym(RTLD_DEFAULT, "cuMemAlloc_v2") points
 *   (lib/sym are "none" for a NULL or unknown pointer)
 * Exit status: 0 if fopen worked and libnext was loaded; 1 otherwise.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void print_addr(const char *key, void *p)
{
    Dl_info info;
    const char *lib = "none", *sym = "none";
    if (p && dladdr(p, &info)) {
        if (info.dli_fname && *info.dli_fname)
            lib = base_name(info.dli_fname);
        if (info.dli_sname)
            sym = info.dli_sname;
    }
    printf("%s_lib=%s\n%s_sym=%s\n", key, lib, key, sym);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL))
        fprintf(stderr, "dlopen(libcuda.so.1): %s\n", dlerror());

    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    int fopen_ok = f && fgets(line, sizeof line, f) && !strncmp(line, "Name:", 5);
    if (f)
        fclose(f);
    printf("fopen_ok=%d\n", fopen_ok);

    int (*calls)(void);
    void *(*next_alloc)(void);
    void *p = dlsym(RTLD_DEFAULT, "next_fopen_calls");
    memcpy(&calls, &p, sizeof p);
    p = dlsym(RTLD_DEFAULT, "next_cuMemAlloc_v2");
    memcpy(&next_alloc, &p, sizeof p);
    printf("next_fopen_calls=%d\n", calls ? calls() : -1);
    print_addr("next_cuMemAlloc_v2", next_alloc ? next_alloc() : NULL);
    print_addr("default_cuMemAlloc_v2", dlsym(RTLD_DEFAULT, "cuMemAlloc_v2"));

    if (!calls || !next_alloc)
        fprintf(stderr, "libnext.so is not loaded (LD_PRELOAD)\n");
    return fopen_ok && calls && next_alloc ? 0 : 1;
}
