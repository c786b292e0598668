package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_NOT_SUPPORTED;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.hooks.Downcall;
import io.hami.hooks.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;

/**
 * The real driver functions a pool calls, linked once from real addresses (the trampoline's, never a hooked export:
 * the pool accounts its memory itself, so the memory hooks must not count it again). Pointers are {@code long}. Only
 * growth, shrink, creation and destruction call these.
 */
final class PoolDriver {
    final Downcall primaryRetain;
    final Downcall primaryRelease;
    final Downcall ctxGetCurrent;
    final Downcall ctxSetCurrent;
    final Downcall ctxSynchronize;
    final Downcall deviceGetAttribute;
    final Downcall memAlloc;
    final Downcall memFree;
    final Downcall addressRange;
    // VMM: null where the driver lacks it
    final Downcall addressReserve;
    final Downcall addressFree;
    final Downcall create;
    final Downcall release;
    final Downcall map;
    final Downcall unmap;
    final Downcall setAccess;
    final Downcall granularity;

    PoolDriver(Function<String, MemorySegment> resolver) {
        primaryRetain = required(resolver, CudaDriver.cuDevicePrimaryCtxRetain.NAME, CudaDriver.cuDevicePrimaryCtxRetain.DESC);
        primaryRelease = required(resolver, CudaDriver.cuDevicePrimaryCtxRelease_v2.NAME,
                CudaDriver.cuDevicePrimaryCtxRelease_v2.DESC);
        ctxGetCurrent = required(resolver, CudaDriver.cuCtxGetCurrent.NAME, CudaDriver.cuCtxGetCurrent.DESC);
        ctxSetCurrent = required(resolver, CudaDriver.cuCtxSetCurrent.NAME, CudaDriver.cuCtxSetCurrent.DESC);
        ctxSynchronize = required(resolver, CudaDriver.cuCtxSynchronize.NAME, CudaDriver.cuCtxSynchronize.DESC);
        deviceGetAttribute = required(resolver, CudaDriver.cuDeviceGetAttribute.NAME, CudaDriver.cuDeviceGetAttribute.DESC);
        memAlloc = required(resolver, CudaDriver.cuMemAlloc_v2.NAME, CudaDriver.cuMemAlloc_v2.DESC);
        memFree = required(resolver, CudaDriver.cuMemFree_v2.NAME, CudaDriver.cuMemFree_v2.DESC);
        addressRange = required(resolver, CudaDriver.cuMemGetAddressRange_v2.NAME, CudaDriver.cuMemGetAddressRange_v2.DESC);
        addressReserve = optional(resolver, CudaDriver.cuMemAddressReserve.NAME, CudaDriver.cuMemAddressReserve.DESC);
        addressFree = optional(resolver, CudaDriver.cuMemAddressFree.NAME, CudaDriver.cuMemAddressFree.DESC);
        create = optional(resolver, CudaDriver.cuMemCreate.NAME, CudaDriver.cuMemCreate.DESC);
        release = optional(resolver, CudaDriver.cuMemRelease.NAME, CudaDriver.cuMemRelease.DESC);
        map = optional(resolver, CudaDriver.cuMemMap.NAME, CudaDriver.cuMemMap.DESC);
        unmap = optional(resolver, CudaDriver.cuMemUnmap.NAME, CudaDriver.cuMemUnmap.DESC);
        setAccess = optional(resolver, CudaDriver.cuMemSetAccess.NAME, CudaDriver.cuMemSetAccess.DESC);
        granularity = optional(resolver, CudaDriver.cuMemGetAllocationGranularity.NAME,
                CudaDriver.cuMemGetAllocationGranularity.DESC);
    }

    private static Downcall required(Function<String, MemorySegment> resolver, String name,
                                         FunctionDescriptor descriptor) {
        return Downcalls.real(resolver, name, descriptor);
    }

    private static Downcall optional(Function<String, MemorySegment> resolver, String name,
                                         FunctionDescriptor descriptor) {
        MemorySegment address = resolver.apply(name);
        return address == null || address.address() == 0 ? null : required(resolver, name, descriptor);
    }

    boolean hasVmm() {
        return addressReserve != null && addressFree != null && create != null && release != null && map != null
                && unmap != null && setAccess != null && granularity != null;
    }

    /** Retains the device's primary context; out[0] = the context. Returns a CUresult. */
    int retainPrimary(int device, long[] out) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = arena.allocate(ValueLayout.ADDRESS);
            int result = primaryRetain.call(ctx.address(), device);
            out[0] = ctx.get(ValueLayout.JAVA_LONG, 0);
            return result;
        }
    }

    int releasePrimary(int device) throws Throwable {
        return primaryRelease.call(device);
    }

    /** A device attribute, or Integer.MIN_VALUE when the driver refuses the query. */
    int attribute(int attribute, int device) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            int result = deviceGetAttribute.call(value.address(), attribute, device);
            return result == CUDA_SUCCESS ? value.get(ValueLayout.JAVA_INT, 0) : Integer.MIN_VALUE;
        }
    }

    /** Something to run with a device's primary context current on the calling thread. */
    @FunctionalInterface
    interface InContext {
        int run(Arena scratch) throws Throwable;
    }

    /**
     * Runs {@code body} with {@code primary} current on this thread and restores the thread's own context after: the
     * pool's memory lives in the primary context (what PyTorch uses) whatever context the caller had.
     */
    int inPrimary(long primary, InContext body) throws Throwable {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment saved = scratch.allocate(ValueLayout.ADDRESS);
            int got = ctxGetCurrent.call(saved.address());
            long previous = got == CUDA_SUCCESS ? saved.get(ValueLayout.JAVA_LONG, 0) : 0;
            if (previous != primary) {
                int set = ctxSetCurrent.call(primary);
                if (set != CUDA_SUCCESS) {
                    return set;
                }
            }
            try {
                return body.run(scratch);
            } finally {
                if (previous != primary) {
                    int ignored = ctxSetCurrent.call(previous);
                }
            }
        }
    }

    static int unsupported() {
        return CUDA_ERROR_NOT_SUPPORTED;
    }
}
