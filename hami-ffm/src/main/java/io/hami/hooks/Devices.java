package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_NOT_INITIALIZED;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.region.Region;
import io.hami.region.RegionException;
import io.hami.region.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;

/**
 * Which device a call is about: the one place that turns a CUDA ordinal (the index this process sees after
 * {@code CUDA_VISIBLE_DEVICES}) into a region device (a physical GPU, known by its UUID; docs/memory.md). Every hook
 * asks here, so two tenants that see one GPU under different ordinals meet on one region device, and limits given per
 * visible index bind the GPU the program means.
 */
public final class Devices {
    private static volatile Devices current;

    private final Region region;
    private final Downcall init;
    private final Downcall count;
    private final Downcall uuid;
    /** Region device + 1 per ordinal, 0 until asked; a racing thread that sees 0 claims again and gets the same. */
    private final int[] regionOf = new int[RegionLayout.DEVICE_CAPACITY];

    public Devices(Function<String, MemorySegment> resolver, Region region) {
        this.region = region;
        this.init = Downcalls.real(resolver, CudaDriver.cuInit.NAME, CudaDriver.cuInit.DESC);
        this.count = Downcalls.real(resolver, CudaDriver.cuDeviceGetCount.NAME, CudaDriver.cuDeviceGetCount.DESC);
        this.uuid = Downcalls.real(resolver, CudaDriver.cuDeviceGetUuid_v2.NAME, CudaDriver.cuDeviceGetUuid_v2.DESC);
    }

    public static void set(Devices devices) {
        current = devices;
    }

    static Devices current() {
        Devices devices = current;
        if (devices == null) {
            throw new IllegalStateException("hooks used before the agent set their devices");
        }
        return devices;
    }

    /** The region device of CUDA ordinal {@code ordinal}, claimed by UUID on first use; -1 for no such device. */
    public int regionDevice(int ordinal) throws Throwable {
        if (ordinal < 0 || ordinal >= regionOf.length) {
            return -1;
        }
        int known = regionOf[ordinal];
        if (known != 0) {
            return known - 1;
        }
        byte[] id = uuidOf(ordinal);
        if (id == null) {
            return -1;
        }
        int device = region.claimDevice(id);
        regionOf[ordinal] = device + 1;
        return device;
    }

    /**
     * A launch's limits, given per visible index ({@code CUDA_DEVICE_MEMORY_LIMIT_<i>}, {@code --device-memory i=}),
     * as limits per region device for every device this process sees; a device it does not see gets none from it.
     */
    public long[] regionLimits(long[] visible) throws Throwable {
        long[] limits = new long[RegionLayout.DEVICE_CAPACITY];
        int devices = Math.min(deviceCount(), visible.length);
        for (int ordinal = 0; ordinal < devices; ordinal++) {
            int device = regionDevice(ordinal);
            if (device >= 0) {
                limits[device] = visible[ordinal];
            }
        }
        return limits;
    }

    /** How many devices this process sees. The boot may come before the program's cuInit (HAMI_HOOK_ALL): init is
     *  idempotent, so ask for it. */
    private int deviceCount() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            int result = count.call(out.address());
            if (result == CUDA_ERROR_NOT_INITIALIZED && init.call(0) == CUDA_SUCCESS) {
                result = count.call(out.address());
            }
            if (result != CUDA_SUCCESS) {
                throw new RegionException("the driver cannot list this process's GPUs (cuDeviceGetCount: " + result
                        + "), so their limits cannot be placed: check the driver with nvidia-smi");
            }
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private byte[] uuidOf(int ordinal) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(16);
            if (uuid.call(out.address(), ordinal) != CUDA_SUCCESS) {
                return null;
            }
            return out.toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
