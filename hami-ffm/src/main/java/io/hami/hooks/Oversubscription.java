package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static io.hami.hooks.Accounting.NATIVE;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.AllocationTable;
import io.hami.limits.ByteSize;
import io.hami.log.Log;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code CUDA_OVERSUBSCRIBE=true} ({@code hami-run --oversubscribe}): a {@code cuMemAlloc} the limit refuses is served
 * as managed memory that stays in host RAM (preferred location: the CPU; accessed by the device, so the GPU reads it
 * over the bus instead of migrating pages in). The job runs slower instead of failing, and what it holds on the device
 * stays within its limit. Such memory is not charged to the device; it is counted as host-resident (per device here,
 * in total on the process slot for {@code hami-run status}), and its {@code cuMemFree} gives that back
 * (docs/memory.md).
 */
final class Oversubscription {
    static final String VARIABLE = "CUDA_OVERSUBSCRIBE";
    static final boolean ENABLED = enabled(System.getenv(VARIABLE));

    private static final int ATTACH_GLOBAL = 1; // CU_MEM_ATTACH_GLOBAL
    private static final int ADVISE_SET_PREFERRED_LOCATION = 3; // CU_MEM_ADVISE_SET_PREFERRED_LOCATION
    private static final int ADVISE_SET_ACCESSED_BY = 5; // CU_MEM_ADVISE_SET_ACCESSED_BY
    private static final int LOCATION_DEVICE = 1; // CU_MEM_LOCATION_TYPE_DEVICE
    private static final int LOCATION_HOST = 2; // CU_MEM_LOCATION_TYPE_HOST

    /**
     * The driver calls that serve memory, linked when memory is first served: every allocation reads {@link #ENABLED},
     * and linking these at that first read cost the first allocation of every process ~20 ms (docs/startup.md).
     */
    private static final class Served {
        static final Downcall MANAGED =
                Accounting.real(CudaDriver.cuMemAllocManaged.NAME, CudaDriver.cuMemAllocManaged.DESC);
        static final MethodHandle ADVISE =
                Accounting.typed(CudaDriver.cuMemAdvise_v2.NAME, CudaDriver.cuMemAdvise_v2.DESC);
        static final Downcall FREE = Accounting.real(CudaDriver.cuMemFree_v2.NAME, CudaDriver.cuMemFree_v2.DESC);
        /** A CUmemLocation {type, id} per thread, passed by value. */
        static final ThreadLocal<MemorySegment> LOCATION = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 4));

        private Served() {}
    }

    private static final AllocationTable HOST_RESIDENT = new AllocationTable();
    private static final AtomicLongArray HOST_BYTES = new AtomicLongArray(io.hami.region.RegionLayout.DEVICE_CAPACITY);
    private static final AtomicBoolean SHOWN = new AtomicBoolean();

    private Oversubscription() {}

    /** HAMi's spelling is {@code true}; {@code 1} is taken too. Anything else but unset, false or 0 is said once. */
    static boolean enabled(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("false") || value.equals("0")) {
            return false;
        }
        if (value.equalsIgnoreCase("true") || value.equals("1")) {
            return true;
        }
        Log.warn(VARIABLE + "=" + value + " is not understood, oversubscription stays off: set it to true or false");
        return false;
    }

    /**
     * Serves {@code bytes} the limit refused on {@code device} from host memory; the driver's refusal, or
     * CUDA_ERROR_OUT_OF_MEMORY when the memory cannot be pinned to the host side.
     */
    static int allocate(int device, long dptr, long bytes) throws Throwable {
        int result = Served.MANAGED.call(dptr, bytes, ATTACH_GLOBAL);
        if (result != CUDA_SUCCESS) {
            return result;
        }
        long pointer = NATIVE.get(ValueLayout.JAVA_LONG, dptr);
        int ordinal = Accounting.currentOrdinal(); // the advice names the device as CUDA does, not as the region
        if (advise(pointer, bytes, ADVISE_SET_PREFERRED_LOCATION, LOCATION_HOST, 0) != CUDA_SUCCESS
                || advise(pointer, bytes, ADVISE_SET_ACCESSED_BY, LOCATION_DEVICE, ordinal) != CUDA_SUCCESS) {
            int ignored = Served.FREE.call(pointer); // left to migrate, it would take device memory unseen
            return CUDA_ERROR_OUT_OF_MEMORY;
        }
        HOST_RESIDENT.put(pointer, AllocationTable.pack(device, bytes));
        long total = HOST_BYTES.addAndGet(device, bytes);
        Accounting.REGION.addSlotHostResident(Accounting.SLOT, bytes); // shown by hami-run status
        if (SHOWN.compareAndSet(false, true)) {
            Log.info("oversubscription: allocations beyond the limit on device " + device
                    + " are served from host memory (" + ByteSize.format(total) + " so far)");
        }
        return CUDA_SUCCESS;
    }

    /** Before a free of a pointer the device books do not know: forgets it if it was served from the host. */
    static long forget(long pointer) {
        return ENABLED && pointer != 0 ? HOST_RESIDENT.remove(pointer) : AllocationTable.MISSING;
    }

    /** After that free: counts the bytes off, or remembers the pointer again when the driver refused. */
    static void settleFree(int result, long pointer, long entry) {
        if (entry == AllocationTable.MISSING) {
            return;
        }
        if (result == CUDA_SUCCESS) {
            HOST_BYTES.addAndGet(AllocationTable.device(entry), -AllocationTable.bytes(entry));
            if (!Accounting.detached()) {
                Accounting.REGION.addSlotHostResident(Accounting.SLOT, -AllocationTable.bytes(entry));
            }
        } else {
            HOST_RESIDENT.put(pointer, entry);
        }
    }

    /** Bytes this process holds in host memory for {@code device} through oversubscription. */
    static long hostResident(int device) {
        return HOST_BYTES.get(device);
    }

    private static int advise(long pointer, long bytes, int advice, int type, int id) throws Throwable {
        MemorySegment location = Served.LOCATION.get();
        location.set(ValueLayout.JAVA_INT, 0, type);
        location.set(ValueLayout.JAVA_INT, 4, id);
        return (int) Served.ADVISE.invokeExact(pointer, bytes, advice, location);
    }
}
