/*
 * Asks the cuGetProcAddress_v2 that dlsym(dlopen("libcuda.so.1")) yields a set
 * of (name, cudaVersion, flags) questions and reports what came back.
 *
 * Usage: procaddr_probe [--init] [NAME:VERSION:FLAGS ...]
 *   --init   call cuInit(0) (through the same lookup) first; by default the
 *            queries run before cuInit, as the CUDA runtime's do.
 *   Without queries a built-in set is used (see default_queries).
 *
 * Output:
 *   resolver.lib=, resolver.sym=     where dlsym's cuGetProcAddress_v2 lives
 *   init_result=<CUresult>           only with --init
 *   q.<name>.<version>.<flags>.result=<CUresult>
 *   q.<name>.<version>.<flags>.status=<CUdriverProcAddressQueryResult>
 *   q.<name>.<version>.<flags>.lib=<library basename of the pointer, or none>
 *   q.<name>.<version>.<flags>.sym=<symbol of the pointer, or none>
 *   (lib and sym read "untouched" if the call did not write *pfn at all; status
 *   is -1 if it did not write the status)
 * Exit status 0 unless the resolver cannot be found (3) or usage (1).
 */
#include "common.h"

struct query {
    const char *name;
    int version;
    unsigned long long flags;
};

static const struct query default_queries[] = {
    {"cuGetProcAddress", 12000, 0},
    {"cuGetProcAddress", 11030, 0},
    {"cuGetProcAddress", 11000, 0},
    {"cuMemAlloc", 13000, 0},
    {"cuMemAlloc", 3020, 0},
    {"cuMemAlloc", 3000, 0},
    {"cuMemFree", 13000, 0},
    {"cuMemGetInfo", 13000, 0},
    {"cuDeviceTotalMem", 13000, 0},
    {"cuCtxCreate", 13000, 0},
    {"cuCtxCreate", 12000, 0},
    {"cuCtxCreate", 11040, 0},
    {"cuCtxCreate", 3020, 0},
    {"cuLaunchKernel", 13000, 0},
    {"cuLaunchKernel", 13000, 1},
    {"cuLaunchKernel", 13000, 2},
    {"cuInit", 13000, 0},
    {"cuNoSuchFunction", 13000, 0},
};

static void run_query(pfn_cuGetProcAddress_v2 gpa, const struct query *q)
{
    void *p = (void *)1; /* must come back NULL on failure */
    CUdriverProcAddressQueryResult st = (CUdriverProcAddressQueryResult)-1;
    CUresult rc = gpa(q->name, &p, q->version, (cuuint64_t)q->flags, &st);
    const char *lib, *sym;
    if (p == (void *)1)
        lib = sym = "untouched";
    else
        describe_addr(p, &lib, &sym);
    const char *k = q->name;
    int ver = q->version;
    unsigned long long fl = q->flags;
    printf("q.%s.%d.%llu.result=%d\n", k, ver, fl, (int)rc);
    printf("q.%s.%d.%llu.status=%d\n", k, ver, fl, (int)st);
    printf("q.%s.%d.%llu.lib=%s\n", k, ver, fl, lib);
    printf("q.%s.%d.%llu.sym=%s\n", k, ver, fl, sym);
}

static struct query parse_query(char *arg)
{
    struct query q;
    char *v = strchr(arg, ':'), *f = v ? strchr(v + 1, ':') : NULL;
    if (!f)
        fail(EXIT_USAGE, "query %s: expected NAME:VERSION:FLAGS", arg);
    *v++ = '\0';
    *f++ = '\0';
    q.name = arg;
    q.version = (int)parse_long("VERSION", v, 0, INT_MAX);
    q.flags = (unsigned long long)parse_long("FLAGS", f, 0, LONG_MAX);
    return q;
}

int main(int argc, char **argv)
{
    int init = 0, first = 1;
    if (argc > 1 && !strcmp(argv[1], "--init")) {
        init = 1;
        first = 2;
    }
    output_init();

    void *h = open_libcuda();
    void *p = dlsym(h, "cuGetProcAddress_v2");
    if (!p)
        fail(EXIT_UNREACHABLE, "dlsym(libcuda, cuGetProcAddress_v2): %s", dlerror());
    pfn_cuGetProcAddress_v2 gpa;
    memcpy(&gpa, &p, sizeof p);
    const char *lib, *sym;
    describe_addr(p, &lib, &sym);
    printf("resolver.lib=%s\nresolver.sym=%s\n", lib, sym);

    if (init) {
        void *fn = NULL;
        CUresult (*cu_init)(unsigned int);
        CUresult rc = gpa("cuInit", &fn, PROCADDR_VERSION, 0, NULL);
        if (rc == CUDA_SUCCESS && fn) {
            memcpy(&cu_init, &fn, sizeof fn);
            rc = cu_init(0);
        }
        printf("init_result=%d\n", (int)rc);
    }

    if (first < argc) {
        for (int i = first; i < argc; i++) {
            struct query q = parse_query(argv[i]);
            run_query(gpa, &q);
        }
    } else {
        for (size_t i = 0; i < sizeof default_queries / sizeof default_queries[0]; i++)
            run_query(gpa, &default_queries[i]);
    }
    return 0;
}
