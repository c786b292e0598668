package io.hami.hooks;

import static io.hami.hooks.Accounting.NATIVE;

import io.hami.bindings.cuda.CudaDriver;
import java.lang.foreign.ValueLayout;

/**
 * Managed allocations count in full (their pages can all come to live on the device) and pitched ones at the pitch
 * the driver chose × height. Both are freed with {@code cuMemFree}, which {@link MemoryHooks} settles.
 */
public final class ManagedAndPitchHooks {
    /** Pitch the reservation assumes before the driver picks one; a wider real pitch is topped up after. */
    private static final long PITCH_ALIGNMENT = 512;

    private static final Downcall MANAGED =
            Accounting.real(CudaDriver.cuMemAllocManaged.NAME, CudaDriver.cuMemAllocManaged.DESC);
    private static final Downcall PITCH =
            Accounting.real(CudaDriver.cuMemAllocPitch_v2.NAME, CudaDriver.cuMemAllocPitch_v2.DESC);

    private ManagedAndPitchHooks() {}

    /** {@code CUresult cuMemAllocManaged(CUdeviceptr *dptr, size_t bytesize, unsigned int flags)} */
    public static int cuMemAllocManaged(long dptr, long bytesize, int flags) {
        try {
            int device = Accounting.currentDevice();
            long reserved = Accounting.reserveFor(device, dptr, bytesize);
            if (reserved < 0) {
                return CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = MANAGED.call(dptr, bytesize, flags);
            return reserved == 0 ? result : Accounting.settle(result, device, dptr, bytesize, reserved, -1);
        } catch (Throwable t) {
            return Accounting.failure("cuMemAllocManaged", t);
        }
    }

    /** {@code CUresult cuMemAllocPitch_v2(CUdeviceptr *dptr, size_t *pPitch, size_t WidthInBytes, size_t Height, unsigned int ElementSizeBytes)} */
    public static int cuMemAllocPitch_v2(long dptr, long pitch, long width, long height, int elementSize) {
        try {
            int device = Accounting.currentDevice();
            long rowBound = Accounting.roundUp(width, PITCH_ALIGNMENT);
            long bound = rowBound < 0 || height <= 0 || rowBound > Long.MAX_VALUE / height ? -1 : rowBound * height;
            long reserved = pitch == 0 || bound < 0 ? 0 : Accounting.reserveFor(device, dptr, bound);
            if (reserved < 0) {
                return CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = PITCH.call(dptr, pitch, width, height, elementSize);
            if (reserved == 0) {
                return result;
            }
            long actual = result == CudaDriver.CUDA_SUCCESS ? NATIVE.get(ValueLayout.JAVA_LONG, pitch) * height : 0;
            return Accounting.settle(result, device, dptr, bound, reserved, actual);
        } catch (Throwable t) {
            return Accounting.failure("cuMemAllocPitch_v2", t);
        }
    }
}
