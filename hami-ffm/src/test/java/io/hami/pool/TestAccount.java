package io.hami.pool;

import java.util.concurrent.atomic.AtomicLong;

/** A tenant's limit on one counter, with the region's CAS rule: never above the limit, never below zero. */
final class TestAccount implements PoolAccount {
    final long limit;
    final AtomicLong used = new AtomicLong();
    final AtomicLong highWater = new AtomicLong();

    TestAccount(long limit) {
        this.limit = limit;
    }

    @Override
    public boolean tryReserve(int device, long bytes) {
        while (true) {
            long u = used.get();
            if (limit != 0 && u + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                highWater.accumulateAndGet(u + bytes, Math::max);
                return true;
            }
        }
    }

    @Override
    public void release(int device, long bytes) {
        if (used.addAndGet(-bytes) < 0) {
            throw new AssertionError("released more than was reserved");
        }
    }

    @Override
    public long headroom(int device) {
        return limit == 0 ? Long.MAX_VALUE : Math.max(0, limit - used.get());
    }
}
