package io.hami.hooks;

import io.hami.region.Region;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * What the hooks work with, set once by the agent before the hook classes initialize (their static finals come from
 * here, so the JIT sees constants on the hot path).
 *
 * @param resolver real driver addresses by name, from the trampoline
 * @param region the shared region
 * @param tenant this process's tenant record
 * @param slot this process's slot
 */
public record HookContext(Function<String, MemorySegment> resolver, Region region, int tenant, int slot) {
    private static volatile HookContext current;

    public static void set(HookContext context) {
        current = context;
    }

    static HookContext current() {
        HookContext context = current;
        if (context == null) {
            throw new IllegalStateException("hooks used before the agent set their context");
        }
        return context;
    }
}
