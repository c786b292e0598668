/*
 * Every allocation API besides cuMemAlloc, filling the limit and giving it back (linked with libcuda).
 *
 * Usage: memory_apis --api managed|pitch|async|async-procaddr|pool-async|vmm|vmm-retain|vmm-import|array2d|array3d|
 *                          mipmapped|external|alloc|ipc|contexts --chunk BYTES [--max N]
 *   ipc: forks before any CUDA call; the parent allocates 4 chunks and sends an IPC handle of the first, the child (same
 *   tenant) opens it and reports ipc.child_free= (its cuMemGetInfo while the mapping is open) and ipc.child_size= (what
 *   cuMemGetAddressRange says it maps), closes it; then the parent reports ipc.parent_free= and frees (free_after=).
 *   contexts: the primary context, then an extra one (cuCtxCreate), then chunks until refused; reports
 *   free.primary= free.extra= allocated= first_oom= free.extra_destroyed= free.reretained= (each from cuMemGetInfo).
 *   --max stops after N allocations (default 8192): with CUDA_OVERSUBSCRIBE=true, alloc (cuMemAlloc) goes past the limit.
 *   The arrays' shapes take exactly --chunk bytes once the driver pads rows to 512 B (float rows of chunk/64 bytes less
 *   100, 64 rows; 3D: 16 rows × 4 deep; mipmapped: 50 rows + a half-size level, 80 % of chunk, padded to 64 KiB), so
 *   a bound from the descriptor alone is below what the driver takes and must be corrected.
 * Output: allocated= first_oom= free_full= (cuMemGetInfo free while full) free_after= (after giving all back)
 *   vmm-retain: free.after_create= free.after_release_first= free.after_unmap= free.after_release_second=
 *   vmm-import: free.after_import= free.after_release_import=
 */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX 8192

static size_t mem_free(void)
{
    size_t f = 0, t = 0;
    cuMemGetInfo(&f, &t);
    return f;
}

static void check(CUresult rc, const char *what)
{
    if (rc != CUDA_SUCCESS) {
        printf("error=%d\nerror_at=%s\n", (int)rc, what);
        exit(2);
    }
}

static CUmemAllocationProp device_prop(void)
{
    CUmemAllocationProp prop;
    memset(&prop, 0, sizeof prop);
    prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = 0;
    return prop;
}

static void init_primary(void)
{
    CUdevice dev;
    CUcontext ctx;
    check(cuInit(0), "cuInit");
    check(cuDeviceGet(&dev, 0), "cuDeviceGet");
    check(cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
    check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
}

/* Two processes, forked before either touches CUDA (a forked CUDA process cannot use it). */
static int ipc(size_t chunk)
{
    int to_child[2], to_parent[2];
    if (pipe(to_child) || pipe(to_parent))
        return 1;
    pid_t child = fork();
    if (child == 0) {
        CUipcMemHandle h;
        if (read(to_child[0], &h, sizeof h) != (ssize_t)sizeof h)
            _exit(3);
        init_primary();
        CUdeviceptr p, base;
        size_t size = 0;
        check(cuIpcOpenMemHandle(&p, h, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS), "cuIpcOpenMemHandle");
        check(cuMemGetAddressRange(&base, &size, p), "cuMemGetAddressRange");
        printf("ipc.child_free=%zu\nipc.child_size=%zu\n", mem_free(), size);
        check(cuIpcCloseMemHandle(p), "cuIpcCloseMemHandle");
        printf("ipc.child_free_closed=%zu\n", mem_free());
        char done = 1;
        _exit(write(to_parent[1], &done, 1) == 1 ? 0 : 4);
    }
    init_primary();
    CUdeviceptr ptrs[4];
    for (int i = 0; i < 4; i++)
        check(cuMemAlloc(&ptrs[i], chunk), "cuMemAlloc");
    CUipcMemHandle h;
    check(cuIpcGetMemHandle(&h, ptrs[0]), "cuIpcGetMemHandle");
    char done = 0;
    if (write(to_child[1], &h, sizeof h) != (ssize_t)sizeof h || read(to_parent[0], &done, 1) != 1)
        return 1;
    int status = 0;
    waitpid(child, &status, 0);
    printf("ipc.child_exit=%d\nipc.parent_free=%zu\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1, mem_free());
    for (int i = 0; i < 4; i++)
        check(cuMemFree(ptrs[i]), "cuMemFree");
    printf("free_after=%zu\n", mem_free());
    return 0;
}

/* What each context costs is charged: the primary while retained, an extra one until destroyed. */
static int contexts(size_t chunk)
{
    init_primary();
    printf("free.primary=%zu\n", mem_free());
    CUdevice dev;
    CUcontext extra, primary;
    check(cuDeviceGet(&dev, 0), "cuDeviceGet");
    check(cuCtxCreate(&extra, NULL, 0, dev), "cuCtxCreate");
    printf("free.extra=%zu\n", mem_free());
    static CUdeviceptr ptrs[MAX];
    int n = 0;
    CUresult rc = CUDA_SUCCESS;
    while (n < MAX && (rc = cuMemAlloc(&ptrs[n], chunk)) == CUDA_SUCCESS)
        n++;
    printf("allocated=%d\nfirst_oom=%d\n", n, (int)rc);
    for (int i = 0; i < n; i++)
        check(cuMemFree(ptrs[i]), "cuMemFree");
    check(cuCtxDestroy(extra), "cuCtxDestroy");
    check(cuDevicePrimaryCtxRetain(&primary, dev), "cuDevicePrimaryCtxRetain (again)");
    check(cuCtxSetCurrent(primary), "cuCtxSetCurrent");
    printf("free.extra_destroyed=%zu\n", mem_free());
    check(cuDevicePrimaryCtxRelease(dev), "cuDevicePrimaryCtxRelease");
    check(cuDevicePrimaryCtxRelease(dev), "cuDevicePrimaryCtxRelease");
    check(cuDevicePrimaryCtxRetain(&primary, dev), "cuDevicePrimaryCtxRetain (after release)");
    check(cuCtxSetCurrent(primary), "cuCtxSetCurrent");
    printf("free.reretained=%zu\n", mem_free());
    return 0;
}

int main(int argc, char **argv)
{
    const char *api = NULL;
    size_t chunk = 2u << 20;
    int max = MAX;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--api"))
            api = argv[i + 1];
        else if (!strcmp(argv[i], "--chunk"))
            chunk = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--max"))
            max = atoi(argv[i + 1]);
    }
    if (!api) {
        fprintf(stderr, "usage: memory_apis --api API --chunk BYTES\n");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(api, "ipc"))
        return ipc(chunk);
    if (!strcmp(api, "contexts"))
        return contexts(chunk);
    init_primary();

    static CUdeviceptr ptrs[MAX];
    static CUmemGenericAllocationHandle handles[MAX];
    int n = 0;
    CUresult rc = CUDA_SUCCESS;
    CUmemAllocationProp prop = device_prop();

    if (!strcmp(api, "vmm-retain") || !strcmp(api, "vmm-import")) {
        CUmemGenericAllocationHandle h, h2;
        CUdeviceptr va;
        check(cuMemCreate(&h, chunk, &prop, 0), "cuMemCreate");
        check(cuMemAddressReserve(&va, chunk, 0, 0, 0), "cuMemAddressReserve");
        check(cuMemMap(va, chunk, 0, h, 0), "cuMemMap");
        printf("free.after_create=%zu\n", mem_free());
        if (!strcmp(api, "vmm-retain")) {
            check(cuMemRetainAllocationHandle(&h2, (void *)(uintptr_t)va), "cuMemRetainAllocationHandle");
            check(cuMemRelease(h), "cuMemRelease (first)");
            printf("free.after_release_first=%zu\n", mem_free());
            check(cuMemUnmap(va, chunk), "cuMemUnmap");
            printf("free.after_unmap=%zu\n", mem_free());
            check(cuMemRelease(h2), "cuMemRelease (second)");
            printf("free.after_release_second=%zu\n", mem_free());
        } else {
            int fd = -1;
            check(cuMemExportToShareableHandle(&fd, h, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0), "export");
            check(cuMemImportFromShareableHandle(&h2, (void *)(uintptr_t)fd, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR),
                  "import");
            printf("free.after_import=%zu\n", mem_free());
            check(cuMemRelease(h2), "cuMemRelease (import)");
            printf("free.after_release_import=%zu\n", mem_free());
            check(cuMemUnmap(va, chunk), "cuMemUnmap");
            check(cuMemRelease(h), "cuMemRelease");
        }
        printf("free_after=%zu\n", mem_free());
        return 0;
    }

    typedef CUresult (*alloc_async_fn)(CUdeviceptr *, size_t, CUstream);
    alloc_async_fn async_alloc = cuMemAllocAsync;
    if (!strcmp(api, "async-procaddr")) {
        CUdriverProcAddressQueryResult st;
        void *fn = NULL;
        check(cuGetProcAddress_v2("cuMemAllocAsync", &fn, 13000, CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM, &st),
              "cuGetProcAddress(cuMemAllocAsync)");
        async_alloc = (alloc_async_fn)fn;
    }
    size_t row = chunk / 64;                /* bytes per padded row */
    size_t width = (row - 100) / 4;          /* floats: the raw row is 100 bytes short of the padded one */
    CUDA_ARRAY3D_DESCRIPTOR a3;
    memset(&a3, 0, sizeof a3);
    a3.Format = CU_AD_FORMAT_FLOAT;
    a3.NumChannels = 1;
    CUmemoryPool pool = NULL;
    if (!strcmp(api, "pool-async"))
        pool = (CUmemoryPool)(uintptr_t)0x1; /* the fake driver takes any pool handle */
    if (max < 0 || max > MAX)
        max = MAX;
    while (n < max) {
        if (!strcmp(api, "alloc"))
            rc = cuMemAlloc(&ptrs[n], chunk);
        else if (!strcmp(api, "managed"))
            rc = cuMemAllocManaged(&ptrs[n], chunk, CU_MEM_ATTACH_GLOBAL);
        else if (!strcmp(api, "pitch")) {
            size_t pitch;
            rc = cuMemAllocPitch(&ptrs[n], &pitch, chunk / 64, 64, 4);
        } else if (!strcmp(api, "async") || !strcmp(api, "async-procaddr"))
            rc = async_alloc(&ptrs[n], chunk, NULL);
        else if (!strcmp(api, "pool-async"))
            rc = cuMemAllocFromPoolAsync(&ptrs[n], chunk, pool, NULL);
        else if (!strcmp(api, "vmm")) {
            /* create, map, release the handle at once: the mapping keeps the memory */
            rc = cuMemCreate(&handles[n], chunk, &prop, 0);
            if (rc == CUDA_SUCCESS) {
                check(cuMemAddressReserve(&ptrs[n], chunk, 0, 0, 0), "cuMemAddressReserve");
                check(cuMemMap(ptrs[n], chunk, 0, handles[n], 0), "cuMemMap");
                check(cuMemRelease(handles[n]), "cuMemRelease");
            }
        } else if (!strcmp(api, "array2d")) {
            CUDA_ARRAY_DESCRIPTOR a2 = {.Width = width, .Height = 64, .Format = CU_AD_FORMAT_FLOAT, .NumChannels = 1};
            rc = cuArrayCreate((CUarray *)&ptrs[n], &a2);
        } else if (!strcmp(api, "array3d")) {
            a3.Width = width, a3.Height = 16, a3.Depth = 4;
            rc = cuArray3DCreate((CUarray *)&ptrs[n], &a3);
        } else if (!strcmp(api, "mipmapped")) {
            a3.Width = row / 4, a3.Height = 50, a3.Depth = 0;
            rc = cuMipmappedArrayCreate((CUmipmappedArray *)&ptrs[n], &a3, 2);
        } else if (!strcmp(api, "external")) {
            CUDA_EXTERNAL_MEMORY_HANDLE_DESC ext;
            memset(&ext, 0, sizeof ext);
            ext.type = CU_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD;
            ext.handle.fd = -1; /* the fake driver takes any fd */
            ext.size = chunk;
            rc = cuImportExternalMemory((CUexternalMemory *)&ptrs[n], &ext);
        } else {
            fprintf(stderr, "unknown --api %s\n", api);
            return 1;
        }
        if (rc != CUDA_SUCCESS)
            break;
        n++;
    }
    printf("allocated=%d\nfirst_oom=%d\nfree_full=%zu\n", n, (int)rc, mem_free());
    for (int i = 0; i < n; i++) {
        if (!strcmp(api, "vmm"))
            check(cuMemUnmap(ptrs[i], chunk), "cuMemUnmap");
        else if (!strcmp(api, "array2d") || !strcmp(api, "array3d"))
            check(cuArrayDestroy((CUarray)ptrs[i]), "cuArrayDestroy");
        else if (!strcmp(api, "mipmapped"))
            check(cuMipmappedArrayDestroy((CUmipmappedArray)ptrs[i]), "cuMipmappedArrayDestroy");
        else if (!strcmp(api, "external"))
            check(cuDestroyExternalMemory((CUexternalMemory)ptrs[i]), "cuDestroyExternalMemory");
        else if (!strncmp(api, "async", 5) || !strcmp(api, "pool-async"))
            check(cuMemFreeAsync(ptrs[i], NULL), "cuMemFreeAsync");
        else
            check(cuMemFree(ptrs[i]), "cuMemFree");
    }
    printf("free_after=%zu\n", mem_free());
    return 0;
}
