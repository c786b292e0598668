package io.hami.limits;

import io.hami.region.Region;
import io.hami.region.RegionLayout;
import java.util.Locale;
import java.util.Map;

/**
 * What a process is asked to enforce on compute, read from its environment with HAMi's names and meanings
 * (docs/compute.md): {@code CUDA_DEVICE_SM_LIMIT(_<i>)} in percent of the device's SM time (0 or ≥ 100 = no limit),
 * {@code CUDA_TASK_PRIORITY} (HAMi's numbers: 0 high, 1 low; or the words high, normal, low),
 * {@code GPU_CORE_UTILIZATION_POLICY} (default, force, disable) and {@code CUDA_DEVICE_BANDWIDTH_LIMIT(_<i>)} in
 * percent of the device's DRAM bandwidth.
 *
 * @param smShares percent per device index, 0 = none
 * @param priority {@link Region#PRIORITY_HIGH}, {@link Region#PRIORITY_NORMAL} or {@link Region#PRIORITY_LOW}
 * @param sharesDisabled the policy is {@code disable}: shares are not enforced
 * @param bandwidthLimits percent per device index, 0 = none
 */
public record ComputeConfig(int[] smShares, int priority, boolean sharesDisabled, int[] bandwidthLimits) {
    public static final String SM_VARIABLE = "CUDA_DEVICE_SM_LIMIT";
    public static final String PRIORITY_VARIABLE = "CUDA_TASK_PRIORITY";
    public static final String POLICY_VARIABLE = "GPU_CORE_UTILIZATION_POLICY";
    public static final String BANDWIDTH_VARIABLE = "CUDA_DEVICE_BANDWIDTH_LIMIT";

    /** Reads the environment; throws {@link IllegalArgumentException} naming the variable and the fix. */
    public static ComputeConfig fromEnvironment(Map<String, String> env) {
        return new ComputeConfig(percents(env, SM_VARIABLE), priority(env.get(PRIORITY_VARIABLE)),
                sharesDisabled(env), percents(env, BANDWIDTH_VARIABLE));
    }

    /** {@code GPU_CORE_UTILIZATION_POLICY=disable}: SM shares are ignored (HAMi's meaning). */
    public static boolean sharesDisabled(Map<String, String> env) {
        String policy = env.get(POLICY_VARIABLE);
        if (policy == null || policy.isBlank()) {
            return false;
        }
        return switch (policy.strip().toLowerCase(Locale.ROOT)) {
            case "default", "force" -> false;
            case "disable" -> true;
            default -> throw new IllegalArgumentException(POLICY_VARIABLE + "=" + policy
                    + ": unknown policy: use default, force or disable");
        };
    }

    /** HAMi's numbers (0 high, 1 low) or the words; unset or empty = normal. */
    public static int priority(String value) {
        if (value == null || value.isBlank()) {
            return Region.PRIORITY_NORMAL;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "0", "high" -> Region.PRIORITY_HIGH;
            case "1", "low" -> Region.PRIORITY_LOW;
            case "normal" -> Region.PRIORITY_NORMAL;
            default -> throw new IllegalArgumentException(PRIORITY_VARIABLE + "=" + value
                    + ": unknown priority: use 0 or high, 1 or low (HAMi's numbers), or normal");
        };
    }

    private static int[] percents(Map<String, String> env, String variable) {
        int[] values = new int[RegionLayout.DEVICE_CAPACITY];
        String all = env.get(variable);
        if (all != null && !all.isBlank()) {
            java.util.Arrays.fill(values, percent(variable, all));
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(variable + "_") && !e.getValue().isBlank()) {
                values[LimitConfig.deviceIndex(variable, name)] = percent(name, e.getValue());
            }
        }
        return values;
    }

    /** 0-100; HAMi reads ≥ 100 as no limit, and so do we (stored as 0). */
    private static int percent(String variable, String value) {
        try {
            int percent = Integer.parseInt(value.strip());
            if (percent < 0) {
                throw new NumberFormatException();
            }
            return percent >= 100 ? 0 : percent;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + "=" + value
                    + ": not a percentage: use a whole number from 0 to 100 (0 or 100: no limit)");
        }
    }

    /** True when the environment asks for anything compute sharing does. */
    public boolean asksForAnything() {
        if (priority != Region.PRIORITY_NORMAL) {
            return true;
        }
        for (int d = 0; d < smShares.length; d++) {
            if (smShares[d] != 0 || bandwidthLimits[d] != 0) {
                return true;
            }
        }
        return false;
    }
}
