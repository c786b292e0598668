package io.hami.pool;

import io.hami.region.Region;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pools counted on this process's slot of its tenant in the shared region, with the memory protocol of
 * {@link Region#tryReserve} (docs/region.md): a CAS against the tenant's limit before the driver is called. A refusal
 * first takes back, at most every 100 ms, what dead processes still held (as the memory hooks do).
 */
public final class RegionAccount implements PoolAccount {
    private static final long RECLAIM_INTERVAL_NANOS = 100_000_000L;

    private final Region region;
    private final int tenant;
    private final int slot;
    private final AtomicLong lastReclaim = new AtomicLong(System.nanoTime() - RECLAIM_INTERVAL_NANOS);
    private volatile boolean detached;

    public RegionAccount(Region region, int tenant, int slot) {
        this.region = region;
        this.tenant = tenant;
        this.slot = slot;
    }

    @Override
    public boolean tryReserve(int device, long bytes) {
        if (detached) {
            return false;
        }
        if (region.tryReserve(tenant, slot, device, bytes)) {
            return true;
        }
        long last = lastReclaim.get();
        long now = System.nanoTime();
        return now - last >= RECLAIM_INTERVAL_NANOS && lastReclaim.compareAndSet(last, now)
                && region.reclaimDeadSlots() > 0 && region.tryReserve(tenant, slot, device, bytes);
    }

    @Override
    public void release(int device, long bytes) {
        if (!detached) {
            region.release(tenant, slot, device, bytes);
        }
    }

    @Override
    public long headroom(int device) {
        long limit = region.limit(tenant, device);
        return limit == 0 ? Long.MAX_VALUE : Math.max(0, limit - region.used(tenant, device));
    }

    /**
     * At exit, once the slot is about to be released with everything counted on it: later releases (a pool destroyed
     * by a static destructor) must not subtract a second time, and nothing more may be reserved.
     */
    public void detach() {
        detached = true;
    }
}
