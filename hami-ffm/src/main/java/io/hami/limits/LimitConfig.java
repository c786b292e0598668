package io.hami.limits;

import io.hami.region.Region;
import io.hami.region.RegionLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a process is asked to enforce, read from its environment with HAMi's names and meanings:
 * {@code CUDA_DEVICE_MEMORY_LIMIT} for every device and {@code CUDA_DEVICE_MEMORY_LIMIT_<i>} for device {@code i} as
 * the program sees it after {@code CUDA_VISIBLE_DEVICES} (binary k/m/g suffixes, no suffix = bytes, 0 = no limit),
 * {@code CUDA_DEVICE_MEMORY_SHARED_CACHE} for the region, and {@code HAMI_TENANT} (set by {@code hami-run}).
 *
 * @param region the region file
 * @param tenant the tenant this process belongs to
 * @param limits bytes per device index, 0 = no limit
 */
public record LimitConfig(Path region, String tenant, long[] limits) {
    public static final String LIMIT_VARIABLE = "CUDA_DEVICE_MEMORY_LIMIT";
    public static final String TENANT_VARIABLE = "HAMI_TENANT";
    /** The tenant of processes started without hami-run (environment mode): one per region, as in HAMi. */
    public static final String DEFAULT_TENANT = "default";
    /** HAMi's switch: a true value (as Go's strconv.ParseBool reads it) turns every limit off; boot.c agrees. */
    public static final String DISABLE_VARIABLE = "CUDA_DISABLE_CONTROL";

    /** Reads the environment; throws {@link IllegalArgumentException} naming the variable and the fix. */
    public static LimitConfig fromEnvironment(Map<String, String> env) {
        long[] limits = new long[RegionLayout.DEVICE_CAPACITY];
        // disabled: the limits are not even read, so that a value this side would refuse cannot fail the process
        String disable = env.get(DISABLE_VARIABLE);
        boolean disabled = disable != null && List.of("1", "t", "T", "TRUE", "true", "True").contains(disable);
        String all = disabled ? null : env.get(LIMIT_VARIABLE);
        if (all != null && !all.isBlank()) {
            Arrays.fill(limits, parseLimit(LIMIT_VARIABLE, all));
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!disabled && name.startsWith(LIMIT_VARIABLE + "_") && !e.getValue().isBlank()) {
                int device = deviceIndex(LIMIT_VARIABLE, name);
                limits[device] = parseLimit(name, e.getValue());
            }
        }
        String tenant = env.getOrDefault(TENANT_VARIABLE, DEFAULT_TENANT);
        String invalid = Region.checkTenantName(tenant);
        if (invalid != null) {
            throw new IllegalArgumentException(TENANT_VARIABLE + ": " + invalid);
        }
        return new LimitConfig(Region.defaultPath(env), tenant, limits);
    }

    /** The device index of {@code VARIABLE_<i>}, 0 to 15 as the program sees devices after CUDA_VISIBLE_DEVICES. */
    static int deviceIndex(String variable, String name) {
        String suffix = name.substring(variable.length() + 1);
        try {
            int device = Integer.parseInt(suffix);
            if (device >= 0 && device < RegionLayout.DEVICE_CAPACITY) {
                return device;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + suffix + "' is not a device index: use "
                + variable + "_<i> with i from 0 to " + (RegionLayout.DEVICE_CAPACITY - 1));
    }


    private static long parseLimit(String variable, String value) {
        try {
            long bytes = ByteSize.parse(value);
            if (bytes < 0) {
                throw new IllegalArgumentException("a limit cannot be negative");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + "=" + value + ": " + e.getMessage());
        }
    }

    /** True when any device has a limit. */
    public boolean limited() {
        for (long limit : limits) {
            if (limit != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LimitConfig other && region.equals(other.region) && tenant.equals(other.tenant)
                && Arrays.equals(limits, other.limits);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * region.hashCode() + tenant.hashCode()) + Arrays.hashCode(limits);
    }

    @Override
    public String toString() {
        return "LimitConfig[region=" + region + ", tenant=" + tenant + ", limits=" + Arrays.toString(limits) + "]";
    }
}
