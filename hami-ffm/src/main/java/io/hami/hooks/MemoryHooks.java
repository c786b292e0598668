package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_UNKNOWN;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.AllocationTable;
import io.hami.limits.ByteSize;
import io.hami.log.Log;
import io.hami.region.Region;
import io.hami.region.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the memory limit is decided. Upcall targets of the trampoline's memory exports: static, pointers as
 * {@code long}, no allocation on the hot path, and never an exception out of an upcall (that would kill the host).
 *
 * <p>The rule: accounted = sum of live allocations at the size the driver reports for them
 * ({@code cuMemGetAddressRange_v2}); an allocation succeeds only if accounted + size &le; limit. Bytes are reserved in
 * the region before the driver is called, corrected to the real size right after, released on failure and on free.
 * Context overhead is not counted (see docs/memory.md).
 */
public final class MemoryHooks {
    private static final HookContext CONTEXT = HookContext.current();
    private static final Region REGION = CONTEXT.region();
    private static final int TENANT = CONTEXT.tenant();
    private static final int SLOT = CONTEXT.slot();

    private static final MethodHandle ALLOC = real(CudaDriver.cuMemAlloc_v2.NAME, CudaDriver.cuMemAlloc_v2.DESC);
    private static final MethodHandle FREE = real(CudaDriver.cuMemFree_v2.NAME, CudaDriver.cuMemFree_v2.DESC);
    private static final MethodHandle GET_INFO =
            real(CudaDriver.cuMemGetInfo_v2.NAME, CudaDriver.cuMemGetInfo_v2.DESC);
    private static final MethodHandle TOTAL_MEM =
            real(CudaDriver.cuDeviceTotalMem_v2.NAME, CudaDriver.cuDeviceTotalMem_v2.DESC);
    private static final MethodHandle CTX_GET_DEVICE =
            real(CudaDriver.cuCtxGetDevice.NAME, CudaDriver.cuCtxGetDevice.DESC);
    private static final MethodHandle ADDRESS_RANGE =
            real(CudaDriver.cuMemGetAddressRange_v2.NAME, CudaDriver.cuMemGetAddressRange_v2.DESC);

    /** Every address, for reading and writing the caller's out-parameters without a segment per call. */
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Per-thread room for out-parameters of our own driver calls (device, base, size). */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(24, 8));

    private static final AllocationTable LIVE = new AllocationTable();
    /** cudaMalloc's documented alignment; grows to what the driver shows (see learnGranule). */
    private static final long MIN_GRANULE = 512;
    private static final long MAX_GRANULE = 1L << 21;
    private static volatile long granule = MIN_GRANULE;
    /** Reclaiming dead processes' usage costs a lock probe per live slot: at most this often on refusals. */
    private static final long RECLAIM_INTERVAL_NANOS = 100_000_000L;
    private static final AtomicLong LAST_RECLAIM = new AtomicLong(System.nanoTime() - RECLAIM_INTERVAL_NANOS);
    /** Test seam (docs/region.md): stop this process with SIGSTOP at a named step of the memory protocol. */
    private static final String PAUSE_AT = System.getenv("HAMI_TEST_PAUSE_AT");
    /** Set once the process has released its slot at exit: later frees only reach the driver. */
    private static volatile boolean detached;
    private static final AtomicBoolean REFUSAL_SHOWN = new AtomicBoolean();
    private static final AtomicBoolean FAILURE_SHOWN = new AtomicBoolean();

    private MemoryHooks() {}

    private static MethodHandle real(String name, java.lang.foreign.FunctionDescriptor descriptor) {
        return Downcalls.real(CONTEXT.resolver(), name, descriptor);
    }

    /** {@code CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)} */
    public static int cuMemAlloc_v2(long dptr, long bytesize) {
        try {
            int device = currentDevice();
            if (device < 0 || bytesize <= 0 || dptr == 0) {
                return (int) ALLOC.invokeExact(dptr, bytesize); // the driver's own error for a bad call
            }
            long reserved = roundUp(bytesize, granule);
            if (detached || reserved < 0 || !reserve(device, reserved)) {
                return refuse(device, bytesize);
            }
            pauseAt("reserved");
            int result = (int) ALLOC.invokeExact(dptr, bytesize);
            if (result != CUDA_SUCCESS) {
                REGION.release(TENANT, SLOT, device, reserved);
                return result;
            }
            long pointer = NATIVE.get(ValueLayout.JAVA_LONG, dptr);
            long actual = reservedSize(pointer, reserved);
            if (actual > reserved) {
                learnGranule(bytesize, actual);
                if (!REGION.tryReserve(TENANT, SLOT, device, actual - reserved)) {
                    int ignored = (int) FREE.invokeExact(pointer);
                    REGION.release(TENANT, SLOT, device, reserved);
                    return refuse(device, actual);
                }
            } else if (actual < reserved) {
                REGION.release(TENANT, SLOT, device, reserved - actual);
            }
            LIVE.put(pointer, AllocationTable.pack(device, actual));
            pauseAt("committed");
            return CUDA_SUCCESS;
        } catch (Throwable t) {
            return failure("cuMemAlloc_v2", t);
        }
    }

    /** Reserves on the tenant's counter; once per interval, a refusal first takes back what dead processes held. */
    private static boolean reserve(int device, long bytes) {
        if (REGION.tryReserve(TENANT, SLOT, device, bytes)) {
            return true;
        }
        long last = LAST_RECLAIM.get();
        long now = System.nanoTime();
        return now - last >= RECLAIM_INTERVAL_NANOS && LAST_RECLAIM.compareAndSet(last, now)
                && REGION.reclaimDeadSlots() > 0 && REGION.tryReserve(TENANT, SLOT, device, bytes);
    }

    /**
     * At exit, after the slot was released: frees only reach the driver (the slot's usage is already given back)
     * and allocations are refused (the process has no slot to count them on).
     */
    public static void detach() {
        detached = true;
    }

    private static void pauseAt(String step) {
        if (PAUSE_AT != null && PAUSE_AT.equals(step)) {
            TestPause.stop(step);
        }
    }

    /**
     * The driver rounds allocations up to a granule we cannot ask for, so reservations use the largest rounding it
     * has shown so far: after the first allocation of each rounding class, the driver never holds a byte that was not
     * reserved first (docs/memory.md).
     */
    private static void learnGranule(long requested, long actual) {
        long candidate = granule;
        while (roundUp(requested, candidate) < actual && candidate < MAX_GRANULE) {
            candidate <<= 1;
        }
        if (candidate > granule) {
            granule = candidate;
        }
    }

    private static long roundUp(long bytes, long granule) {
        long rounded = (bytes + granule - 1) & -granule;
        return rounded < bytes ? -1 : rounded;
    }

    /** {@code CUresult cuMemFree_v2(CUdeviceptr dptr)} */
    public static int cuMemFree_v2(long pointer) {
        try {
            if (detached) {
                return (int) FREE.invokeExact(pointer);
            }
            // forget it before the driver may hand the address out again to another thread
            long entry = pointer == 0 ? AllocationTable.MISSING : LIVE.remove(pointer);
            pauseAt("freeing");
            int result = (int) FREE.invokeExact(pointer);
            if (entry != AllocationTable.MISSING) {
                if (result == CUDA_SUCCESS) {
                    REGION.release(TENANT, SLOT, AllocationTable.device(entry), AllocationTable.bytes(entry));
                } else {
                    LIVE.put(pointer, entry);
                }
            }
            return result;
        } catch (Throwable t) {
            return failure("cuMemFree_v2", t);
        }
    }

    /** {@code CUresult cuMemGetInfo_v2(size_t *free, size_t *total)}: total = limit, free = limit - accounted. */
    public static int cuMemGetInfo_v2(long freePointer, long totalPointer) {
        try {
            int result = (int) GET_INFO.invokeExact(freePointer, totalPointer);
            int device = result == CUDA_SUCCESS ? currentDevice() : -1;
            long limit = device < 0 ? 0 : REGION.limit(TENANT, device);
            if (limit != 0) {
                long total = Math.min(limit, NATIVE.get(ValueLayout.JAVA_LONG, totalPointer));
                long free = Math.min(total - REGION.used(TENANT, device), NATIVE.get(ValueLayout.JAVA_LONG, freePointer));
                NATIVE.set(ValueLayout.JAVA_LONG, totalPointer, total);
                NATIVE.set(ValueLayout.JAVA_LONG, freePointer, Math.max(0, free));
            }
            return result;
        } catch (Throwable t) {
            return failure("cuMemGetInfo_v2", t);
        }
    }

    /** {@code CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)}: the limit, where one is set. */
    public static int cuDeviceTotalMem_v2(long bytesPointer, int device) {
        try {
            int result = (int) TOTAL_MEM.invokeExact(bytesPointer, device);
            if (result == CUDA_SUCCESS && device >= 0 && device < RegionLayout.DEVICE_CAPACITY) {
                long limit = REGION.limit(TENANT, device);
                if (limit != 0) {
                    NATIVE.set(ValueLayout.JAVA_LONG, bytesPointer,
                            Math.min(limit, NATIVE.get(ValueLayout.JAVA_LONG, bytesPointer)));
                }
            }
            return result;
        } catch (Throwable t) {
            return failure("cuDeviceTotalMem_v2", t);
        }
    }

    /** The current context's device, or -1 when there is none (the driver then answers the call itself). */
    private static int currentDevice() throws Throwable {
        MemorySegment scratch = SCRATCH.get();
        if ((int) CTX_GET_DEVICE.invokeExact(scratch.address()) != CUDA_SUCCESS) {
            return -1;
        }
        int device = scratch.get(ValueLayout.JAVA_INT, 0);
        if (device >= RegionLayout.DEVICE_CAPACITY) {
            throw new IllegalStateException("device " + device + " is beyond the region's "
                    + RegionLayout.DEVICE_CAPACITY + " devices");
        }
        return device;
    }

    /** What the driver really reserved for an allocation, as it reports it. */
    private static long reservedSize(long pointer, long requested) throws Throwable {
        MemorySegment scratch = SCRATCH.get();
        long base = scratch.address() + 8;
        int result = (int) ADDRESS_RANGE.invokeExact(base, base + 8, pointer);
        return result == CUDA_SUCCESS ? scratch.get(ValueLayout.JAVA_LONG, 16) : requested;
    }

    private static int refuse(int device, long bytes) {
        boolean first = REFUSAL_SHOWN.compareAndSet(false, true);
        if (Log.enabled(first ? Log.WARN : Log.DEBUG)) {
            Log.warn("out of memory on device " + device + " for tenant '" + REGION.tenantName(TENANT) + "': "
                    + ByteSize.format(bytes) + " requested, " + ByteSize.format(REGION.used(TENANT, device))
                    + " in use of a " + ByteSize.format(REGION.limit(TENANT, device)) + " limit");
        }
        return CUDA_ERROR_OUT_OF_MEMORY;
    }

    private static int failure(String hook, Throwable t) {
        if (FAILURE_SHOWN.compareAndSet(false, true)) {
            Log.error(hook + " failed inside hami-ffm, the call is refused: " + t);
        }
        return CUDA_ERROR_UNKNOWN;
    }
}
