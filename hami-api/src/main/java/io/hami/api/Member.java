package io.hami.api;

import io.hami.region.Region;
import io.hami.region.TenantSettings;

/**
 * One process slot of this JVM in a tenant ({@link HamiRegion#join}): reservations against the tenant's limit by the
 * same protocol the hooks use for every device allocation, a CAS on the tenant's counter that never lets two members
 * together pass the limit. Thread-safe. {@link #close()} gives back what it still holds; so does the reclamation of
 * any hami-ffm process if this JVM dies.
 */
public final class Member implements AutoCloseable {
    private final Region region;
    private final String tenant;
    private final int index;
    private final int slot;

    Member(Region region, String tenant, int index, int slot) {
        this.region = region;
        this.tenant = tenant;
        this.index = index;
        this.slot = slot;
    }

    /**
     * Reserves {@code bytes} on {@code device} if the tenant stays within its limit there; false = refused, counted in
     * the tenant's refusals as a hooked allocation's refusal is.
     */
    public boolean reserve(int device, long bytes) {
        TenantSettings.checkDevice(device);
        if (bytes <= 0) {
            throw new IllegalArgumentException("cannot reserve " + bytes + " bytes: give a positive size");
        }
        if (region.tryReserve(index, slot, device, bytes)) {
            return true;
        }
        region.countRefusal(index);
        return false;
    }

    /** Gives back {@code bytes} reserved on {@code device}. */
    public void release(int device, long bytes) {
        TenantSettings.checkDevice(device);
        region.release(index, slot, device, bytes);
    }

    /** Bytes this member holds on {@code device}. */
    public long held(int device) {
        return region.slotUsed(slot, device);
    }

    public String tenant() {
        return tenant;
    }

    public int slot() {
        return slot;
    }

    @Override
    public void close() {
        region.releaseSlot(slot);
    }

    @Override
    public String toString() {
        return "Member[tenant " + tenant + ", slot " + slot + "]";
    }
}
