package io.hami.cli;

import static io.hami.region.RegionLayout.DEVICE_CAPACITY;

import io.hami.limits.ByteSize;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's memory limits: bytes per device index (the index the program sees after {@code CUDA_VISIBLE_DEVICES}),
 * {@code 0} meaning no limit, as the region records them.
 */
public final class MemoryLimits {
    /** HAMi's variable: a limit for every device; {@code _<i>} after it: for device i, overriding the former. */
    public static final String LIMIT_VARIABLE = "CUDA_DEVICE_MEMORY_LIMIT";

    /** One {@code --device-memory} item, {@code 1=4g}. */
    public record DeviceLimit(int device, long bytes) {}

    private MemoryLimits() {}

    /**
     * The limits a launch asks for: {@code memory} on every device, then {@code devices} overriding single devices.
     * Returns null when neither flag was given (join a tenant with its recorded limits, or run with none).
     */
    public static long[] requested(Long memory, List<DeviceLimit> devices) throws LaunchException {
        if (memory == null && (devices == null || devices.isEmpty())) {
            return null;
        }
        long[] limits = new long[DEVICE_CAPACITY];
        if (memory != null) {
            Arrays.fill(limits, memory);
        }
        boolean[] seen = new boolean[DEVICE_CAPACITY];
        for (DeviceLimit limit : devices == null ? List.<DeviceLimit>of() : devices) {
            if (seen[limit.device()]) {
                throw new LaunchException(ExitCodes.FAILED, "--device-memory names device " + limit.device()
                        + " twice: give each device one size, e.g. --device-memory 0=8g,1=4g");
            }
            seen[limit.device()] = true;
            limits[limit.device()] = limit.bytes();
        }
        return limits;
    }

    /** The value most devices share (the lowest device's value on a tie): the one CUDA_DEVICE_MEMORY_LIMIT carries. */
    static long common(long[] limits) {
        long best = limits[0];
        int bestCount = 0;
        for (long candidate : limits) {
            int count = 0;
            for (long other : limits) {
                if (other == candidate) {
                    count++;
                }
            }
            if (count > bestCount) {
                best = candidate;
                bestCount = count;
            }
        }
        return best;
    }

    /**
     * The limits as HAMi's variables: {@code CUDA_DEVICE_MEMORY_LIMIT=<bytes>} for the size most devices share (when
     * that is a limit) and {@code CUDA_DEVICE_MEMORY_LIMIT_<i>=<bytes>} for every device that differs from it
     * ({@code 0}: no limit on that device). No limits give no variables.
     */
    public static Map<String, String> environment(long[] limits) {
        Map<String, String> env = new LinkedHashMap<>();
        long common = common(limits);
        if (common != 0) {
            env.put(LIMIT_VARIABLE, Long.toString(common));
        }
        for (int d = 0; d < limits.length; d++) {
            if (limits[d] != common) {
                env.put(LIMIT_VARIABLE + "_" + d, Long.toString(limits[d]));
            }
        }
        return env;
    }

    /**
     * The limits as the flags that ask for them, {@code --memory 8g --device-memory 1=4g}, or {@code no memory
     * limit}: what a user can copy into a command line.
     */
    public static String describe(long[] limits) {
        long common = common(limits);
        StringBuilder text = new StringBuilder();
        if (common != 0) {
            text.append("--memory ").append(size(common));
        }
        StringBuilder devices = new StringBuilder();
        StringBuilder unlimited = new StringBuilder();
        for (int d = 0; d < limits.length; d++) {
            if (limits[d] != common) {
                if (limits[d] == 0) {
                    unlimited.append(unlimited.isEmpty() ? "" : ",").append(d);
                } else {
                    devices.append(devices.isEmpty() ? "" : ",").append(d).append('=').append(size(limits[d]));
                }
            }
        }
        if (!devices.isEmpty()) {
            text.append(text.isEmpty() ? "" : " ").append("--device-memory ").append(devices);
        }
        if (!unlimited.isEmpty()) {
            text.append(text.isEmpty() ? "" : " ").append("(no limit on device ").append(unlimited).append(')');
        }
        return text.isEmpty() ? "no memory limit" : text.toString();
    }

    /** An exact size in the shortest form {@link ByteSize#parse} reads back: {@code 8g}, {@code 1536m}, {@code 1000}. */
    public static String size(long bytes) {
        String[] suffixes = {"t", "g", "m", "k"};
        long[] units = {ByteSize.TIB, ByteSize.GIB, ByteSize.MIB, ByteSize.KIB};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % units[i] == 0) {
                return bytes / units[i] + suffixes[i];
            }
        }
        return Long.toString(bytes);
    }
}
