package io.hami.hooks;

/**
 * Where the trampoline's upcalls enter Java: every hook whose C function has the shared shape
 * ({@link Downcalls#SHARED}), as a method of exactly that shape that hands its own arguments to the hook. The upcall
 * stubs then differ only in their target, and the boot spins nothing per hook (a method-handle adaptation per
 * signature did: docs/startup.md, step 11). An {@code int} argument arrives in the low half of its register, the
 * upper half unspecified: the cast keeps the low half. Arguments past a function's own are whatever its caller's
 * registers held, and are never read. {@code HookEntriesTest} checks that every such hook has its entry here.
 */
public final class HookEntries {
    private HookEntries() {}

    // ContextHooks
    public static int cuDevicePrimaryCtxRetain(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ContextHooks.cuDevicePrimaryCtxRetain(a0, (int) a1);
    }

    public static int cuDevicePrimaryCtxRelease_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ContextHooks.cuDevicePrimaryCtxRelease_v2((int) a0);
    }

    public static int cuCtxCreate_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ContextHooks.cuCtxCreate_v2(a0, (int) a1, (int) a2);
    }

    public static int cuCtxCreate_v3(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ContextHooks.cuCtxCreate_v3(a0, a1, (int) a2, (int) a3, (int) a4);
    }

    public static int cuCtxCreate_v4(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ContextHooks.cuCtxCreate_v4(a0, a1, (int) a2, (int) a3);
    }

    public static int cuCtxDestroy_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ContextHooks.cuCtxDestroy_v2(a0);
    }

    // MemoryHooks
    public static int cuMemFree_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return MemoryHooks.cuMemFree_v2(a0);
    }

    public static int cuMemAlloc_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return MemoryHooks.cuMemAlloc_v2(a0, a1);
    }

    public static int cuMemGetInfo_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return MemoryHooks.cuMemGetInfo_v2(a0, a1);
    }

    public static int cuDeviceTotalMem_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return MemoryHooks.cuDeviceTotalMem_v2(a0, (int) a1);
    }

    // ManagedAndPitchHooks
    public static int cuMemAllocManaged(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ManagedAndPitchHooks.cuMemAllocManaged(a0, a1, (int) a2);
    }

    public static int cuMemAllocPitch_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ManagedAndPitchHooks.cuMemAllocPitch_v2(a0, a1, a2, a3, (int) a4);
    }

    // StreamOrderedHooks
    public static int cuMemFreeAsync(long a0, long a1, long a2, long a3, long a4, long a5) {
        return StreamOrderedHooks.cuMemFreeAsync(a0, a1);
    }

    public static int cuMemFreeAsync_ptsz(long a0, long a1, long a2, long a3, long a4, long a5) {
        return StreamOrderedHooks.cuMemFreeAsync_ptsz(a0, a1);
    }

    public static int cuMemAllocAsync(long a0, long a1, long a2, long a3, long a4, long a5) {
        return StreamOrderedHooks.cuMemAllocAsync(a0, a1, a2);
    }

    public static int cuMemAllocAsync_ptsz(long a0, long a1, long a2, long a3, long a4, long a5) {
        return StreamOrderedHooks.cuMemAllocAsync_ptsz(a0, a1, a2);
    }

    public static int cuMemAllocFromPoolAsync(long a0, long a1, long a2, long a3, long a4, long a5) {
        return StreamOrderedHooks.cuMemAllocFromPoolAsync(a0, a1, a2, a3);
    }

    public static int cuMemAllocFromPoolAsync_ptsz(long a0, long a1, long a2, long a3, long a4, long a5) {
        return StreamOrderedHooks.cuMemAllocFromPoolAsync_ptsz(a0, a1, a2, a3);
    }

    // VmmHooks
    public static int cuMemUnmap(long a0, long a1, long a2, long a3, long a4, long a5) {
        return VmmHooks.cuMemUnmap(a0, a1);
    }

    public static int cuMemRelease(long a0, long a1, long a2, long a3, long a4, long a5) {
        return VmmHooks.cuMemRelease(a0);
    }

    public static int cuMemRetainAllocationHandle(long a0, long a1, long a2, long a3, long a4, long a5) {
        return VmmHooks.cuMemRetainAllocationHandle(a0, a1);
    }

    public static int cuMemMap(long a0, long a1, long a2, long a3, long a4, long a5) {
        return VmmHooks.cuMemMap(a0, a1, a2, a3, a4);
    }

    public static int cuMemImportFromShareableHandle(long a0, long a1, long a2, long a3, long a4, long a5) {
        return VmmHooks.cuMemImportFromShareableHandle(a0, a1, (int) a2);
    }

    public static int cuMemCreate(long a0, long a1, long a2, long a3, long a4, long a5) {
        return VmmHooks.cuMemCreate(a0, a1, a2, a3);
    }

    // GraphLaunchHooks
    public static int cuGraphLaunch(long a0, long a1, long a2, long a3, long a4, long a5) {
        return GraphLaunchHooks.cuGraphLaunch(a0, a1);
    }

    public static int cuGraphLaunch_ptsz(long a0, long a1, long a2, long a3, long a4, long a5) {
        return GraphLaunchHooks.cuGraphLaunch_ptsz(a0, a1);
    }

    // ArrayHooks
    public static int cuArrayDestroy(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ArrayHooks.cuArrayDestroy(a0);
    }

    public static int cuMipmappedArrayDestroy(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ArrayHooks.cuMipmappedArrayDestroy(a0);
    }

    public static int cuArrayCreate_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ArrayHooks.cuArrayCreate_v2(a0, a1);
    }

    public static int cuArray3DCreate_v2(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ArrayHooks.cuArray3DCreate_v2(a0, a1);
    }

    public static int cuMipmappedArrayCreate(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ArrayHooks.cuMipmappedArrayCreate(a0, a1, (int) a2);
    }

    // ExternalMemoryHooks
    public static int cuDestroyExternalMemory(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ExternalMemoryHooks.cuDestroyExternalMemory(a0);
    }

    public static int cuImportExternalMemory(long a0, long a1, long a2, long a3, long a4, long a5) {
        return ExternalMemoryHooks.cuImportExternalMemory(a0, a1);
    }

    // IpcHooks
    public static int cuIpcCloseMemHandle(long a0, long a1, long a2, long a3, long a4, long a5) {
        return IpcHooks.cuIpcCloseMemHandle(a0);
    }

    // PassThroughHooks
    public static int cuInit(long a0, long a1, long a2, long a3, long a4, long a5) {
        return PassThroughHooks.cuInit((int) a0);
    }

    // LaunchHooks
    public static int cuLaunchKernelEx(long a0, long a1, long a2, long a3, long a4, long a5) {
        return LaunchHooks.cuLaunchKernelEx(a0, a1, a2, a3);
    }

    public static int cuLaunchKernelEx_ptsz(long a0, long a1, long a2, long a3, long a4, long a5) {
        return LaunchHooks.cuLaunchKernelEx_ptsz(a0, a1, a2, a3);
    }
}
