package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static io.hami.hooks.Accounting.NATIVE;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.log.Log;
import io.hami.region.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * Context overhead (docs/memory.md): every CUDA context a process holds on a device (its primary context while
 * retained, each extra context until destroyed) is charged the device's context size, measured once per device and
 * region and kept in the device record ({@code DEVICE_CONTEXT_BYTES}): the first process that needs it claims the
 * measurement ({@code DEVICE_CONTEXT_MEASURING_UNTIL}), creates a throwaway context and reads how much free device
 * memory that took; processes that start meanwhile charge their primary context once the size lands. Context creation never waits for the JVM (the
 * trampoline only starts the boot): contexts that exist when the agent comes up are charged by {@link #chargeExisting},
 * later ones by these hooks, which reserve before the driver is called once the size is known. A context that already
 * exists is charged past the limit if need be, so later allocations are refused. Contexts are rare: one lock.
 */
public final class ContextHooks {
    /**
     * cuda.h 13 declares only the newest cuCtxCreate, so the older ABIs the trampoline exports are described here (a
     * holder of its own: the agent lists them before the hooks' context exists).
     */
    public static final class Legacy {
        static final FunctionDescriptor CREATE_V2_DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
        static final FunctionDescriptor CREATE_V3_DESC = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT);
        public static final CudaDriver.FunctionInfo CREATE_V2 = new CudaDriver.FunctionInfo("cuCtxCreate_v2",
                "CUresult cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev)", CREATE_V2_DESC);
        public static final CudaDriver.FunctionInfo CREATE_V3 = new CudaDriver.FunctionInfo("cuCtxCreate_v3",
                "CUresult cuCtxCreate_v3(CUcontext *pctx, CUexecAffinityParam *paramsArray, int numParams, "
                        + "unsigned int flags, CUdevice dev)", CREATE_V3_DESC);

        private Legacy() {}
    }

    private static final Downcall RETAIN = Accounting.real(CudaDriver.cuDevicePrimaryCtxRetain.NAME,
            CudaDriver.cuDevicePrimaryCtxRetain.DESC);
    private static final Downcall RELEASE = Accounting.real(CudaDriver.cuDevicePrimaryCtxRelease_v2.NAME,
            CudaDriver.cuDevicePrimaryCtxRelease_v2.DESC);
    private static final Downcall GET_STATE = Accounting.real(CudaDriver.cuDevicePrimaryCtxGetState.NAME,
            CudaDriver.cuDevicePrimaryCtxGetState.DESC);
    private static final Downcall CREATE_2 = Accounting.real(Legacy.CREATE_V2.name(), Legacy.CREATE_V2_DESC);
    private static final Downcall CREATE_3 = Accounting.real(Legacy.CREATE_V3.name(), Legacy.CREATE_V3_DESC);
    private static final Downcall CREATE_4 =
            Accounting.real(CudaDriver.cuCtxCreate_v4.NAME, CudaDriver.cuCtxCreate_v4.DESC);
    private static final Downcall DESTROY =
            Accounting.real(CudaDriver.cuCtxDestroy_v2.NAME, CudaDriver.cuCtxDestroy_v2.DESC);
    private static final Downcall COUNT =
            Accounting.real(CudaDriver.cuDeviceGetCount.NAME, CudaDriver.cuDeviceGetCount.DESC);

    /** What only the measurement calls: linked by the one process per region that measures, not at every boot. */
    private static final class Measure {
        static final Downcall PUSH =
                Accounting.real(CudaDriver.cuCtxPushCurrent_v2.NAME, CudaDriver.cuCtxPushCurrent_v2.DESC);
        static final Downcall SET_CURRENT =
                Accounting.real(CudaDriver.cuCtxSetCurrent.NAME, CudaDriver.cuCtxSetCurrent.DESC);
        static final Downcall POP =
                Accounting.real(CudaDriver.cuCtxPopCurrent_v2.NAME, CudaDriver.cuCtxPopCurrent_v2.DESC);
        static final Downcall GET_INFO =
                Accounting.real(CudaDriver.cuMemGetInfo_v2.NAME, CudaDriver.cuMemGetInfo_v2.DESC);

        private Measure() {}
    }

    /** Readings that differ by less than this agree; a context smaller than this is not measurable. */
    private static final long MEASURE_TOLERANCE = 2L << 20;
    private static final int MEASURE_ATTEMPTS = 4;
    /** How long a measurement may hold its claim: two context creations each attempt, slow when many start at once. */
    private static final long MEASURE_CLAIM_NANOS = 20_000_000_000L;
    /** A primary context went uncharged because another process was measuring the size. */
    private static volatile boolean uncharged;

    private static final Object LOCK = new Object();
    /** Bytes charged for each device's primary context (0: none). */
    private static final long[] PRIMARY = new long[RegionLayout.DEVICE_CAPACITY];
    /** Extra contexts: handle → {device, bytes}. */
    private static final Map<Long, long[]> EXTRA = new HashMap<>();
    private static final MemorySegment SCRATCH = Arena.ofAuto().allocate(32, 8);

    private ContextHooks() {}

    /** At agent start: charges the primary contexts already active (created while the JVM booted). */
    public static void chargeExisting() {
        try {
            synchronized (LOCK) {
                int count = COUNT.call(SCRATCH.address()) == CUDA_SUCCESS
                        ? Math.min(SCRATCH.get(ValueLayout.JAVA_INT, 0), RegionLayout.DEVICE_CAPACITY) : 0;
                for (int device = 0; device < count; device++) {
                    if (PRIMARY[device] == 0 && primaryActive(device)) {
                        long bytes = contextBytes(device);
                        if (bytes > 0) {
                            Accounting.charge(region(device), bytes);
                            PRIMARY[device] = bytes;
                        }
                    }
                }
            }
        } catch (Throwable t) {
            Accounting.failure("charging existing contexts", t);
        }
    }

    /** {@code CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)} */
    public static int cuDevicePrimaryCtxRetain(long pctx, int device) {
        try {
            if (!valid(device)) {
                return RETAIN.call(pctx, device);
            }
            synchronized (LOCK) {
                if (PRIMARY[device] != 0) {
                    return RETAIN.call(pctx, device);
                }
                long known = Accounting.REGION.contextBytes(region(device));
                if (known > 0 && !Accounting.tryReserve(region(device), known)) {
                    return Accounting.refuse(region(device), known);
                }
                int result = RETAIN.call(pctx, device);
                if (result != CUDA_SUCCESS) {
                    if (known > 0) {
                        Accounting.release(region(device), known);
                    }
                    return result;
                }
                long bytes = known > 0 ? known : contextBytes(device);
                if (known == 0 && bytes > 0) {
                    Accounting.charge(region(device), bytes);
                }
                PRIMARY[device] = bytes;
                return CUDA_SUCCESS;
            }
        } catch (Throwable t) {
            return Accounting.failure("cuDevicePrimaryCtxRetain", t);
        }
    }

    /** {@code CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)}: the charge goes with the last reference. */
    public static int cuDevicePrimaryCtxRelease_v2(int device) {
        try {
            synchronized (LOCK) {
                int result = RELEASE.call(device);
                if (result == CUDA_SUCCESS && valid(device) && PRIMARY[device] != 0 && !primaryActive(device)) {
                    if (!Accounting.detached()) {
                        Accounting.release(region(device), PRIMARY[device]);
                    }
                    PRIMARY[device] = 0;
                }
                return result;
            }
        } catch (Throwable t) {
            return Accounting.failure("cuDevicePrimaryCtxRelease_v2", t);
        }
    }

    /** {@code CUresult cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev)} */
    public static int cuCtxCreate_v2(long pctx, int flags, int device) {
        try {
            long reserved = reserveContext(device);
            if (reserved < 0) {
                return CUDA_ERROR_OUT_OF_MEMORY;
            }
            return created(CREATE_2.call(pctx, flags, device), pctx, device, reserved);
        } catch (Throwable t) {
            return Accounting.failure("cuCtxCreate_v2", t);
        }
    }

    /** {@code CUresult cuCtxCreate_v3(CUcontext *pctx, CUexecAffinityParam *paramsArray, int numParams, unsigned int flags, CUdevice dev)} */
    public static int cuCtxCreate_v3(long pctx, long params, int count, int flags, int device) {
        try {
            long reserved = reserveContext(device);
            if (reserved < 0) {
                return CUDA_ERROR_OUT_OF_MEMORY;
            }
            return created(CREATE_3.call(pctx, params, count, flags, device), pctx, device, reserved);
        } catch (Throwable t) {
            return Accounting.failure("cuCtxCreate_v3", t);
        }
    }

    /** {@code CUresult cuCtxCreate_v4(CUcontext *pctx, CUctxCreateParams *ctxCreateParams, unsigned int flags, CUdevice dev)} */
    public static int cuCtxCreate_v4(long pctx, long params, int flags, int device) {
        try {
            long reserved = reserveContext(device);
            if (reserved < 0) {
                return CUDA_ERROR_OUT_OF_MEMORY;
            }
            return created(CREATE_4.call(pctx, params, flags, device), pctx, device, reserved);
        } catch (Throwable t) {
            return Accounting.failure("cuCtxCreate_v4", t);
        }
    }

    /** {@code CUresult cuCtxDestroy_v2(CUcontext ctx)} */
    public static int cuCtxDestroy_v2(long ctx) {
        try {
            synchronized (LOCK) {
                int result = DESTROY.call(ctx);
                long[] held = result == CUDA_SUCCESS ? EXTRA.remove(ctx) : null;
                if (held != null && !Accounting.detached()) {
                    Accounting.release((int) held[0], held[1]);
                }
                return result;
            }
        } catch (Throwable t) {
            return Accounting.failure("cuCtxDestroy_v2", t);
        }
    }

    /** Before an extra context: its known size reserved (0 when unknown or not ours), or -1 when refused. */
    private static long reserveContext(int device) throws Throwable {
        long known = valid(device) ? Accounting.REGION.contextBytes(region(device)) : 0;
        if (known == 0) {
            return 0;
        }
        if (Accounting.detached() || !Accounting.tryReserve(region(device), known)) {
            Accounting.refuse(region(device), known);
            return -1;
        }
        return known;
    }

    /** After an extra context's creation: keeps the reservation (measuring the size the first time) or returns it. */
    private static int created(int result, long pctx, int device, long reserved) throws Throwable {
        if (result != CUDA_SUCCESS) {
            if (reserved > 0) {
                Accounting.release(region(device), reserved);
            }
            return result;
        }
        if (!valid(device) || pctx == 0) {
            return result;
        }
        synchronized (LOCK) {
            long bytes = reserved;
            if (bytes == 0) {
                bytes = contextBytes(device);
                if (bytes > 0) {
                    Accounting.charge(region(device), bytes);
                }
            }
            if (bytes > 0) {
                EXTRA.put(NATIVE.get(ValueLayout.JAVA_LONG, pctx), new long[] {region(device), bytes});
            }
        }
        return result;
    }

    /** The region device (a GPU, by UUID) of a CUDA ordinal: hooks take ordinals, the region counts GPUs. */
    private static int region(int ordinal) throws Throwable {
        return Accounting.DEVICES.regionDevice(ordinal);
    }

    /**
     * The device's context size from the region, measured and recorded first if nobody has yet (LOCK held); 0 while
     * another process measures it (its primary context is then charged later, {@link #chargeLate}).
     */
    private static long contextBytes(int device) throws Throwable {
        int regionDevice = region(device);
        long known = Accounting.REGION.contextBytes(regionDevice);
        if (known > 0) {
            return known;
        }
        long now = System.nanoTime();
        long until = now + MEASURE_CLAIM_NANOS;
        if (!Accounting.REGION.claimContextMeasurement(regionDevice, now, until)) {
            uncharged = true;
            return 0;
        }
        try {
            long measured = measure(device);
            if (measured > 0) {
                Accounting.REGION.recordContextBytes(regionDevice, measured);
                if (Log.enabled(Log.INFO)) {
                    Log.info("a CUDA context takes " + measured + " bytes on device " + device + " (measured once)");
                }
            }
        } finally {
            Accounting.REGION.releaseContextMeasurement(regionDevice, until);
        }
        return Accounting.REGION.contextBytes(regionDevice);
    }

    /**
     * The agent's periodic thread: charges the primary contexts that were found while another process was measuring
     * the context size, once it has recorded it. One volatile read when there are none.
     */
    public static void chargeLate() {
        if (uncharged) {
            uncharged = false;
            chargeExisting();
        }
    }

    /**
     * How much free device memory one more context takes: with the device's primary context current on this thread,
     * free memory before creating a throwaway context, with it, and after destroying it. Other processes allocating
     * meanwhile would skew a reading, so one counts only when the free memory is back where it started (within
     * {@link #MEASURE_TOLERANCE}), and the size only when two such readings agree; a size below the tolerance is no
     * measurable context (0: nothing recorded, the next process measures again).
     */
    private static long measure(int device) throws Throwable {
        long previous = -1;
        for (int attempt = 0; attempt < MEASURE_ATTEMPTS; attempt++) {
            long taken = measureOnce(device);
            if (taken < 0) {
                continue;
            }
            if (previous >= 0 && Math.abs(taken - previous) <= MEASURE_TOLERANCE) {
                long size = Math.min(taken, previous); // never charge more than was seen
                return size < MEASURE_TOLERANCE ? 0 : size;
            }
            previous = taken;
        }
        return 0;
    }

    /** One reading: bytes a throwaway context took, or -1 when the free memory moved for other reasons. */
    private static long measureOnce(int device) throws Throwable {
        long ctxSlot = SCRATCH.address();
        long freeSlot = ctxSlot + 8;
        long totalSlot = ctxSlot + 16;
        if (RETAIN.call(ctxSlot, device) != CUDA_SUCCESS) {
            return -1;
        }
        long primary = SCRATCH.get(ValueLayout.JAVA_LONG, 0);
        long taken = -1;
        if (Measure.PUSH.call(primary) == CUDA_SUCCESS) {
            if (Measure.GET_INFO.call(freeSlot, totalSlot) == CUDA_SUCCESS) {
                long before = SCRATCH.get(ValueLayout.JAVA_LONG, 8);
                if (CREATE_4.call(ctxSlot, 0L, 0, device) == CUDA_SUCCESS) {
                    long temporary = SCRATCH.get(ValueLayout.JAVA_LONG, 0);
                    long with = Measure.GET_INFO.call(freeSlot, totalSlot) == CUDA_SUCCESS
                            ? SCRATCH.get(ValueLayout.JAVA_LONG, 8) : -1;
                    int ignored = DESTROY.call(temporary); // also pops it
                    ignored = Measure.SET_CURRENT.call(primary); // the top again (drivers that clear it)
                    if (with >= 0 && Measure.GET_INFO.call(freeSlot, totalSlot) == CUDA_SUCCESS
                            && Math.abs(SCRATCH.get(ValueLayout.JAVA_LONG, 8) - before) <= MEASURE_TOLERANCE) {
                        taken = Math.max(0, before - with);
                    }
                }
            }
            int ignored = Measure.POP.call(ctxSlot);
        }
        int ignored = RELEASE.call(device);
        return taken;
    }

    private static boolean primaryActive(int device) throws Throwable {
        long flags = SCRATCH.address() + 24;
        long active = flags + 4;
        return GET_STATE.call(device, flags, active) == CUDA_SUCCESS
                && SCRATCH.get(ValueLayout.JAVA_INT, 28) != 0;
    }

    private static boolean valid(int device) {
        return device >= 0 && device < RegionLayout.DEVICE_CAPACITY;
    }
}
