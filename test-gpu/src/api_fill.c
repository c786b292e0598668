/*
 * api_fill.c - fills the memory limit through one driver API and holds it while NVML is read (test-gpu/memory_apis.sh).
 *
 * Build: gcc -O2 -std=gnu11 -I/usr/local/cuda/include api_fill.c -o api_fill -L/usr/local/cuda/lib64/stubs -lcuda
 *
 * Usage: api_fill --api API [--chunk BYTES] [--max N] [--handle FILE]
 *   API: alloc pitch managed async pool vmm array2d array3d mipmapped graph ipc-export ipc-import
 *   --chunk  bytes per allocation (default 256 MiB; arrays use shapes of exactly that many raw bytes)
 *   --max    stop after N allocations (default 64)
 *   --handle ipc-export writes its cuIpcMemHandle there, ipc-import opens it
 *   graph: launches a graph with one 1 GiB alloc node and its free node, then fills with cuMemAlloc: the graph
 *          pool, charged to the tenant, leaves room for 4 GiB − 1 GiB.
 *
 * Protocol (stdout, one key=value per line, flushed): pid=, free_ctx= total_ctx= (cuMemGetInfo with only the
 * context), then "phase=ctx" (context up, nothing allocated) and
 * "phase=full" (the limit filled: allocated=, first_oom=, bytes=, free=, total= from cuMemGetInfo) each followed by a
 * wait for one line on stdin, so the caller can read NVML's per-process usage at both points; then everything is
 * given back and "phase=done free_after=" is printed. Exit 0 when the run completed, 1 when a setup call failed.
 */
#include <cuda.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXN 256

static const char *err_name(CUresult r)
{
    const char *s = NULL;
    return cuGetErrorName(r, &s) == CUDA_SUCCESS && s ? s : "UNKNOWN";
}

static void check(CUresult rc, const char *what)
{
    if (rc != CUDA_SUCCESS) {
        printf("error=%s\nerror_at=%s\n", err_name(rc), what);
        exit(1);
    }
}

static void wait_line(const char *phase)
{
    char buf[64];
    printf("phase=%s\n", phase);
    fflush(stdout);
    if (!fgets(buf, sizeof buf, stdin))
        sleep(1);
}

static size_t mem_free(size_t *total)
{
    size_t f = 0, t = 0;
    cuMemGetInfo(&f, &t);
    if (total)
        *total = t;
    return f;
}

int main(int argc, char **argv)
{
    const char *api = NULL, *handle_file = NULL;
    size_t chunk = 256ull << 20;
    int max = 64;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--api"))
            api = argv[i + 1];
        else if (!strcmp(argv[i], "--chunk"))
            chunk = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--max"))
            max = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--handle"))
            handle_file = argv[i + 1];
    }
    if (!api || max < 1 || max > MAXN) {
        fprintf(stderr, "usage: api_fill --api API [--chunk BYTES] [--max 1..%d] [--handle FILE]\n", MAXN);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("pid=%d\napi=%s\nchunk=%zu\n", (int)getpid(), api, chunk);
    CUdevice dev;
    CUcontext ctx;
    check(cuInit(0), "cuInit");
    check(cuDeviceGet(&dev, 0), "cuDeviceGet");
    check(cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
    check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
    CUstream stream;
    check(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    size_t total_ctx;
    size_t free_ctx = mem_free(&total_ctx); /* under a limit: what the context itself is charged */
    printf("free_ctx=%zu\ntotal_ctx=%zu\n", free_ctx, total_ctx);
    wait_line("ctx");

    static CUdeviceptr ptrs[MAXN];
    static CUmemGenericAllocationHandle handles[MAXN];
    int n = 0;
    CUresult rc = CUDA_SUCCESS;
    CUmemAllocationProp prop;
    memset(&prop, 0, sizeof prop);
    prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = dev;
    CUmemoryPool pool = NULL;
    if (!strcmp(api, "pool")) {
        CUmemPoolProps pp;
        memset(&pp, 0, sizeof pp);
        pp.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
        pp.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
        pp.location.id = dev;
        check(cuMemPoolCreate(&pool, &pp), "cuMemPoolCreate");
    }
    CUgraphExec graph_exec = NULL;
    if (!strcmp(api, "graph")) {
        CUgraph graph;
        CUgraphNode alloc_node, free_node;
        CUDA_MEM_ALLOC_NODE_PARAMS ap;
        memset(&ap, 0, sizeof ap);
        ap.poolProps.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
        ap.poolProps.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
        ap.poolProps.location.id = dev;
        ap.bytesize = 1ull << 30;
        check(cuGraphCreate(&graph, 0), "cuGraphCreate");
        check(cuGraphAddMemAllocNode(&alloc_node, graph, NULL, 0, &ap), "cuGraphAddMemAllocNode");
        check(cuGraphAddMemFreeNode(&free_node, graph, &alloc_node, 1, ap.dptr), "cuGraphAddMemFreeNode");
        check(cuGraphInstantiate(&graph_exec, graph, 0), "cuGraphInstantiate");
        rc = cuGraphLaunch(graph_exec, stream);
        printf("graph_launch=%s\n", err_name(rc));
        check(cuStreamSynchronize(stream), "cuStreamSynchronize");
        cuuint64_t reserved = 0;
        cuDeviceGetGraphMemAttribute(dev, CU_GRAPH_MEM_ATTR_RESERVED_MEM_CURRENT, &reserved);
        printf("graph_pool=%llu\n", (unsigned long long)reserved);
    }
    if (!strcmp(api, "ipc-import")) {
        CUipcMemHandle h;
        FILE *f = handle_file ? fopen(handle_file, "rb") : NULL;
        if (!f || fread(&h, sizeof h, 1, f) != 1) {
            printf("error=handle file %s unreadable\n", handle_file ? handle_file : "(none)");
            return 1;
        }
        fclose(f);
        check(cuIpcOpenMemHandle(&ptrs[0], h, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS), "cuIpcOpenMemHandle");
        size_t total;
        size_t free_now = mem_free(&total);
        printf("allocated=0\nfirst_oom=CUDA_SUCCESS\nbytes=0\nfree=%zu\ntotal=%zu\n", free_now, total);
        wait_line("full");
        check(cuIpcCloseMemHandle(ptrs[0]), "cuIpcCloseMemHandle");
        printf("free_after=%zu\n", mem_free(NULL));
        printf("phase=done\n");
        return 0;
    }

    size_t row = 16384, side = 8192; /* arrays: 8192 x 8192 floats = 256 MiB at the default chunk */
    while (side * side * 4 > chunk && side > 64)
        side /= 2;
    size_t bytes = 0;
    while (n < max) {
        size_t took = chunk;
        if (!strcmp(api, "alloc") || !strcmp(api, "graph") || !strcmp(api, "ipc-export"))
            rc = cuMemAlloc(&ptrs[n], chunk);
        else if (!strcmp(api, "pitch")) {
            size_t pitch = 0;
            rc = cuMemAllocPitch(&ptrs[n], &pitch, row, chunk / row, 4);
            took = pitch * (chunk / row);
        } else if (!strcmp(api, "managed")) {
            rc = cuMemAllocManaged(&ptrs[n], chunk, CU_MEM_ATTACH_GLOBAL);
            if (rc == CUDA_SUCCESS) /* touched on the device, so NVML sees its pages there */
                check(cuMemsetD8(ptrs[n], 1, chunk), "cuMemsetD8 (managed)");
        } else if (!strcmp(api, "async")) {
            rc = cuMemAllocAsync(&ptrs[n], chunk, stream);
        } else if (!strcmp(api, "pool")) {
            rc = cuMemAllocFromPoolAsync(&ptrs[n], chunk, pool, stream);
        } else if (!strcmp(api, "vmm")) {
            rc = cuMemCreate(&handles[n], chunk, &prop, 0);
            if (rc == CUDA_SUCCESS) {
                CUmemAccessDesc access = {.location = prop.location, .flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE};
                check(cuMemAddressReserve(&ptrs[n], chunk, 0, 0, 0), "cuMemAddressReserve");
                check(cuMemMap(ptrs[n], chunk, 0, handles[n], 0), "cuMemMap");
                check(cuMemSetAccess(ptrs[n], chunk, &access, 1), "cuMemSetAccess");
            }
        } else if (!strcmp(api, "array2d")) {
            CUDA_ARRAY_DESCRIPTOR d = {.Width = side, .Height = side, .Format = CU_AD_FORMAT_FLOAT, .NumChannels = 1};
            rc = cuArrayCreate((CUarray *)&ptrs[n], &d);
        } else if (!strcmp(api, "array3d")) {
            CUDA_ARRAY3D_DESCRIPTOR d = {.Width = side / 8, .Height = side / 8, .Depth = 64,
                                         .Format = CU_AD_FORMAT_FLOAT, .NumChannels = 1};
            rc = cuArray3DCreate((CUarray *)&ptrs[n], &d);
        } else if (!strcmp(api, "mipmapped")) {
            CUDA_ARRAY3D_DESCRIPTOR d = {.Width = side, .Height = side, .Format = CU_AD_FORMAT_FLOAT, .NumChannels = 1};
            rc = cuMipmappedArrayCreate((CUmipmappedArray *)&ptrs[n], &d, 2);
            took = chunk + chunk / 4;
        } else {
            printf("error=unknown api %s\n", api);
            return 2;
        }
        if (rc != CUDA_SUCCESS)
            break;
        bytes += took;
        n++;
    }
    cuStreamSynchronize(stream);
    if (!strcmp(api, "ipc-export") && n > 0) {
        CUipcMemHandle h;
        check(cuIpcGetMemHandle(&h, ptrs[0]), "cuIpcGetMemHandle");
        FILE *f = handle_file ? fopen(handle_file, "wb") : NULL;
        if (!f || fwrite(&h, sizeof h, 1, f) != 1) {
            printf("error=handle file %s unwritable\n", handle_file ? handle_file : "(none)");
            return 1;
        }
        fclose(f);
    }
    size_t total;
    size_t free_full = mem_free(&total);
    printf("allocated=%d\nfirst_oom=%s\nbytes=%zu\nfree=%zu\ntotal=%zu\n", n, n < max ? err_name(rc) : "none",
           bytes, free_full, total);
    wait_line("full");
    for (int i = 0; i < n; i++) {
        if (!strcmp(api, "vmm")) {
            check(cuMemUnmap(ptrs[i], chunk), "cuMemUnmap");
            check(cuMemAddressFree(ptrs[i], chunk), "cuMemAddressFree");
            check(cuMemRelease(handles[i]), "cuMemRelease");
        } else if (!strcmp(api, "array2d") || !strcmp(api, "array3d"))
            check(cuArrayDestroy((CUarray)ptrs[i]), "cuArrayDestroy");
        else if (!strcmp(api, "mipmapped"))
            check(cuMipmappedArrayDestroy((CUmipmappedArray)ptrs[i]), "cuMipmappedArrayDestroy");
        else if (!strcmp(api, "async") || !strcmp(api, "pool"))
            check(cuMemFreeAsync(ptrs[i], stream), "cuMemFreeAsync");
        else
            check(cuMemFree(ptrs[i]), "cuMemFree");
    }
    cuStreamSynchronize(stream);
    if (graph_exec)
        cuDeviceGraphMemTrim(dev);
    printf("free_after=%zu\nphase=done\n", mem_free(NULL));
    return 0;
}
