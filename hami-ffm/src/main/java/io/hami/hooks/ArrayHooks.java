package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static io.hami.hooks.Accounting.NATIVE;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.AllocationTable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * CUDA arrays (textures and surfaces: 2D, 3D, layered, cubemap, mipmapped). The driver lays an array out in a way
 * the descriptor does not state, so the descriptor's raw size (width × height × depth × element size, every
 * mip level) is reserved first, then corrected to what {@code cuArrayGetMemoryRequirements} reports for the created
 * array (kept at the bound when the driver does not say); the destroy call releases it (docs/memory.md).
 */
public final class ArrayHooks {
    private static final Downcall CREATE =
            Accounting.real(CudaDriver.cuArrayCreate_v2.NAME, CudaDriver.cuArrayCreate_v2.DESC);
    private static final Downcall CREATE_3D =
            Accounting.real(CudaDriver.cuArray3DCreate_v2.NAME, CudaDriver.cuArray3DCreate_v2.DESC);
    private static final Downcall CREATE_MIPMAPPED =
            Accounting.real(CudaDriver.cuMipmappedArrayCreate.NAME, CudaDriver.cuMipmappedArrayCreate.DESC);
    private static final Downcall DESTROY =
            Accounting.real(CudaDriver.cuArrayDestroy.NAME, CudaDriver.cuArrayDestroy.DESC);
    private static final Downcall DESTROY_MIPMAPPED =
            Accounting.real(CudaDriver.cuMipmappedArrayDestroy.NAME, CudaDriver.cuMipmappedArrayDestroy.DESC);
    private static final Downcall REQUIREMENTS = Accounting.real(CudaDriver.cuArrayGetMemoryRequirements.NAME,
            CudaDriver.cuArrayGetMemoryRequirements.DESC);
    private static final Downcall MIPMAPPED_REQUIREMENTS = Accounting.real(
            CudaDriver.cuMipmappedArrayGetMemoryRequirements.NAME,
            CudaDriver.cuMipmappedArrayGetMemoryRequirements.DESC);

    private static final Accounting.Books ARRAYS = new Accounting.Books(new AllocationTable(), DESTROY, false);
    private static final Accounting.Books MIPMAPPED =
            new Accounting.Books(new AllocationTable(), DESTROY_MIPMAPPED, false);
    /** CUDA_ARRAY_MEMORY_REQUIREMENTS (size, alignment, 4 reserved ints), per thread. */
    private static final ThreadLocal<MemorySegment> REQUIRED = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(32, 8));

    private ArrayHooks() {}

    /** {@code CUresult cuArrayCreate_v2(CUarray *pHandle, const CUDA_ARRAY_DESCRIPTOR *pAllocateArray)} */
    public static int cuArrayCreate_v2(long handle, long desc) {
        try {
            int device = Accounting.currentDevice();
            long bound = desc == 0 ? 0 : ArrayBound.of(NATIVE.get(ValueLayout.JAVA_LONG, desc),
                    NATIVE.get(ValueLayout.JAVA_LONG, desc + 8), 0, NATIVE.get(ValueLayout.JAVA_INT, desc + 16),
                    NATIVE.get(ValueLayout.JAVA_INT, desc + 20), 0, 1);
            long reserved = Accounting.reserveFor(device, handle, bound);
            if (reserved < 0) {
                return CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = CREATE.call(handle, desc);
            return reserved == 0 ? result : Accounting.settle(ARRAYS, result, device, handle, bound, reserved,
                    required(REQUIREMENTS, result, handle, device, reserved));
        } catch (Throwable t) {
            return Accounting.failure("cuArrayCreate_v2", t);
        }
    }

    /** {@code CUresult cuArray3DCreate_v2(CUarray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *pAllocateArray)} */
    public static int cuArray3DCreate_v2(long handle, long desc) {
        try {
            int device = Accounting.currentDevice();
            long bound = desc == 0 ? 0 : bound3d(desc, 1);
            long reserved = Accounting.reserveFor(device, handle, bound);
            if (reserved < 0) {
                return CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = CREATE_3D.call(handle, desc);
            return reserved == 0 ? result : Accounting.settle(ARRAYS, result, device, handle, bound, reserved,
                    required(REQUIREMENTS, result, handle, device, reserved));
        } catch (Throwable t) {
            return Accounting.failure("cuArray3DCreate_v2", t);
        }
    }

    /** {@code CUresult cuMipmappedArrayCreate(CUmipmappedArray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *desc, unsigned int numMipmapLevels)} */
    public static int cuMipmappedArrayCreate(long handle, long desc, int levels) {
        try {
            int device = Accounting.currentDevice();
            long bound = desc == 0 ? 0 : bound3d(desc, levels);
            long reserved = Accounting.reserveFor(device, handle, bound);
            if (reserved < 0) {
                return CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = CREATE_MIPMAPPED.call(handle, desc, levels);
            return reserved == 0 ? result : Accounting.settle(MIPMAPPED, result, device, handle, bound, reserved,
                    required(MIPMAPPED_REQUIREMENTS, result, handle, device, reserved));
        } catch (Throwable t) {
            return Accounting.failure("cuMipmappedArrayCreate", t);
        }
    }

    /** {@code CUresult cuArrayDestroy(CUarray hArray)} */
    public static int cuArrayDestroy(long array) {
        try {
            long entry = Accounting.forget(ARRAYS, array);
            return Accounting.settleFree(ARRAYS, DESTROY.call(array), array, entry);
        } catch (Throwable t) {
            return Accounting.failure("cuArrayDestroy", t);
        }
    }

    /** {@code CUresult cuMipmappedArrayDestroy(CUmipmappedArray hMipmappedArray)} */
    public static int cuMipmappedArrayDestroy(long array) {
        try {
            long entry = Accounting.forget(MIPMAPPED, array);
            return Accounting.settleFree(MIPMAPPED, DESTROY_MIPMAPPED.call(array), array, entry);
        } catch (Throwable t) {
            return Accounting.failure("cuMipmappedArrayDestroy", t);
        }
    }

    /** The bound of a CUDA_ARRAY3D_DESCRIPTOR {Width, Height, Depth, Format, NumChannels, Flags} at {@code desc}. */
    private static long bound3d(long desc, int levels) {
        return ArrayBound.of(NATIVE.get(ValueLayout.JAVA_LONG, desc), NATIVE.get(ValueLayout.JAVA_LONG, desc + 8),
                NATIVE.get(ValueLayout.JAVA_LONG, desc + 16), NATIVE.get(ValueLayout.JAVA_INT, desc + 24),
                NATIVE.get(ValueLayout.JAVA_INT, desc + 28), NATIVE.get(ValueLayout.JAVA_INT, desc + 32), levels);
    }

    /** What the driver says the created array takes, or {@code fallback} when it does not say. */
    private static long required(Downcall requirements, int result, long handle, int device, long fallback)
            throws Throwable {
        if (result != CUDA_SUCCESS) {
            return fallback;
        }
        MemorySegment out = REQUIRED.get();
        long array = NATIVE.get(ValueLayout.JAVA_LONG, handle);
        int asked = requirements.call(out.address(), array, Accounting.currentOrdinal()); // CUDA's index
        long size = out.get(ValueLayout.JAVA_LONG, 0);
        return asked == CUDA_SUCCESS && size > 0 ? size : fallback;
    }
}
