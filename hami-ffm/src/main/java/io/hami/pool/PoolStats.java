package io.hami.pool;

/**
 * A snapshot of a pool, the fields of {@code hami_pool_stats} in {@code include/hami.h} (offsets in
 * {@link PoolStatsLayout}). Counters are read one by one while other threads may allocate: each is exact, together
 * they are a moment's picture.
 *
 * @param blockBytes bytes per block (the requested size rounded up to 256)
 * @param maxBlocks the cap
 * @param capacityBlocks blocks backed by device memory now
 * @param blocksInUse blocks handed out and not freed
 * @param reservedBytes bytes the pool holds against the tenant's limit (what the driver holds for its chunks)
 * @param growthSteps chunks backed since creation (creation's own included)
 * @param shrinkSteps chunks given back since creation
 * @param pressureEvents threshold crossings and refusals reported
 * @param failedAllocations allocations and reservations refused
 * @param chunkBlocks blocks per growth step
 * @param reservedBlocks the free blocks the last {@code reserve} asked to keep
 * @param device the device ordinal
 * @param flags {@link #VMM} when chunks are mapped into one address range
 */
public record PoolStats(long blockBytes, long maxBlocks, long capacityBlocks, long blocksInUse, long reservedBytes,
                        long growthSteps, long shrinkSteps, long pressureEvents, long failedAllocations,
                        long chunkBlocks, long reservedBlocks, int device, int flags) {
    /** Flag: the pool's memory comes from VMM (cuMemCreate/cuMemMap), not one cuMemAlloc per chunk. */
    public static final int VMM = 1;

    public long freeBlocks() {
        return capacityBlocks - blocksInUse;
    }

    public boolean vmm() {
        return (flags & VMM) != 0;
    }
}
