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
