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
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory protocol every allocation hook shares (docs/memory.md, docs/region.md): reserve on the tenant's counter
 * before the driver is called, settle to the size the driver reports right after (or give the reservation back when
 * it fails), remember the pointer, and release exactly what was recorded when it is freed.
 */
final class Accounting {
    static final HookContext CONTEXT = HookContext.current();
    static final Region REGION = CONTEXT.region();
    static final int TENANT = CONTEXT.tenant();
    static final int SLOT = CONTEXT.slot();
    static final Devices DEVICES = Devices.current();

    /** Every address, for reading and writing the caller's out-parameters without a segment per call. */
    static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final Downcall FREE = real(CudaDriver.cuMemFree_v2.NAME, CudaDriver.cuMemFree_v2.DESC);
    private static final Downcall CTX_GET_DEVICE =
            real(CudaDriver.cuCtxGetDevice.NAME, CudaDriver.cuCtxGetDevice.DESC);
    private static final Downcall ADDRESS_RANGE =
            real(CudaDriver.cuMemGetAddressRange_v2.NAME, CudaDriver.cuMemGetAddressRange_v2.DESC);
    /** Per-thread room for out-parameters of our own driver calls (device, base, size). */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(24, 8));

    private static final AllocationTable LIVE = new AllocationTable();
    /** Device pointers (cuMemAlloc and the calls freed by cuMemFree): they teach the allocation granule. */
    static final Books POINTERS = new Books(LIVE, FREE, true);
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

    private Accounting() {}

    /**
     * Where one kind of handle (device pointers, arrays, external memory) is recorded, how the driver takes one back
     * when a correction is refused ({@code CUresult undo(handle)}), and whether its sizes teach the allocation granule
     * (an array's layout padding is not an allocation granule).
     */
    record Books(AllocationTable table, Downcall undo, boolean learnsGranule) {}

    static Downcall real(String name, FunctionDescriptor descriptor) {
        return Downcalls.real(CONTEXT.resolver(), name, descriptor);
    }

    /** A driver function of another shape than the shared one ({@link Downcalls#typed}). */
    static MethodHandle typed(String name, FunctionDescriptor descriptor) {
        return Downcalls.typed(CONTEXT.resolver(), name, descriptor);
    }

    static boolean detached() {
        return detached;
    }

    static void detach() {
        detached = true;
    }

    /**
     * The region device (a physical GPU, by UUID: {@link Devices}) of the current context, or -1 when there is no
     * context (the driver then answers the call itself).
     */
    static int currentDevice() throws Throwable {
        return DEVICES.regionDevice(currentOrdinal());
    }

    /** The current context's CUDA ordinal (for driver calls that take one), or -1 when there is no context. */
    static int currentOrdinal() throws Throwable {
        MemorySegment scratch = SCRATCH.get();
        if (CTX_GET_DEVICE.call(scratch.address()) != CUDA_SUCCESS) {
            return -1;
        }
        int ordinal = scratch.get(ValueLayout.JAVA_INT, 0);
        if (ordinal >= RegionLayout.DEVICE_CAPACITY) {
            throw new IllegalStateException("device " + ordinal + " is beyond the region's "
                    + RegionLayout.DEVICE_CAPACITY + " devices");
        }
        return ordinal;
    }

    /**
     * For an allocation call: 0 when it is not ours to count (no context, no size or no out-pointer: the driver gives
     * its own answer), -1 when the limit refuses it (logged), else the bytes reserved.
     */
    static long reserveFor(int device, long dptr, long bytes) {
        return device < 0 || bytes <= 0 || dptr == 0 ? 0 : reserve(device, bytes);
    }

    /**
     * Reserves room for {@code bytes} (rounded up to the largest granule the driver has shown) before the driver is
     * called; returns the amount reserved, or -1 when the limit refuses it (already logged).
     */
    static long reserve(int device, long bytes) {
        long reserved = reserveQuietly(device, bytes);
        if (reserved < 0) {
            refuse(device, bytes);
        }
        return reserved;
    }

    /** {@link #reserve} without the refusal's log line and count: for a caller that serves the bytes elsewhere. */
    static long reserveQuietly(int device, long bytes) {
        long reserved = roundUp(bytes, granule);
        if (detached || reserved < 0 || !tryReserve(device, reserved)) {
            return -1;
        }
        pauseAt("reserved");
        return reserved;
    }

    /** Reserves an exact amount; once per interval, a refusal first takes back what dead processes held. */
    static boolean tryReserve(int device, long bytes) {
        if (REGION.tryReserve(TENANT, SLOT, device, bytes)) {
            return true;
        }
        long last = LAST_RECLAIM.get();
        long now = System.nanoTime();
        return now - last >= RECLAIM_INTERVAL_NANOS && LAST_RECLAIM.compareAndSet(last, now)
                && REGION.reclaimDeadSlots() > 0 && REGION.tryReserve(TENANT, SLOT, device, bytes);
    }

    /** Charges bytes the driver already holds whatever the limit says (a graph pool grown by a launch). */
    static void charge(int device, long bytes) {
        REGION.charge(TENANT, SLOT, device, bytes);
    }

    static void release(int device, long bytes) {
        REGION.release(TENANT, SLOT, device, bytes);
    }

    /**
     * After the driver call that was to put a new pointer at {@code dptr}: gives the reservation back if it failed;
     * else corrects it to {@code actual} bytes (-1: ask the driver how large the allocation really is) and records
     * the pointer. A correction the limit refuses frees the allocation again and refuses the call.
     */
    static int settle(int result, int device, long dptr, long requested, long reserved, long actual)
            throws Throwable {
        return settle(POINTERS, result, device, dptr, requested, reserved, actual);
    }

    /** {@link #settle(int, int, long, long, long, long)} for a handle recorded in {@code books}. */
    static int settle(Books books, int result, int device, long dptr, long requested, long reserved, long actual)
            throws Throwable {
        if (result != CUDA_SUCCESS) {
            release(device, reserved);
            return result;
        }
        long pointer = NATIVE.get(ValueLayout.JAVA_LONG, dptr);
        long size = actual >= 0 ? actual : reportedSize(pointer, reserved);
        if (size > reserved) {
            if (books.learnsGranule()) {
                learnGranule(requested, size);
            }
            if (!tryReserve(device, size - reserved)) {
                int ignored = books.undo().call(pointer);
                release(device, reserved);
                return refuse(device, size);
            }
        } else if (size < reserved) {
            release(device, reserved - size);
        }
        books.table().put(pointer, AllocationTable.pack(device, size));
        pauseAt("committed");
        return CUDA_SUCCESS;
    }

    /** Before a free reaches the driver: forgets the pointer (the driver may hand the address out again at once). */
    static long forget(long pointer) {
        return forget(POINTERS, pointer);
    }

    static long forget(Books books, long pointer) {
        long entry = pointer == 0 || detached ? AllocationTable.MISSING : books.table().remove(pointer);
        pauseAt("freeing");
        return entry;
    }

    /** After the free: releases what the allocation held, or remembers it again when the driver refused. */
    static int settleFree(int result, long pointer, long entry) {
        return settleFree(POINTERS, result, pointer, entry);
    }

    static int settleFree(Books books, int result, long pointer, long entry) {
        if (entry != AllocationTable.MISSING) {
            if (result == CUDA_SUCCESS) {
                release(AllocationTable.device(entry), AllocationTable.bytes(entry));
            } else {
                books.table().put(pointer, entry);
            }
        }
        return result;
    }

    /** What the driver really reserved for an allocation, as it reports it. */
    static long reportedSize(long pointer, long fallback) throws Throwable {
        MemorySegment scratch = SCRATCH.get();
        long base = scratch.address() + 8;
        int result = ADDRESS_RANGE.call(base, base + 8, pointer);
        return result == CUDA_SUCCESS ? scratch.get(ValueLayout.JAVA_LONG, 16) : fallback;
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

    static long roundUp(long bytes, long granule) {
        long rounded = (bytes + granule - 1) & -granule;
        return rounded < bytes ? -1 : rounded;
    }

    static int refuse(int device, long bytes) {
        REGION.countRefusal(TENANT);
        boolean first = REFUSAL_SHOWN.compareAndSet(false, true);
        if (Log.enabled(first ? Log.WARN : Log.DEBUG)) {
            Log.warn(device, "out of memory on device " + device + " for tenant '" + REGION.tenantName(TENANT) + "': "
                    + ByteSize.format(bytes) + " requested, " + ByteSize.format(REGION.used(TENANT, device))
                    + " in use of a " + ByteSize.format(REGION.limit(TENANT, device)) + " limit");
        }
        return CUDA_ERROR_OUT_OF_MEMORY;
    }

    static int failure(String hook, Throwable t) {
        if (FAILURE_SHOWN.compareAndSet(false, true)) {
            Log.error(hook + " failed inside hami-ffm, the call is refused: " + t);
        }
        return CUDA_ERROR_UNKNOWN;
    }

    private static void pauseAt(String step) {
        if (PAUSE_AT != null && PAUSE_AT.equals(step)) {
            TestPause.stop(step);
        }
    }
}
