package io.hami.hooks;

import java.lang.invoke.MethodHandle;

/**
 * A C function linked at the shared shape ({@link Downcalls#SHARED}): call it with its own arguments, ints widened to
 * long, and the rest of the six registers are filled with zeros, which it never reads. A record, so that the JIT
 * trusts {@code handle} as a constant where the {@code Downcall} is one (a static final), and inlines the call.
 */
public record Downcall(MethodHandle handle) {
    public int call() throws Throwable {
        return (int) handle.invokeExact(0L, 0L, 0L, 0L, 0L, 0L);
    }

    public int call(long a) throws Throwable {
        return (int) handle.invokeExact(a, 0L, 0L, 0L, 0L, 0L);
    }

    public int call(long a, long b) throws Throwable {
        return (int) handle.invokeExact(a, b, 0L, 0L, 0L, 0L);
    }

    public int call(long a, long b, long c) throws Throwable {
        return (int) handle.invokeExact(a, b, c, 0L, 0L, 0L);
    }

    public int call(long a, long b, long c, long d) throws Throwable {
        return (int) handle.invokeExact(a, b, c, d, 0L, 0L);
    }

    public int call(long a, long b, long c, long d, long e) throws Throwable {
        return (int) handle.invokeExact(a, b, c, d, e, 0L);
    }

    public int call(long a, long b, long c, long d, long e, long f) throws Throwable {
        return (int) handle.invokeExact(a, b, c, d, e, f);
    }
}
