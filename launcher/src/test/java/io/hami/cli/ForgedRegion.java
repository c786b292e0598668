package io.hami.cli;

import static io.hami.region.RegionLayout.SLOT_COMMAND_OFFSET;
import static io.hami.region.RegionLayout.SLOT_PID_OFFSET;
import static io.hami.region.RegionLayout.SLOT_STATE_OFFSET;
import static io.hami.region.RegionLayout.SLOT_TENANT_OFFSET;
import static io.hami.region.RegionLayout.STATE_ACTIVE;
import static io.hami.region.RegionLayout.slotOffset;
import static io.hami.region.RegionLayout.slotUsedOffset;
import static io.hami.region.RegionLayout.tenantUsedOffset;

import io.hami.region.Region;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Region contents written directly, as processes (live or killed) would have left them. */
final class ForgedRegion {
    private ForgedRegion() {}

    /**
     * An ACTIVE slot whose process holds no lock: what a SIGKILLed process leaves until someone reclaims it. Its
     * usage is counted on the tenant as the memory protocol would have.
     */
    static void deadSlot(Region region, int slot, int tenant, long pid, String command, int device, long used) {
        MemorySegment segment = region.segment();
        long base = slotOffset(slot);
        segment.set(ValueLayout.JAVA_INT, base + SLOT_TENANT_OFFSET, tenant);
        segment.set(ValueLayout.JAVA_LONG, base + SLOT_PID_OFFSET, pid);
        byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(MemorySegment.ofArray(new byte[64]), 0, segment, base + SLOT_COMMAND_OFFSET, 64);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, base + SLOT_COMMAND_OFFSET,
                Math.min(bytes.length, 63));
        segment.set(ValueLayout.JAVA_LONG, slotUsedOffset(slot, device), used);
        segment.set(ValueLayout.JAVA_LONG, tenantUsedOffset(tenant, device),
                segment.get(ValueLayout.JAVA_LONG, tenantUsedOffset(tenant, device)) + used);
        segment.set(ValueLayout.JAVA_INT, base + SLOT_STATE_OFFSET, STATE_ACTIVE);
    }

    /** An ACTIVE device record with its UUID bytes, as the first process on that GPU leaves it. */
    static void device(Region region, int device, byte[] uuid) {
        MemorySegment segment = region.segment();
        long base = io.hami.region.RegionLayout.deviceOffset(device);
        MemorySegment.copy(MemorySegment.ofArray(uuid), 0, segment,
                base + io.hami.region.RegionLayout.DEVICE_UUID_OFFSET, uuid.length);
        segment.set(ValueLayout.JAVA_INT, base + io.hami.region.RegionLayout.DEVICE_STATE_OFFSET, STATE_ACTIVE);
    }

    /** A tenant's compute line on a device, as its launches leave it. */
    static void compute(Region region, int tenant, int device, long gpuNanos, long waitNanos, long launches,
            long throttled) {
        MemorySegment segment = region.segment();
        long line = io.hami.region.RegionLayout.computeOffset(tenant, device);
        segment.set(ValueLayout.JAVA_LONG, line + io.hami.region.RegionLayout.COMPUTE_GPU_NANOS_OFFSET, gpuNanos);
        segment.set(ValueLayout.JAVA_LONG, line + io.hami.region.RegionLayout.COMPUTE_WAIT_NANOS_OFFSET, waitNanos);
        segment.set(ValueLayout.JAVA_LONG, line + io.hami.region.RegionLayout.COMPUTE_LAUNCHES_OFFSET, launches);
        segment.set(ValueLayout.JAVA_LONG, line + io.hami.region.RegionLayout.COMPUTE_THROTTLED_OFFSET, throttled);
    }

    /** Limits on the devices given as pairs: {@code limits(0, 8g, 3, 2g)}. */
    static long[] limits(long... pairs) {
        long[] limits = new long[16];
        for (int i = 0; i < pairs.length; i += 2) {
            limits[(int) pairs[i]] = pairs[i + 1];
        }
        return limits;
    }

    static long[] everywhere(long bytes) {
        long[] limits = new long[16];
        java.util.Arrays.fill(limits, bytes);
        return limits;
    }
}
