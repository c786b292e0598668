package io.hami.api;

import io.hami.region.Region;

/** A tenant's priority between the tenants of a region (stored as {@code TENANT_PRIORITY}, docs/region.md). */
public enum Priority {
    LOW(Region.PRIORITY_LOW),
    NORMAL(Region.PRIORITY_NORMAL),
    HIGH(Region.PRIORITY_HIGH);

    private final int stored;

    Priority(int stored) {
        this.stored = stored;
    }

    /** The value in the region. */
    public int stored() {
        return stored;
    }

    /** The priority of a stored value; null for a value this version does not name. */
    public static Priority of(int stored) {
        for (Priority p : values()) {
            if (p.stored == stored) {
                return p;
            }
        }
        return null;
    }
}
