package io.hami.api;

import io.hami.limits.ByteSize;
import io.hami.region.RegionSnapshot;
import java.util.List;

/**
 * A tenant of a region as it was read, with its processes. A copy: read again with {@link HamiRegion#tenants()} to
 * see changes.
 *
 * @param record the tenant's record: name, devices (memory used and limit, SM share; only devices with one of them
 *     set), stored priority
 * @param processes its process slots, alive or dead but not yet reclaimed
 * @param refusals allocations its limit has refused so far, over all its processes ({@code TENANT_REFUSALS})
 */
public record Tenant(RegionSnapshot.Tenant record, List<RegionSnapshot.Process> processes, long refusals) {
    public Tenant {
        processes = List.copyOf(processes);
    }

    static Tenant of(RegionSnapshot.Tenant tenant, List<RegionSnapshot.Process> all, long refusals) {
        return new Tenant(tenant, all.stream().filter(p -> p.tenant() == tenant.index()).toList(), refusals);
    }

    /** The tenant's name ({@code job-<pid>} for a hami-run launch without {@code --tenant}). */
    public String name() {
        return record.name();
    }

    /** Its priority; null for a stored value this version does not name (see {@code record().priority()}). */
    public Priority priority() {
        return Priority.of(record.priority());
    }

    /** Per device: bytes used, limit (0 = none), SM share in percent (0 = none); only devices with one of them. */
    public List<RegionSnapshot.TenantDevice> devices() {
        return record.devices();
    }

    /** Bytes in use on {@code device}. */
    public long used(int device) {
        return record.used(device);
    }

    /** Memory limit on {@code device} in bytes; 0 = none. */
    public long limit(int device) {
        return record.limit(device);
    }

    /** Processes whose slot lock is held, i.e. that are running. */
    public int liveProcesses() {
        return record.liveProcesses();
    }

    /** One line for jshell: name, priority, live processes, refusals, each device with something set. */
    @Override
    public String toString() {
        StringBuilder line = new StringBuilder(name()).append(" (").append(priority() != null
                ? priority().name().toLowerCase(java.util.Locale.ROOT)
                : "priority " + record.priority()).append(", ").append(liveProcesses()).append(" live processes, ").append(refusals).append(" refused)");
        List<RegionSnapshot.TenantDevice> all = devices();
        for (int i = 0; i < all.size(); i++) {
            RegionSnapshot.TenantDevice d = all.get(i);
            int last = i; // consecutive devices that read alike share one entry
            while (last + 1 < all.size() && all.get(last + 1).device() == all.get(last).device() + 1
                    && all.get(last + 1).used() == d.used() && all.get(last + 1).limit() == d.limit()
                    && all.get(last + 1).smShare() == d.smShare()) {
                last++;
            }
            line.append(" GPU ").append(d.device()).append(last > i ? "-" + all.get(last).device() : "").append(": ")
                    .append(ByteSize.format(d.used())).append(" / ")
                    .append(d.limit() == 0 ? "no limit" : ByteSize.format(d.limit()))
                    .append(d.smShare() == 0 ? "" : ", SM " + d.smShare() + "%").append(";");
            i = last;
        }
        return line.toString();
    }
}
