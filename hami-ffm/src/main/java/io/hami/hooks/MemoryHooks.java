package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static io.hami.hooks.Accounting.NATIVE;
import static io.hami.hooks.Accounting.REGION;
import static io.hami.hooks.Accounting.TENANT;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.AllocationTable;
import java.lang.foreign.ValueLayout;

/**
 * Where the memory limit is decided for plain allocations and what a tenant reads of its size. Upcall targets of the
 * trampoline's exports: static, pointers as {@code long}, no allocation on the hot path, and never an exception out
 * of an upcall (that would kill the host). The protocol itself is {@link Accounting}'s.
 */
public final class MemoryHooks {
    private static final Downcall ALLOC =
            Accounting.real(CudaDriver.cuMemAlloc_v2.NAME, CudaDriver.cuMemAlloc_v2.DESC);
    private static final Downcall FREE = Accounting.real(CudaDriver.cuMemFree_v2.NAME, CudaDriver.cuMemFree_v2.DESC);
    private static final Downcall GET_INFO =
            Accounting.real(CudaDriver.cuMemGetInfo_v2.NAME, CudaDriver.cuMemGetInfo_v2.DESC);
    private static final Downcall TOTAL_MEM =
            Accounting.real(CudaDriver.cuDeviceTotalMem_v2.NAME, CudaDriver.cuDeviceTotalMem_v2.DESC);

    private MemoryHooks() {}

    /** {@code CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)} */
    public static int cuMemAlloc_v2(long dptr, long bytesize) {
        try {
            int device = Accounting.currentDevice();
            long reserved = Oversubscription.ENABLED && device >= 0 && bytesize > 0 && dptr != 0
                    ? Accounting.reserveQuietly(device, bytesize) // beyond the limit is served, not refused
                    : Accounting.reserveFor(device, dptr, bytesize);
            if (reserved < 0) {
                return Oversubscription.ENABLED ? Oversubscription.allocate(device, dptr, bytesize)
                        : CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = ALLOC.call(dptr, bytesize);
            return reserved == 0 ? result : Accounting.settle(result, device, dptr, bytesize, reserved, -1);
        } catch (Throwable t) {
            return Accounting.failure("cuMemAlloc_v2", t);
        }
    }

    /**
     * {@code CUresult cuMemFree_v2(CUdeviceptr dptr)}: also frees what the managed and pitched hooks counted, and what
     * oversubscription served from host memory.
     */
    public static int cuMemFree_v2(long pointer) {
        try {
            long entry = Accounting.forget(pointer);
            long hostEntry = entry == AllocationTable.MISSING ? Oversubscription.forget(pointer) : entry;
            int result = Accounting.settleFree(FREE.call(pointer), pointer, entry);
            if (hostEntry != entry) {
                Oversubscription.settleFree(result, pointer, hostEntry);
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuMemFree_v2", t);
        }
    }

    /** {@code CUresult cuMemGetInfo_v2(size_t *free, size_t *total)}: total = limit, free = limit - accounted. */
    public static int cuMemGetInfo_v2(long freePointer, long totalPointer) {
        try {
            int result = GET_INFO.call(freePointer, totalPointer);
            int device = result == CUDA_SUCCESS ? Accounting.currentDevice() : -1;
            long limit = device < 0 ? 0 : REGION.limit(TENANT, device);
            if (limit != 0) {
                long total = Math.min(limit, NATIVE.get(ValueLayout.JAVA_LONG, totalPointer));
                long free = Math.min(total - REGION.used(TENANT, device), NATIVE.get(ValueLayout.JAVA_LONG, freePointer));
                NATIVE.set(ValueLayout.JAVA_LONG, totalPointer, total);
                NATIVE.set(ValueLayout.JAVA_LONG, freePointer, Math.max(0, free));
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuMemGetInfo_v2", t);
        }
    }

    /** {@code CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)}: the limit, where one is set. */
    public static int cuDeviceTotalMem_v2(long bytesPointer, int ordinal) {
        try {
            int result = TOTAL_MEM.call(bytesPointer, ordinal);
            int device = result == CUDA_SUCCESS ? Accounting.DEVICES.regionDevice(ordinal) : -1;
            if (device >= 0) {
                long limit = REGION.limit(TENANT, device);
                if (limit != 0) {
                    NATIVE.set(ValueLayout.JAVA_LONG, bytesPointer,
                            Math.min(limit, NATIVE.get(ValueLayout.JAVA_LONG, bytesPointer)));
                }
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuDeviceTotalMem_v2", t);
        }
    }

    /** At exit, after the slot was released: frees only reach the driver, allocations are refused. */
    public static void detach() {
        Accounting.detach();
    }
}
