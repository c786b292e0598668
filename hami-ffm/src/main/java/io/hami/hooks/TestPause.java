package io.hami.hooks;

import io.hami.log.Log;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test seam: {@code HAMI_TEST_PAUSE_AT=reserved|committed|freeing} stops the process (SIGSTOP) once, at that step
 * of the memory protocol, so tests can prove a frozen process never stops the others. Never set in production.
 */
final class TestPause {
    private static final int SIGSTOP = 19;
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private TestPause() {}

    static void stop(String step) {
        if (!DONE.compareAndSet(false, true)) {
            return;
        }
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle raise = linker.downcallHandle(linker.defaultLookup().find("raise").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            Log.warn("HAMI_TEST_PAUSE_AT: stopping at '" + step + "'");
            int ignored = (int) raise.invokeExact(SIGSTOP);
        } catch (Throwable t) {
            Log.error("HAMI_TEST_PAUSE_AT: cannot stop: " + t);
        }
    }
}
