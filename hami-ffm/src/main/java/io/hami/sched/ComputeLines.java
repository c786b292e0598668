package io.hami.sched;

import static io.hami.region.RegionLayout.COMPUTE_BANDWIDTH_LIMIT_OFFSET;
import static io.hami.region.RegionLayout.COMPUTE_BANDWIDTH_SCALE_OFFSET;
import static io.hami.region.RegionLayout.COMPUTE_COST_SCALE_OFFSET;
import static io.hami.region.RegionLayout.COMPUTE_GPU_NANOS_OFFSET;
import static io.hami.region.RegionLayout.COMPUTE_LAUNCHES_OFFSET;
import static io.hami.region.RegionLayout.COMPUTE_QUEUE_END_OFFSET;
import static io.hami.region.RegionLayout.COMPUTE_TAT_OFFSET;
import static io.hami.region.RegionLayout.COMPUTE_THROTTLED_OFFSET;
import static io.hami.region.RegionLayout.COMPUTE_WAIT_NANOS_OFFSET;
import static io.hami.region.RegionLayout.DEVICE_HIGH_ACTIVE_UNTIL_OFFSET;
import static io.hami.region.RegionLayout.DEVICE_HIGH_BUSY_UNTIL_OFFSET;
import static io.hami.region.RegionLayout.computeOffset;
import static io.hami.region.RegionLayout.deviceOffset;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The region's compute lines and the devices' priority fields (docs/region.md, "The compute protocol"): every
 * operation is one atomic on the mapped file, so all processes of all tenants schedule against the same state and
 * nobody ever holds a lock.
 */
public final class ComputeLines {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment segment;

    public ComputeLines(MemorySegment segment) {
        this.segment = segment;
    }

    /**
     * Books {@code increment} ns of the tenant's schedule on a device (GCRA: one CAS on its theoretical arrival
     * time) and returns the time the booked turn starts: the caller may launch once {@code now >= start - burst}.
     */
    public long book(int tenant, int device, long now, long increment) {
        long tat = computeOffset(tenant, device) + COMPUTE_TAT_OFFSET;
        while (true) {
            long current = (long) LONG.getVolatile(segment, tat);
            long start = Math.max(current, now);
            if (LONG.compareAndSet(segment, tat, current, start + increment)) {
                return start;
            }
        }
    }

    /**
     * A launch of {@code gpuNanos} queued at {@code now}: the tenant's work on the device is expected to be done that
     * much later than what it queued before, or than now (one CAS).
     */
    public void extendQueue(int tenant, int device, long now, long gpuNanos) {
        long end = computeOffset(tenant, device) + COMPUTE_QUEUE_END_OFFSET;
        while (true) {
            long current = (long) LONG.getVolatile(segment, end);
            if (LONG.compareAndSet(segment, end, current, Math.max(current, now) + gpuNanos)) {
                return;
            }
        }
    }

    /** When the tenant's launched work on the device is expected to be done (0 before its first paced launch). */
    public long queueEnd(int tenant, int device) {
        return (long) LONG.getVolatile(segment, computeOffset(tenant, device) + COMPUTE_QUEUE_END_OFFSET);
    }

    /** The launch statistics status shows: one launch of {@code gpuNanos}, which waited {@code waitedNanos}. */
    public void count(int tenant, int device, long gpuNanos, long waitedNanos) {
        long line = computeOffset(tenant, device);
        LONG.getAndAdd(segment, line + COMPUTE_LAUNCHES_OFFSET, 1L);
        LONG.getAndAdd(segment, line + COMPUTE_GPU_NANOS_OFFSET, gpuNanos);
        if (waitedNanos > 0) {
            LONG.getAndAdd(segment, line + COMPUTE_WAIT_NANOS_OFFSET, waitedNanos);
            LONG.getAndAdd(segment, line + COMPUTE_THROTTLED_OFFSET, 1L);
        }
    }

    public long launches(int tenant, int device) {
        return (long) LONG.getVolatile(segment, computeOffset(tenant, device) + COMPUTE_LAUNCHES_OFFSET);
    }

    public long gpuNanos(int tenant, int device) {
        return (long) LONG.getVolatile(segment, computeOffset(tenant, device) + COMPUTE_GPU_NANOS_OFFSET);
    }

    public long waitNanos(int tenant, int device) {
        return (long) LONG.getVolatile(segment, computeOffset(tenant, device) + COMPUTE_WAIT_NANOS_OFFSET);
    }

    public long throttled(int tenant, int device) {
        return (long) LONG.getVolatile(segment, computeOffset(tenant, device) + COMPUTE_THROTTLED_OFFSET);
    }

    /** DRAM bandwidth limit in percent, 0 = none. */
    public int bandwidthLimit(int tenant, int device) {
        return (int) INT.getVolatile(segment, computeOffset(tenant, device) + COMPUTE_BANDWIDTH_LIMIT_OFFSET);
    }

    public void setBandwidthLimit(int tenant, int device, int percent) {
        INT.setVolatile(segment, computeOffset(tenant, device) + COMPUTE_BANDWIDTH_LIMIT_OFFSET, percent);
    }

    /** What the bandwidth controller lets of the SM share, per mille (1000 when it has not acted). */
    public int bandwidthScale(int tenant, int device) {
        int scale = (int) INT.getVolatile(segment, computeOffset(tenant, device) + COMPUTE_BANDWIDTH_SCALE_OFFSET);
        return scale <= 0 ? 1000 : scale;
    }

    public void setBandwidthScale(int tenant, int device, int perMille) {
        INT.setVolatile(segment, computeOffset(tenant, device) + COMPUTE_BANDWIDTH_SCALE_OFFSET, perMille);
    }

    /** What the busy-time correction lets of the estimated launch costs, per mille (1000 when it has not acted). */
    public int costScale(int tenant, int device) {
        int scale = (int) INT.getVolatile(segment, computeOffset(tenant, device) + COMPUTE_COST_SCALE_OFFSET);
        return scale <= 0 ? 1000 : scale;
    }

    public void setCostScale(int tenant, int device, int perMille) {
        INT.setVolatile(segment, computeOffset(tenant, device) + COMPUTE_COST_SCALE_OFFSET, perMille);
    }

    /**
     * A high-priority launch of {@code gpuNanos}: the device counts as having high-priority work until
     * {@code now + window}, and the high-priority queue as busy for {@code gpuNanos} more.
     */
    public void markHigh(int device, long now, long gpuNanos, long window) {
        long base = deviceOffset(device);
        long active = base + DEVICE_HIGH_ACTIVE_UNTIL_OFFSET;
        // pushed forward only when it moved by a tenth of the window: the line stays shared-read most of the time
        if ((long) LONG.getOpaque(segment, active) < now + window - window / 10) {
            LONG.setVolatile(segment, active, now + window);
        }
        long busy = base + DEVICE_HIGH_BUSY_UNTIL_OFFSET;
        while (true) {
            long current = (long) LONG.getVolatile(segment, busy);
            if (LONG.compareAndSet(segment, busy, current, Math.max(current, now) + gpuNanos)) {
                return;
            }
        }
    }

    public long highActiveUntil(int device) {
        return (long) LONG.getVolatile(segment, deviceOffset(device) + DEVICE_HIGH_ACTIVE_UNTIL_OFFSET);
    }

    public long highBusyUntil(int device) {
        return (long) LONG.getVolatile(segment, deviceOffset(device) + DEVICE_HIGH_BUSY_UNTIL_OFFSET);
    }
}
