package io.hami.region;

import static io.hami.region.RegionLayout.DEVICE_CAPACITY;

import java.util.Arrays;

/**
 * Changes a tenant's memory limits, SM shares and priority in place: what {@code hami-run set} and the Java library
 * ({@code io.hami.api}) both do. The tenant's running processes read the change on their next call.
 */
public final class TenantSettings {
    /** A per-device value that stays as it is. */
    public static final long UNCHANGED = -1;

    private TenantSettings() {}

    /** The tenant is not in the region, or its record was reclaimed while it was being changed. */
    public static final class NoSuchTenantException extends Exception {
        private final boolean endedMeanwhile;

        NoSuchTenantException(String message, boolean endedMeanwhile) {
            super(message);
            this.endedMeanwhile = endedMeanwhile;
        }

        /** True when the tenant existed but its last process ended and its record was freed during the change. */
        public boolean endedMeanwhile() {
            return endedMeanwhile;
        }
    }

    /**
     * What a change found and left, per device (index = region device): limits and SM shares before and after, the
     * bytes in use after, the priority before and after. Values not asked for are copied unchanged.
     */
    public record Applied(int tenant, long[] oldLimits, long[] limits, long[] used, long[] oldShares, long[] shares,
            int oldPriority, int priority) {
        /** Whether any device had a memory limit before the change. */
        public boolean limitedBefore() {
            return Arrays.stream(oldLimits).anyMatch(v -> v != 0);
        }

        /** Whether any device has a memory limit after the change. */
        public boolean limitedNow() {
            return Arrays.stream(limits).anyMatch(v -> v != 0);
        }
    }

    /**
     * Applies the change to tenant {@code name}.
     *
     * @param limits bytes per device ({@value #UNCHANGED}: unchanged, 0: no limit), or null to leave all limits
     * @param shares SM percent per device, 0-100 ({@value #UNCHANGED}: unchanged, 0: none), or null
     * @param priority {@link Region#PRIORITY_LOW}, {@code _NORMAL} or {@code _HIGH}, or null
     * @throws IllegalArgumentException for a value out of range (nothing is changed then)
     * @throws NoSuchTenantException when there is no such tenant
     */
    public static Applied apply(Region region, String name, long[] limits, long[] shares, Integer priority)
            throws NoSuchTenantException {
        check(limits, 0, Long.MAX_VALUE, "memory limit", "bytes, or 0 for no limit");
        check(shares, 0, 100, "SM share", "a percent of 1-100, or 0 for none");
        if (priority != null && (priority < Region.PRIORITY_LOW || priority > Region.PRIORITY_HIGH)) {
            throw new IllegalArgumentException("priority " + priority + " is not one of PRIORITY_LOW (-1), "
                    + "PRIORITY_NORMAL (0) or PRIORITY_HIGH (1)");
        }
        int index = region.findTenant(name);
        if (index < 0) {
            throw new NoSuchTenantException("no tenant '" + name + "' in region " + region.path(), false);
        }
        long[] oldLimits = new long[DEVICE_CAPACITY];
        long[] oldShares = new long[DEVICE_CAPACITY];
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            oldLimits[d] = region.limit(index, d);
            oldShares[d] = region.smShare(index, d);
            if (limits != null && limits[d] != UNCHANGED) {
                region.setLimit(index, d, limits[d]);
            }
            if (shares != null && shares[d] != UNCHANGED) {
                region.setSmShare(index, d, (int) shares[d]);
            }
        }
        int oldPriority = region.priority(index);
        if (priority != null) {
            region.setPriority(index, priority);
        }
        if (!region.isTenant(index, name)) { // its last process ended and the record was reclaimed meanwhile
            throw new NoSuchTenantException("tenant '" + name + "' ended while it was being changed", true);
        }
        long[] nowLimits = new long[DEVICE_CAPACITY];
        long[] nowShares = new long[DEVICE_CAPACITY];
        long[] used = new long[DEVICE_CAPACITY];
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            nowLimits[d] = region.limit(index, d);
            nowShares[d] = region.smShare(index, d);
            used[d] = region.used(index, d);
        }
        return new Applied(index, oldLimits, nowLimits, used, oldShares, nowShares, oldPriority,
                region.priority(index));
    }

    /** One value for every device: {@code value} everywhere. */
    public static long[] everyDevice(long value) {
        long[] values = new long[DEVICE_CAPACITY];
        Arrays.fill(values, value);
        return values;
    }

    /** {@code value} on {@code device}, the other devices unchanged. */
    public static long[] oneDevice(int device, long value) {
        checkDevice(device);
        long[] values = everyDevice(UNCHANGED);
        values[device] = value;
        return values;
    }

    public static void checkDevice(int device) {
        if (device < 0 || device >= DEVICE_CAPACITY) {
            throw new IllegalArgumentException("device " + device + " is not one of 0-" + (DEVICE_CAPACITY - 1)
                    + ": use the index the program sees after CUDA_VISIBLE_DEVICES");
        }
    }

    private static void check(long[] values, long min, long max, String what, String expected) {
        if (values == null) {
            return;
        }
        if (values.length != DEVICE_CAPACITY) {
            throw new IllegalArgumentException(what + "s need one value per device (" + DEVICE_CAPACITY + "), not "
                    + values.length);
        }
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            if (values[d] != UNCHANGED && (values[d] < min || values[d] > max)) {
                throw new IllegalArgumentException(what + " " + values[d] + " on device " + d + " is out of range: "
                        + "give " + expected);
            }
        }
    }
}
