package io.hami.boot;

import io.hami.hooks.MemoryHooks;
import io.hami.log.Log;
import io.hami.region.Region;

/**
 * Runs from the trampoline's C {@code atexit} handler (Java shutdown hooks do not run when the host calls
 * {@code exit()} with an embedded JVM): gives the slot's usage back at once. Crashes and SIGKILL are covered by
 * liveness reclamation instead.
 */
public final class ExitHook {
    private static volatile Region region;
    private static volatile int slot = -1;

    private ExitHook() {}

    static void arm(Region region, int slot) {
        ExitHook.region = region;
        ExitHook.slot = slot;
    }

    /** {@code void hami_exit(void)}: never throws, runs once. */
    public static void onExit() {
        try {
            Region r = region;
            int s = slot;
            if (r != null && s >= 0) {
                region = null;
                MemoryHooks.detach(); // static destructors may still free after this: they only reach the driver
                r.releaseSlot(s);
            }
        } catch (Throwable t) {
            Log.error("releasing the process slot at exit failed: " + t);
        }
    }
}
