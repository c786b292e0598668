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

    static long[] limits(Region region, int tenant) {
        long[] limits = new long[DEVICE_CAPACITY];
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            limits[d] = region.limit(tenant, d);
        }
        return limits;
    }
}
