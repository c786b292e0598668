package io.hami.cli;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.region.Region;
import io.hami.region.RegionException;
import io.hami.region.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UUIDs of the GPUs a command will see, in its order: asked of the driver itself under the command's
 * {@code CUDA_VISIBLE_DEVICES}, so every form CUDA accepts (reordered, subsets, UUIDs, MIG) maps as CUDA maps it,
 * with no parser of ours. Only needed when a launch's limits differ between devices (docs/memory.md).
 */
final class VisibleGpus {
    private VisibleGpus() {}

    /** The UUIDs (16 bytes each) by visible index, or null where the driver cannot be loaded or initialized. */
    static List<byte[]> query() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", arena);
            Linker linker = Linker.nativeLinker();
            MethodHandle init = linker.downcallHandle(cuda.findOrThrow(CudaDriver.cuInit.NAME), CudaDriver.cuInit.DESC);
            MethodHandle count = linker.downcallHandle(cuda.findOrThrow(CudaDriver.cuDeviceGetCount.NAME),
                    CudaDriver.cuDeviceGetCount.DESC);
            MethodHandle uuid = linker.downcallHandle(cuda.findOrThrow(CudaDriver.cuDeviceGetUuid_v2.NAME),
                    CudaDriver.cuDeviceGetUuid_v2.DESC);
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            if ((int) init.invokeExact(0) != CudaDriver.CUDA_SUCCESS
                    || (int) count.invokeExact(n) != CudaDriver.CUDA_SUCCESS) {
                return null;
            }
            List<byte[]> uuids = new ArrayList<>();
            MemorySegment out = arena.allocate(16);
            for (int i = 0; i < n.get(ValueLayout.JAVA_INT, 0); i++) {
                if ((int) uuid.invokeExact(out, i) != CudaDriver.CUDA_SUCCESS) {
                    return null;
                }
                uuids.add(out.toArray(ValueLayout.JAVA_BYTE));
            }
            return uuids;
        } catch (Throwable e) {
            return null; // no driver here: the launch places limits by index (docs/memory.md)
        }
    }

    /** True when every device has the same limit: then no mapping is needed, and the driver is not touched. */
    static boolean uniform(long[] limits) {
        for (long limit : limits) {
            if (limit != limits[0]) {
                return false;
            }
        }
        return true;
    }

    /** Limits asked per visible index, placed on the region devices of those GPUs (claimed by UUID). */
    static long[] place(Region region, List<byte[]> gpus, long[] visible) throws RegionException {
        return place(region, gpus, visible, 0);
    }

    /** {@link #place}, with {@code elsewhere} on the region devices no visible index names. */
    static long[] place(Region region, List<byte[]> gpus, long[] visible, long elsewhere) throws RegionException {
        long[] placed = new long[RegionLayout.DEVICE_CAPACITY];
        Arrays.fill(placed, elsewhere);
        for (int i = 0; i < gpus.size() && i < visible.length; i++) {
            placed[region.claimDevice(gpus.get(i))] = visible[i];
        }
        return placed;
    }

    /** A tenant's limits per region device, as the command sees them: per visible index (its environment's). */
    static long[] view(Region region, List<byte[]> gpus, long[] recorded) throws RegionException {
        long[] visible = new long[RegionLayout.DEVICE_CAPACITY];
        for (int i = 0; i < gpus.size() && i < visible.length; i++) {
            visible[i] = recorded[region.claimDevice(gpus.get(i))];
        }
        return visible;
    }
}
