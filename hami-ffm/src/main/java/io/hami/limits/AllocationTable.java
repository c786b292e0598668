package io.hami.limits;

/**
 * The process's live allocations: device pointer to (device, accounted bytes), so a free releases exactly what its
 * allocation reserved. Striped open addressing over primitive arrays: no boxing and no allocation per call; a stripe
 * lock is held for a few array reads, and threads rarely meet on one of 64 stripes.
 */
public final class AllocationTable {
    /** Returned by {@link #remove} for a pointer this process never counted. */
    public static final long MISSING = -1;

    private static final int STRIPES = 64;
    private static final int DEVICE_SHIFT = 56;
    private static final long SIZE_MASK = (1L << DEVICE_SHIFT) - 1;

    private final Stripe[] stripes = new Stripe[STRIPES];

    public AllocationTable() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    public static long pack(int device, long bytes) {
        return ((long) device << DEVICE_SHIFT) | bytes;
    }

    public static int device(long entry) {
        return (int) (entry >>> DEVICE_SHIFT);
    }

    public static long bytes(long entry) {
        return entry & SIZE_MASK;
    }

    private static long mix(long pointer) {
        long h = pointer * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    /** Records a live allocation; {@code pointer} is never 0. */
    public void put(long pointer, long entry) {
        long h = mix(pointer);
        Stripe stripe = stripes[(int) (h >>> 58)];
        synchronized (stripe) {
            stripe.put(pointer, entry, (int) h);
        }
    }

    /** The entry of a live allocation, or {@link #MISSING}. */
    public long get(long pointer) {
        long h = mix(pointer);
        Stripe stripe = stripes[(int) (h >>> 58)];
        synchronized (stripe) {
            return stripe.get(pointer, (int) h);
        }
    }

    /** Forgets an allocation and returns its entry, or {@link #MISSING}. */
    public long remove(long pointer) {
        long h = mix(pointer);
        Stripe stripe = stripes[(int) (h >>> 58)];
        synchronized (stripe) {
            return stripe.remove(pointer, (int) h);
        }
    }

    public int size() {
        int total = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                total += stripe.size;
            }
        }
        return total;
    }

    /** Linear probing with backward-shift deletion: no tombstones, so lookups stay short. */
    private static final class Stripe {
        long[] keys = new long[32];
        long[] values = new long[32];
        int size;

        void put(long key, long value, int hash) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = hash & mask;
            while (keys[i] != 0 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (keys[i] == 0) {
                size++;
            }
            keys[i] = key;
            values[i] = value;
        }

        long get(long key, int hash) {
            int mask = keys.length - 1;
            for (int i = hash & mask; keys[i] != 0; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    return values[i];
                }
            }
            return MISSING;
        }

        long remove(long key, int hash) {
            int mask = keys.length - 1;
            int i = hash & mask;
            while (keys[i] != key) {
                if (keys[i] == 0) {
                    return MISSING;
                }
                i = (i + 1) & mask;
            }
            long value = values[i];
            size--;
            int hole = i;
            for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
                int home = (int) mix(keys[j]) & mask;
                // move j into the hole unless its home lies cyclically in (hole, j]
                if (((j - home) & mask) >= ((j - hole) & mask)) {
                    keys[hole] = keys[j];
                    values[hole] = values[j];
                    hole = j;
                }
            }
            keys[hole] = 0;
            values[hole] = 0;
            return value;
        }

        private void grow() {
            long[] oldKeys = keys;
            long[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new long[oldValues.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != 0) {
                    put(oldKeys[i], oldValues[i], (int) mix(oldKeys[i]));
                }
            }
        }
    }
}
