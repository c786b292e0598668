package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One {@code cuMemAlloc} per chunk in the device's primary context, where VMM is unavailable (or
 * {@code HAMI_POOL_VMM=0}). Chunks are separate allocations, so a free finds its chunk by a short scan
 * ({@link PoolGeometry#MAX_CHUNKS} at most) instead of arithmetic. The driver's reported size of each allocation is
 * what the pool counts.
 */
final class PlainMemory implements DeviceMemory {
    private final PoolDriver driver;
    private final int device;
    private final long primary;
    private boolean released;

    PlainMemory(PoolDriver driver, int device, long primary) {
        this.driver = driver;
        this.device = device;
        this.primary = primary;
    }

    @Override
    public long granularity() {
        return PoolGeometry.ALIGNMENT;
    }

    @Override
    public boolean contiguous() {
        return false;
    }

    @Override
    public long base() {
        return 0;
    }

    @Override
    public int open(PoolGeometry geometry) {
        return CUDA_SUCCESS;
    }

    @Override
    public int commit(int chunk, long bytes, long[] out) {
        try {
            return driver.inPrimary(primary, scratch -> {
                MemorySegment words = scratch.allocate(ValueLayout.JAVA_LONG, 3);
                int result = driver.memAlloc.call(words.address(), bytes);
                if (result != CUDA_SUCCESS) {
                    return result;
                }
                long pointer = words.get(ValueLayout.JAVA_LONG, 0);
                int range = driver.addressRange.call(words.address() + 8, words.address() + 16, pointer);
                out[0] = pointer;
                out[1] = range == CUDA_SUCCESS ? Math.max(bytes, words.get(ValueLayout.JAVA_LONG, 16)) : bytes;
                return CUDA_SUCCESS;
            });
        } catch (Throwable t) {
            return io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_UNKNOWN;
        }
    }

    @Override
    public int decommit(int chunk, long address, long bytes) {
        try {
            return driver.inPrimary(primary, scratch -> driver.memFree.call(address));
        } catch (Throwable t) {
            return io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_UNKNOWN;
        }
    }

    @Override
    public void close() {
        if (!released) {
            released = true;
            try {
                int ignored = driver.releasePrimary(device);
            } catch (Throwable ignored) {
                // the context stays retained: nothing worse
            }
        }
    }

    @Override
    public String kind() {
        return "plain";
    }
}
