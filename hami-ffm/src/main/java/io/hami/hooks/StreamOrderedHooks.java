package io.hami.hooks;

import io.hami.bindings.cuda.CudaDriver;

/**
 * Stream-ordered allocations ({@code cudaMallocAsync}: PyTorch's {@code backend:cudaMallocAsync}, RAPIDS): each is
 * charged at its requested size from the call that creates it until the call that frees it, like a plain allocation.
 * A pool keeps freed memory for reuse, so its physical footprint follows the peak of what was live, which the limit
 * caps (docs/memory.md). A free is settled when it is enqueued.
 */
public final class StreamOrderedHooks {
    private static final Downcall ALLOC = real(CudaDriver.cuMemAllocAsync.NAME, CudaDriver.cuMemAllocAsync.DESC);
    private static final Downcall ALLOC_PTSZ =
            real(CudaDriver.cuMemAllocAsync_ptsz.NAME, CudaDriver.cuMemAllocAsync_ptsz.DESC);
    private static final Downcall FROM_POOL =
            real(CudaDriver.cuMemAllocFromPoolAsync.NAME, CudaDriver.cuMemAllocFromPoolAsync.DESC);
    private static final Downcall FROM_POOL_PTSZ =
            real(CudaDriver.cuMemAllocFromPoolAsync_ptsz.NAME, CudaDriver.cuMemAllocFromPoolAsync_ptsz.DESC);
    private static final Downcall FREE = real(CudaDriver.cuMemFreeAsync.NAME, CudaDriver.cuMemFreeAsync.DESC);
    private static final Downcall FREE_PTSZ =
            real(CudaDriver.cuMemFreeAsync_ptsz.NAME, CudaDriver.cuMemFreeAsync_ptsz.DESC);

    private StreamOrderedHooks() {}

    private static Downcall real(String name, java.lang.foreign.FunctionDescriptor descriptor) {
        return Accounting.real(name, descriptor);
    }

    /** {@code CUresult cuMemAllocAsync(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)} */
    public static int cuMemAllocAsync(long dptr, long bytesize, long stream) {
        try {
            int device = Accounting.currentDevice();
            long reserved = Accounting.reserveFor(device, dptr, bytesize);
            if (reserved < 0) {
                return CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = ALLOC.call(dptr, bytesize, stream);
            return reserved == 0 ? result : Accounting.settle(result, device, dptr, bytesize, reserved, bytesize);
        } catch (Throwable t) {
            return Accounting.failure("cuMemAllocAsync", t);
        }
    }

    /** {@code CUresult cuMemAllocAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)} */
    public static int cuMemAllocAsync_ptsz(long dptr, long bytesize, long stream) {
        try {
            int device = Accounting.currentDevice();
            long reserved = Accounting.reserveFor(device, dptr, bytesize);
            if (reserved < 0) {
                return CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = ALLOC_PTSZ.call(dptr, bytesize, stream);
            return reserved == 0 ? result : Accounting.settle(result, device, dptr, bytesize, reserved, bytesize);
        } catch (Throwable t) {
            return Accounting.failure("cuMemAllocAsync_ptsz", t);
        }
    }

    /** {@code CUresult cuMemAllocFromPoolAsync(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream)} */
    public static int cuMemAllocFromPoolAsync(long dptr, long bytesize, long pool, long stream) {
        try {
            int device = Accounting.currentDevice();
            long reserved = Accounting.reserveFor(device, dptr, bytesize);
            if (reserved < 0) {
                return CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = FROM_POOL.call(dptr, bytesize, pool, stream);
            return reserved == 0 ? result : Accounting.settle(result, device, dptr, bytesize, reserved, bytesize);
        } catch (Throwable t) {
            return Accounting.failure("cuMemAllocFromPoolAsync", t);
        }
    }

    /** {@code CUresult cuMemAllocFromPoolAsync_ptsz(...)}: the per-thread-default-stream twin. */
    public static int cuMemAllocFromPoolAsync_ptsz(long dptr, long bytesize, long pool, long stream) {
        try {
            int device = Accounting.currentDevice();
            long reserved = Accounting.reserveFor(device, dptr, bytesize);
            if (reserved < 0) {
                return CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = FROM_POOL_PTSZ.call(dptr, bytesize, pool, stream);
            return reserved == 0 ? result : Accounting.settle(result, device, dptr, bytesize, reserved, bytesize);
        } catch (Throwable t) {
            return Accounting.failure("cuMemAllocFromPoolAsync_ptsz", t);
        }
    }

    /** {@code CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream hStream)} */
    public static int cuMemFreeAsync(long pointer, long stream) {
        try {
            long entry = Accounting.forget(pointer);
            return Accounting.settleFree(FREE.call(pointer, stream), pointer, entry);
        } catch (Throwable t) {
            return Accounting.failure("cuMemFreeAsync", t);
        }
    }

    /** {@code CUresult cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream hStream)} */
    public static int cuMemFreeAsync_ptsz(long pointer, long stream) {
        try {
            long entry = Accounting.forget(pointer);
            return Accounting.settleFree(FREE_PTSZ.call(pointer, stream), pointer, entry);
        } catch (Throwable t) {
            return Accounting.failure("cuMemFreeAsync_ptsz", t);
        }
    }
}
