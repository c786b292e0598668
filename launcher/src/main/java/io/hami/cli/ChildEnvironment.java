package io.hami.cli;

import io.hami.region.Region;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment the command runs with: the caller's, less what belongs to hami-run, plus the region, the tenant,
 * its limits in HAMi's variables and the trampoline in {@code LD_PRELOAD}.
 */
public final class ChildEnvironment {
    /** The tenant the command's processes join (the in-process side reads it). */
    public static final String TENANT_VARIABLE = "HAMI_TENANT";
    /** Prefix under which bin/hami-run hands over variables it keeps from the launcher's own JVM. */
    public static final String ORIGINAL_PREFIX = "HAMI_ORIG_";
    /**
     * Variables bin/hami-run unsets for the launcher JVM and passes as {@code HAMI_ORIG_<name>} (present only when
     * the caller had them set): the preload must not enter the launcher, and the caller's Java options are meant for
     * the command's JVMs, not for hami-run's.
     */
    public static final List<String> HANDED_OVER = List.of("LD_PRELOAD", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS");
    static final String TRAMPOLINE_NAME = "libhami.so";

    private ChildEnvironment() {}

    /** A {@link #HANDED_OVER} variable as the caller of bin/hami-run had it (null when unset). */
    public static String callerValue(Map<String, String> env, String name) {
        return env.containsKey(ORIGINAL_PREFIX + name) ? env.get(ORIGINAL_PREFIX + name) : env.get(name);
    }

    /**
     * Everything in native strings (see {@link Host}); {@code region} and {@code trampoline} are absolute paths.
     */
    public static Map<String, String> build(Map<String, String> inherited, String region, String tenant,
            long[] limits, String trampoline) {
        Map<String, String> env = restored(inherited);
        env.keySet().removeIf(name -> name.startsWith(MemoryLimits.LIMIT_VARIABLE));
        env.put(Region.PATH_VARIABLE, region);
        env.put(TENANT_VARIABLE, tenant);
        env.putAll(MemoryLimits.environment(limits));
        env.put("LD_PRELOAD", preload(trampoline, env.get("LD_PRELOAD")));
        return env;
    }

    /** The caller's environment as it was before bin/hami-run handed its preload and Java options over. */
    public static Map<String, String> restored(Map<String, String> inherited) {
        Map<String, String> env = new LinkedHashMap<>(inherited);
        for (String name : HANDED_OVER) {
            String original = env.remove(ORIGINAL_PREFIX + name);
            if (original != null) {
                env.put(name, original);
            }
        }
        return env;
    }

    /**
     * The trampoline first, then the caller's preloads in their order. A trampoline already there (hami-run inside a
     * hami-run job, or another distribution's) is dropped: one process can hold only one.
     */
    static String preload(String trampoline, String original) {
        List<String> entries = new ArrayList<>();
        entries.add(trampoline);
        if (original != null) {
            for (String entry : original.split("[: ]+")) {
                if (!entry.isEmpty() && !entry.equals(TRAMPOLINE_NAME) && !entry.endsWith("/" + TRAMPOLINE_NAME)) {
                    entries.add(entry);
                }
            }
        }
        return String.join(":", entries);
    }
}
