package io.hami.cli;

import static io.hami.region.RegionLayout.DEVICE_CAPACITY;

import io.hami.region.Region;
import io.hami.region.RegionException;
import java.util.Arrays;

/**
 * Which tenant a launch runs in, and with which limits.
 *
 * <ul>
 *   <li>{@code --tenant NAME} joins the tenant called NAME, creating it with the limits asked for when it does not
 *       exist. A tenant that exists keeps its recorded limits: without {@code --memory}/{@code --device-memory} the
 *       launch joins with them; with flags that ask for other limits the launch is refused (exit 125) and the
 *       message shows both. Limits are never changed silently by a launch.
 *   <li>Without {@code --tenant}, the launch gets a fresh ephemeral tenant called {@code job-<pid>} (the pid of
 *       hami-run, which becomes the command's pid).
 * </ul>
 */
public final class Tenancy {
    private static final int EPHEMERAL_ATTEMPTS = 16;

    /** The tenant a launch runs in: its name and the limits it has in the region. */
    public record Tenant(String name, int index, long[] limits) {}

    private Tenancy() {}

    /**
     * Joins or creates the tenant. {@code requested} is null when no limit flag was given.
     */
    public static Tenant resolve(Region region, String name, long[] requested, long pid)
            throws RegionException, LaunchException {
        long[] wanted = requested == null ? new long[DEVICE_CAPACITY] : requested;
        if (name != null) {
            int index = region.findOrCreateTenant(name, wanted, false);
            long[] recorded = limits(region, index);
            if (requested != null && !Arrays.equals(recorded, requested)) {
                throw new LaunchException(ExitCodes.FAILED, "tenant '" + name + "' in region " + region.path()
                        + " already has " + MemoryLimits.describe(recorded) + ", this launch asks for "
                        + MemoryLimits.describe(requested) + ": omit --memory and --device-memory to join it with "
                        + "its limits, or choose another --tenant name");
            }
            return new Tenant(name, index, recorded);
        }
        // job-<pid> may be left over from a process of another PID namespace, or one of ours whose pid was reused:
        // never join it, take the next free name instead
        String base = "job-" + pid;
        for (int attempt = 1; attempt <= EPHEMERAL_ATTEMPTS; attempt++) {
            String candidate = attempt == 1 ? base : base + "." + attempt;
            if (region.findTenant(candidate) >= 0) {
                continue;
            }
            int index = region.findOrCreateTenant(candidate, wanted, true);
            long[] recorded = limits(region, index);
            if (Arrays.equals(recorded, wanted)) {
                return new Tenant(candidate, index, recorded);
            }
        }
        throw new LaunchException(ExitCodes.FAILED, "region " + region.path() + " already holds tenants " + base
                + " to " + base + "." + EPHEMERAL_ATTEMPTS + ": name this job with --tenant NAME");
    }

    /**
     * The launch's compute settings ({@code --sm}, {@code --device-sm}, {@code --priority}, {@code --bandwidth}; null
     * where not given): stored where the tenant has none; a tenant that has another one keeps it, and the launch is
     * refused with both shown (change a running tenant with hami-run set).
     */
    static void applyCompute(Region region, Tenant tenant, long[] shares, Integer priority, Integer bandwidth)
            throws LaunchException {
        io.hami.sched.ComputeLines lines = new io.hami.sched.ComputeLines(region.segment());
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            if (shares != null && shares[d] >= 0) {
                int old = region.smShare(tenant.index(), d);
                requireSame(tenant, "an SM share of " + old + " % on device " + d, old, (int) shares[d]);
                region.setSmShare(tenant.index(), d, (int) shares[d]);
            }
            if (bandwidth != null) {
                int old = lines.bandwidthLimit(tenant.index(), d);
                requireSame(tenant, "a bandwidth limit of " + old + " % on device " + d, old, bandwidth);
                lines.setBandwidthLimit(tenant.index(), d, bandwidth);
            }
        }
        if (priority != null) {
            int old = region.priority(tenant.index());
            requireSame(tenant, "priority " + Formats.priority(old), old, priority);
            region.setPriority(tenant.index(), priority);
        }
    }

    private static void requireSame(Tenant tenant, String has, int old, int wanted) throws LaunchException {
        if (old != 0 && old != wanted) {
            throw new LaunchException(ExitCodes.FAILED, "tenant '" + tenant.name() + "' already has " + has
                    + ": join it without that option, change it with 'hami-run set --tenant " + tenant.name()
                    + "', or choose another --tenant name");
        }
    }

    static long[] limits(Region region, int tenant) {
        long[] limits = new long[DEVICE_CAPACITY];
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            limits[d] = region.limit(tenant, d);
        }
        return limits;
    }
}
