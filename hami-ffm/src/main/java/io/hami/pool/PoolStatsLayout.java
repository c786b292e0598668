package io.hami.pool;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code hami_pool_stats} of {@code include/hami.h}, byte by byte; {@code PoolStatsLayoutTest} has gcc check every
 * offset against the header.
 *
 * <pre>
 *   0 uint64 block_bytes        8 uint64 max_blocks        16 uint64 capacity_blocks   24 uint64 blocks_in_use
 *  32 uint64 reserved_bytes    40 uint64 growth_steps      48 uint64 shrink_steps      56 uint64 pressure_events
 *  64 uint64 failed_allocs     72 uint64 chunk_blocks      80 uint64 reserved_blocks   88 int32  device
 *  92 uint32 flags             96 uint64 spare[4] (zero)  128 end
 * </pre>
 */
public final class PoolStatsLayout {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("block_bytes"),
            ValueLayout.JAVA_LONG.withName("max_blocks"),
            ValueLayout.JAVA_LONG.withName("capacity_blocks"),
            ValueLayout.JAVA_LONG.withName("blocks_in_use"),
            ValueLayout.JAVA_LONG.withName("reserved_bytes"),
            ValueLayout.JAVA_LONG.withName("growth_steps"),
            ValueLayout.JAVA_LONG.withName("shrink_steps"),
            ValueLayout.JAVA_LONG.withName("pressure_events"),
            ValueLayout.JAVA_LONG.withName("failed_allocs"),
            ValueLayout.JAVA_LONG.withName("chunk_blocks"),
            ValueLayout.JAVA_LONG.withName("reserved_blocks"),
            ValueLayout.JAVA_INT.withName("device"),
            ValueLayout.JAVA_INT.withName("flags"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_LONG).withName("spare")).withName("hami_pool_stats");

    public static final long SIZE = 128;

    private PoolStatsLayout() {}

    public static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /** Writes {@code stats} into a {@code hami_pool_stats} at {@code out} (all {@link #SIZE} bytes). */
    public static void write(PoolStats stats, MemorySegment out) {
        out.set(ValueLayout.JAVA_LONG, 0, stats.blockBytes());
        out.set(ValueLayout.JAVA_LONG, 8, stats.maxBlocks());
        out.set(ValueLayout.JAVA_LONG, 16, stats.capacityBlocks());
        out.set(ValueLayout.JAVA_LONG, 24, stats.blocksInUse());
        out.set(ValueLayout.JAVA_LONG, 32, stats.reservedBytes());
        out.set(ValueLayout.JAVA_LONG, 40, stats.growthSteps());
        out.set(ValueLayout.JAVA_LONG, 48, stats.shrinkSteps());
        out.set(ValueLayout.JAVA_LONG, 56, stats.pressureEvents());
        out.set(ValueLayout.JAVA_LONG, 64, stats.failedAllocations());
        out.set(ValueLayout.JAVA_LONG, 72, stats.chunkBlocks());
        out.set(ValueLayout.JAVA_LONG, 80, stats.reservedBlocks());
        out.set(ValueLayout.JAVA_INT, 88, stats.device());
        out.set(ValueLayout.JAVA_INT, 92, stats.flags());
        out.asSlice(96, 32).fill((byte) 0);
    }
}
