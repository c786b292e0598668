package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.AllocationTable;
import io.hami.log.Log;
import io.hami.region.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Graph memory nodes ({@code cudaGraphAddMemAllocNode}, stream capture of {@code cudaMallocAsync}): the driver backs
 * them from a per-device graph memory pool of the process that grows when a graph is launched and shrinks only when
 * trimmed. The tenant is charged that pool's physical size, {@code CU_GRAPH_MEM_ATTR_RESERVED_MEM_CURRENT}, read
 * around each launch. Called by the graph launch hooks ({@code cuGraphLaunch}, {@code _ptsz}) on the launching
 * thread, {@link #beforeLaunch} before the real call and {@link #afterLaunch} after it:
 *
 * <ul>
 *   <li>before: the pool size this graph exec needed the last time it ran is known; if the pool is smaller now
 *       (trimmed), the difference is reserved first, and a launch the limit cannot hold is refused with
 *       CUDA_ERROR_OUT_OF_MEMORY. A graph's first launch cannot be known ahead: it is charged after.
 *   <li>after: the pre-reservation is given back and the charge follows the pool to its current size (a growth the
 *       limit did not foresee is charged all the same: the driver already holds it, and later allocations are
 *       refused until it is back under the limit); the exec's need is remembered.
 * </ul>
 *
 * A trim ({@code cuDeviceGraphMemTrim}, or the driver returning memory on its own) is seen at the next launch.
 */
public final class GraphMemory {
    private static final int RESERVED_MEM_CURRENT = 2; // CU_GRAPH_MEM_ATTR_RESERVED_MEM_CURRENT

    private static final Downcall ATTRIBUTE = Accounting.real(CudaDriver.cuDeviceGetGraphMemAttribute.NAME,
            CudaDriver.cuDeviceGetGraphMemAttribute.DESC);
    /** Graph exec → (device, pool size after its last launch). */
    private static final AllocationTable NEEDS = new AllocationTable();
    /** Pool bytes charged per device; guarded by itself. */
    private static final long[] CHARGED = new long[RegionLayout.DEVICE_CAPACITY];
    /** The launching thread's pre-reservation: {device, bytes}, between before and after. */
    private static final ThreadLocal<long[]> PENDING = ThreadLocal.withInitial(() -> new long[2]);
    private static final ThreadLocal<MemorySegment> VALUE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 8));
    private static final AtomicBoolean OVERSHOOT_SHOWN = new AtomicBoolean();

    private GraphMemory() {}

    /** CUDA_SUCCESS to go on with the launch, or the refusal to return instead of launching. */
    public static int beforeLaunch(long graphExec, long stream) {
        try {
            long[] pending = PENDING.get();
            pending[1] = 0;
            int ordinal = Accounting.currentOrdinal();
            int device = Accounting.DEVICES.regionDevice(ordinal);
            if (device < 0 || Accounting.detached()) {
                return CUDA_SUCCESS;
            }
            long pool = follow(device, ordinal);
            long need = NEEDS.get(graphExec);
            long missing = need == AllocationTable.MISSING ? 0 : AllocationTable.bytes(need) - pool;
            if (missing > 0) {
                if (!Accounting.tryReserve(device, missing)) {
                    return Accounting.refuse(device, missing);
                }
                pending[0] = device;
                pending[1] = missing;
            }
            return CUDA_SUCCESS;
        } catch (Throwable t) {
            return Accounting.failure("graph launch (memory)", t);
        }
    }

    /** After the real launch returned {@code result}. */
    public static void afterLaunch(long graphExec, long stream, int result) {
        try {
            long[] pending = PENDING.get();
            if (pending[1] > 0) {
                Accounting.release((int) pending[0], pending[1]);
                pending[1] = 0;
            }
            int ordinal = Accounting.currentOrdinal();
            int device = Accounting.DEVICES.regionDevice(ordinal);
            if (device < 0 || Accounting.detached()) {
                return;
            }
            long pool = follow(device, ordinal);
            if (result == CUDA_SUCCESS && graphExec != 0) {
                NEEDS.put(graphExec, AllocationTable.pack(device, pool));
            }
        } catch (Throwable t) {
            Accounting.failure("graph launch (memory)", t);
        }
    }

    /** Bytes of graph memory pool charged for {@code device} by this process. */
    static long charged(int device) {
        synchronized (CHARGED) {
            return CHARGED[device];
        }
    }

    /** Moves the region device's charge to the pool's current size (asked by CUDA ordinal); returns that size. */
    private static long follow(int device, int ordinal) throws Throwable {
        MemorySegment value = VALUE.get();
        if (ATTRIBUTE.call(ordinal, RESERVED_MEM_CURRENT, value.address()) != CUDA_SUCCESS) {
            return charged(device); // no answer: nothing to learn
        }
        long pool = value.get(ValueLayout.JAVA_LONG, 0);
        synchronized (CHARGED) {
            long delta = pool - CHARGED[device];
            if (delta > 0 && !Accounting.tryReserve(device, delta)) {
                Accounting.charge(device, delta);
                if (OVERSHOOT_SHOWN.compareAndSet(false, true)) {
                    Log.warn("a graph launch grew the graph memory pool of device " + device + " past the limit of "
                            + "tenant '" + Accounting.REGION.tenantName(Accounting.TENANT) + "'; it stays charged, "
                            + "so allocations are refused until it is freed (cuDeviceGraphMemTrim)");
                }
            } else if (delta < 0) {
                Accounting.release(device, -delta);
            }
            CHARGED[device] = pool;
        }
        return pool;
    }
}
