package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.hooks.Accounting.NATIVE;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.AllocationTable;
import java.lang.foreign.ValueLayout;

/**
 * Memory another API allocated (Vulkan, OpenGL through an fd, a dma-buf), imported with {@code cuImportExternalMemory}:
 * charged to the importing process at the size its handle descriptor states, from the import until
 * {@code cuDestroyExternalMemory} (docs/memory.md).
 */
public final class ExternalMemoryHooks {
    /** CUDA_EXTERNAL_MEMORY_HANDLE_DESC.size: after the type (int, padded) and the 16-byte handle union. */
    static final long DESC_SIZE_OFFSET = 24;

    private static final Downcall IMPORT =
            Accounting.real(CudaDriver.cuImportExternalMemory.NAME, CudaDriver.cuImportExternalMemory.DESC);
    private static final Downcall DESTROY =
            Accounting.real(CudaDriver.cuDestroyExternalMemory.NAME, CudaDriver.cuDestroyExternalMemory.DESC);
    private static final Accounting.Books IMPORTS = new Accounting.Books(new AllocationTable(), DESTROY, false);

    private ExternalMemoryHooks() {}

    /** {@code CUresult cuImportExternalMemory(CUexternalMemory *extMem_out, const CUDA_EXTERNAL_MEMORY_HANDLE_DESC *memHandleDesc)} */
    public static int cuImportExternalMemory(long memory, long desc) {
        try {
            int device = Accounting.currentDevice();
            long size = desc == 0 ? 0 : NATIVE.get(ValueLayout.JAVA_LONG, desc + DESC_SIZE_OFFSET);
            long reserved = Accounting.reserveFor(device, memory, size);
            if (reserved < 0) {
                return CUDA_ERROR_OUT_OF_MEMORY;
            }
            int result = IMPORT.call(memory, desc);
            return reserved == 0 ? result
                    : Accounting.settle(IMPORTS, result, device, memory, size, reserved, size);
        } catch (Throwable t) {
            return Accounting.failure("cuImportExternalMemory", t);
        }
    }

    /** {@code CUresult cuDestroyExternalMemory(CUexternalMemory extMem)} */
    public static int cuDestroyExternalMemory(long memory) {
        try {
            long entry = Accounting.forget(IMPORTS, memory);
            return Accounting.settleFree(IMPORTS, DESTROY.call(memory), memory, entry);
        } catch (Throwable t) {
            return Accounting.failure("cuDestroyExternalMemory", t);
        }
    }
}
