package io.hami.api;

import io.hami.region.ProcessInfo;
import io.hami.region.Region;
import io.hami.region.RegionException;
import io.hami.region.RegionSnapshot;
import io.hami.region.TenantSettings;
import io.hami.region.TenantSettings.NoSuchTenantException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An open region: its tenants, and their limits, SM shares and priorities, changed in place (running processes see a
 * change on their next allocation or memory query). Obtain one from {@link Hami#open()}; close it when done (it
 * unmaps the file; the region itself stays).
 *
 * <pre>{@code
 * try (HamiRegion region = Hami.open()) {
 *     for (Tenant t : region.tenants()) {
 *         System.out.println(t.name() + " uses " + t.used(0) + " of " + t.limit(0) + " bytes on GPU 0");
 *     }
 *     region.setMemoryLimit("team-a", 6L << 30);     // every GPU
 *     region.setMemoryLimit("team-a", 1, 0);         // GPU 1: no limit
 *     region.setPriority("team-a", Priority.HIGH);
 * }
 * }</pre>
 *
 * <p>Tenant names are case-sensitive. Every setter throws {@link HamiException} when the tenant does not exist (the
 * message names the region and how to list its tenants) and {@link IllegalArgumentException} for a value out of range.
 */
public final class HamiRegion implements AutoCloseable {
    private final Region region;

    HamiRegion(Region region) {
        this.region = region;
    }

    public Path path() {
        return region.path();
    }

    /** Every active tenant and process, read now: what {@code hami-run status --json} shows. */
    public RegionSnapshot snapshot() {
        return RegionSnapshot.of(region);
    }

    /** The active tenants with their processes, read now. */
    public List<Tenant> tenants() {
        RegionSnapshot snapshot = snapshot();
        return snapshot.tenants().stream()
                .map(t -> Tenant.of(t, snapshot.processes(), region.refusals(t.index()))).toList();
    }

    /** The tenant called {@code name}, read now. */
    public Optional<Tenant> tenant(String name) {
        return tenants().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * Creates tenant {@code name} with a memory limit of {@code limitBytes} on every device (0: none), or returns the
     * existing one unchanged. For experiments on a scratch region; hami-run creates the tenants of real jobs.
     */
    public Tenant createTenant(String name, long limitBytes) {
        try {
            region.findOrCreateTenant(name, TenantSettings.everyDevice(requireSize(limitBytes)), false);
        } catch (RegionException e) {
            throw new HamiException(e.getMessage(), e);
        }
        return reread(name);
    }

    /** Sets {@code tenant}'s memory limit on every device; 0 removes it. */
    public Tenant setMemoryLimit(String tenant, long bytes) {
        return change(tenant, TenantSettings.everyDevice(requireSize(bytes)), null, null);
    }

    /** Sets {@code tenant}'s memory limit on one device (as the program sees it); 0 removes it. */
    public Tenant setMemoryLimit(String tenant, int device, long bytes) {
        return change(tenant, TenantSettings.oneDevice(device, requireSize(bytes)), null, null);
    }

    /** Sets {@code tenant}'s SM share on every device, 1-100 percent; 0 removes it. */
    public Tenant setSmShare(String tenant, int percent) {
        return change(tenant, null, TenantSettings.everyDevice(percent), null);
    }

    /** Sets {@code tenant}'s SM share on one device, 1-100 percent; 0 removes it. */
    public Tenant setSmShare(String tenant, int device, int percent) {
        return change(tenant, null, TenantSettings.oneDevice(device, percent), null);
    }

    public Tenant setPriority(String tenant, Priority priority) {
        return change(tenant, null, null, priority.stored());
    }

    /**
     * Joins {@code tenant} as one more member of this process: a process slot whose reservations count against the
     * tenant's limits exactly as a hooked process's allocations do (the same CAS on the tenant's counter). For JVM
     * programs that account memory of their own, and for experiments without a GPU. Close it to give everything back.
     */
    public Member join(String tenant) {
        int index = region.findTenant(tenant);
        if (index < 0) {
            throw notFound(tenant);
        }
        ProcessInfo self = ProcessInfo.current();
        try {
            int slot = region.claimSlot(index, self.pid(), self.startTime(), self.pidNamespace(), self.command());
            return new Member(region, tenant, index, slot);
        } catch (RegionException e) {
            throw new HamiException(e.getMessage(), e);
        }
    }

    /** The region underneath, for what this class does not cover (io.hami.region.Region's own API). */
    public Region region() {
        return region;
    }

    @Override
    public void close() {
        region.close();
    }

    @Override
    public String toString() {
        return "HamiRegion[" + path() + ", " + snapshot().tenants().size() + " tenants]";
    }

    private Tenant change(String tenant, long[] limits, long[] shares, Integer priority) {
        try {
            TenantSettings.apply(region, tenant, limits, shares, priority);
        } catch (NoSuchTenantException e) {
            throw e.endedMeanwhile() ? new HamiException(e.getMessage(), e) : notFound(tenant);
        }
        return reread(tenant);
    }

    private Tenant reread(String name) {
        return tenant(name).orElseThrow(() -> new HamiException("tenant '" + name + "' ended meanwhile"));
    }

    private HamiException notFound(String tenant) {
        return new HamiException("no tenant '" + tenant + "' in region " + path() + ": tenants() lists them (names "
                + "are case-sensitive)");
    }

    private static long requireSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("memory limit " + bytes + " is negative: give bytes, or 0 for no "
                    + "limit");
        }
        return bytes;
    }
}
