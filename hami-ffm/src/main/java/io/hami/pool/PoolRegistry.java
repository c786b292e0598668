package io.hami.pool;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The pools of this process by handle, the opaque {@code void *pool} of the C ABI. A handle is never a valid address
 * (its top bits make it non-canonical on x86-64) and is never reused: it carries a generation, so a call with the
 * handle of a destroyed pool finds nothing and returns {@code CUDA_ERROR_INVALID_VALUE}, even once another pool took
 * its slot.
 */
public final class PoolRegistry {
    public static final int CAPACITY = 1024;
    private static final long TAG = 0x4850L << 48; // "HP"
    private static final Object RESERVED = new Object();
    private static final AtomicReferenceArray<Object> SLOTS = new AtomicReferenceArray<>(CAPACITY);
    private static final AtomicLong GENERATION = new AtomicLong();

    private PoolRegistry() {}

    /** Claims a slot and returns a fresh handle for it, or 0 when every slot is taken. */
    static long reserve() {
        for (int i = 0; i < CAPACITY; i++) {
            if (SLOTS.get(i) == null && SLOTS.compareAndSet(i, null, RESERVED)) {
                long generation = GENERATION.incrementAndGet() & 0xFFFF_FFFFL;
                return TAG | generation << 16 | i;
            }
        }
        return 0;
    }

    static void publish(long handle, BlockPool pool) {
        SLOTS.set(slot(handle), pool);
    }

    static void unreserve(long handle) {
        SLOTS.compareAndSet(slot(handle), RESERVED, null);
    }

    static void remove(long handle, BlockPool pool) {
        SLOTS.compareAndSet(slot(handle), pool, null);
    }

    private static int slot(long handle) {
        return (int) (handle & 0xFFFF);
    }

    /** The live pool with this handle, or null. */
    public static BlockPool find(long handle) {
        if ((handle & 0xFFFF_0000_0000_0000L) != TAG) {
            return null;
        }
        int slot = slot(handle);
        if (slot >= CAPACITY) {
            return null;
        }
        return SLOTS.get(slot) instanceof BlockPool pool && pool.handle() == handle ? pool : null;
    }

    /** Every live pool (for diagnosis). */
    public static java.util.List<BlockPool> pools() {
        java.util.List<BlockPool> live = new java.util.ArrayList<>();
        for (int i = 0; i < CAPACITY; i++) {
            if (SLOTS.get(i) instanceof BlockPool pool) {
                live.add(pool);
            }
        }
        return live;
    }
}
