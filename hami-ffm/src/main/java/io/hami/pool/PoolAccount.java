package io.hami.pool;

/**
 * What a pool's memory is counted against: the tenant's per-device limit in the shared region. A pool reserves each
 * chunk before the driver backs it and releases it when the chunk is given back, so its memory is counted exactly
 * once (the pool calls the real driver, never the hooked exports).
 */
public interface PoolAccount {
    /** Counts {@code bytes} on {@code device} if the limit allows; false (nothing counted) otherwise. */
    boolean tryReserve(int device, long bytes);

    /** Gives back bytes counted with {@link #tryReserve}. */
    void release(int device, long bytes);

    /** Bytes that could still be reserved on {@code device} now; {@link Long#MAX_VALUE} without a limit. */
    long headroom(int device);

    /** An account without a limit that counts nothing: for pools that nothing else shares a limit with. */
    PoolAccount UNLIMITED = new PoolAccount() {
        @Override
        public boolean tryReserve(int device, long bytes) {
            return true;
        }

        @Override
        public void release(int device, long bytes) {}

        @Override
        public long headroom(int device) {
            return Long.MAX_VALUE;
        }
    };
}
