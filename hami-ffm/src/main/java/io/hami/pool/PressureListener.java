package io.hami.pool;

/**
 * Told, on the allocating thread, that a pool is under pressure: its use crossed the threshold of what it can reach
 * (its cap, or what the tenant's limit still allows it to grow to), or an allocation or reservation was refused. A
 * server evicts or queues here instead of meeting an out-of-memory error. Called without any pool lock held: it may
 * free, allocate and reserve. It must not throw (what it throws is logged and dropped).
 */
@FunctionalInterface
public interface PressureListener {
    /**
     * @param pool the pool
     * @param freeBlocks blocks it can still hand out, growth within the limit included
     */
    void onPressure(BlockPool pool, long freeBlocks);
}
