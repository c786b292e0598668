package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.bindings.cuda.CUmemAccessDesc;
import io.hami.bindings.cuda.CUmemAllocationProp;
import io.hami.bindings.cuda.CUmemLocation;
import io.hami.bindings.cuda.CudaDriver;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * VMM: one address range reserved for the whole pool ({@code cuMemAddressReserve}); each chunk is physical memory
 * made with {@code cuMemCreate}, mapped into its place with {@code cuMemMap} and opened to the device with
 * {@code cuMemSetAccess}. The pool grows and shrinks without copying and without moving a block, and a free finds
 * its block by arithmetic on the one range.
 */
final class VmmMemory implements DeviceMemory {
    private final PoolDriver driver;
    private final int device;
    private final long primary;
    private final long granularity;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment prop;
    private final MemorySegment access;
    private long base;
    private long span;
    private long chunkBytes;
    private long[] handles;
    private boolean released;

    private VmmMemory(PoolDriver driver, int device, long primary, long granularity, MemorySegment prop) {
        this.driver = driver;
        this.device = device;
        this.primary = primary;
        this.granularity = granularity;
        this.prop = arena.allocate(CUmemAllocationProp.layout());
        this.prop.copyFrom(prop);
        this.access = arena.allocate(CUmemAccessDesc.layout());
        MemorySegment location = CUmemAccessDesc.location(access);
        CUmemLocation.type(location, CudaDriver.CU_MEM_LOCATION_TYPE_DEVICE);
        CUmemLocation.id(location, device);
        CUmemAccessDesc.flags(access, CudaDriver.CU_MEM_ACCESS_FLAGS_PROT_READWRITE);
    }

    /** The device's VMM memory, or null when the driver cannot give it a power-of-two granularity. */
    static VmmMemory of(PoolDriver driver, int device, long primary) throws Throwable {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment prop = scratch.allocate(CUmemAllocationProp.layout());
            CUmemAllocationProp.type(prop, CudaDriver.CU_MEM_ALLOCATION_TYPE_PINNED);
            CUmemAllocationProp.requestedHandleTypes(prop, CudaDriver.CU_MEM_HANDLE_TYPE_NONE);
            MemorySegment location = CUmemAllocationProp.location(prop);
            CUmemLocation.type(location, CudaDriver.CU_MEM_LOCATION_TYPE_DEVICE);
            CUmemLocation.id(location, device);
            MemorySegment granularity = scratch.allocate(ValueLayout.JAVA_LONG);
            int result = driver.granularity.call(granularity.address(), prop.address(),
                    CudaDriver.CU_MEM_ALLOC_GRANULARITY_MINIMUM);
            long value = granularity.get(ValueLayout.JAVA_LONG, 0);
            if (result != CUDA_SUCCESS || value <= 0 || Long.bitCount(value) != 1) {
                return null;
            }
            return new VmmMemory(driver, device, primary, value, prop);
        }
    }

    @Override
    public long granularity() {
        return granularity;
    }

    @Override
    public boolean contiguous() {
        return true;
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public int open(PoolGeometry geometry) {
        span = geometry.spanBytes();
        chunkBytes = geometry.chunkBytes();
        handles = new long[geometry.chunks()];
        try {
            return driver.inPrimary(primary, scratch -> {
                MemorySegment pointer = scratch.allocate(ValueLayout.JAVA_LONG);
                int result = driver.addressReserve.call(pointer.address(), span, granularity, 0L, 0L);
                base = result == CUDA_SUCCESS ? pointer.get(ValueLayout.JAVA_LONG, 0) : 0;
                return result;
            });
        } catch (Throwable t) {
            return CudaDriver.CUDA_ERROR_UNKNOWN;
        }
    }

    @Override
    public int commit(int chunk, long bytes, long[] out) {
        long address = base + chunk * chunkBytes;
        try {
            return driver.inPrimary(primary, scratch -> {
                MemorySegment handle = scratch.allocate(ValueLayout.JAVA_LONG);
                int result = driver.create.call(handle.address(), bytes, prop.address(), 0L);
                if (result != CUDA_SUCCESS) {
                    return result;
                }
                long h = handle.get(ValueLayout.JAVA_LONG, 0);
                result = driver.map.call(address, bytes, 0L, h, 0L);
                if (result == CUDA_SUCCESS) {
                    result = driver.setAccess.call(address, bytes, access.address(), 1L);
                    if (result != CUDA_SUCCESS) {
                        int ignored = driver.unmap.call(address, bytes);
                    }
                }
                if (result != CUDA_SUCCESS) {
                    int ignored = driver.release.call(h);
                    return result;
                }
                handles[chunk] = h;
                out[0] = address;
                out[1] = bytes;
                return CUDA_SUCCESS;
            });
        } catch (Throwable t) {
            return CudaDriver.CUDA_ERROR_UNKNOWN;
        }
    }

    @Override
    public int decommit(int chunk, long address, long bytes) {
        try {
            return driver.inPrimary(primary, scratch -> {
                // blocks of this chunk may still be read by queued kernels of the caller's streams
                int result = driver.ctxSynchronize.call();
                if (result != CUDA_SUCCESS) {
                    return result;
                }
                result = driver.unmap.call(address, bytes);
                if (result != CUDA_SUCCESS) {
                    return result;
                }
                result = driver.release.call(handles[chunk]);
                handles[chunk] = 0;
                return result;
            });
        } catch (Throwable t) {
            return CudaDriver.CUDA_ERROR_UNKNOWN;
        }
    }

    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            if (base != 0) {
                int ignored = driver.inPrimary(primary, scratch -> driver.addressFree.call(base, span));
            }
            int ignored = driver.releasePrimary(device);
        } catch (Throwable ignored) {
            // address space or a context reference stays behind: nothing worse
        }
        arena.close();
    }

    @Override
    public String kind() {
        return "vmm";
    }
}
