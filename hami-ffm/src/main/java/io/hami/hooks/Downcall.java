package io.hami.hooks;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A C function linked at the shared shape ({@link Downcalls#SHARED}): call it with its own arguments, ints widened to
 * long, and the rest of the six registers are filled with zeros, which it never reads. {@code handle} is the one
 * handle of the shape, taking the function's {@code address} first (or, for a function this driver lacks, a handle
 * that answers {@code CUDA_ERROR_NOT_FOUND}): linking another function makes no method handle, only this record
 * (docs/startup.md, step 13). A record, so that the JIT trusts both fields as constants where the {@code Downcall} is
 * one (a static final), and inlines the call with the address folded in.
 */
public record Downcall(MethodHandle handle, MemorySegment address) {
    public int call() throws Throwable {
        return (int) handle.invokeExact(address, 0L, 0L, 0L, 0L, 0L, 0L);
    }

    public int call(long a) throws Throwable {
        return (int) handle.invokeExact(address, a, 0L, 0L, 0L, 0L, 0L);
    }

    public int call(long a, long b) throws Throwable {
        return (int) handle.invokeExact(address, a, b, 0L, 0L, 0L, 0L);
    }

    public int call(long a, long b, long c) throws Throwable {
        return (int) handle.invokeExact(address, a, b, c, 0L, 0L, 0L);
    }

    public int call(long a, long b, long c, long d) throws Throwable {
        return (int) handle.invokeExact(address, a, b, c, d, 0L, 0L);
    }

    public int call(long a, long b, long c, long d, long e) throws Throwable {
        return (int) handle.invokeExact(address, a, b, c, d, e, 0L);
    }

    public int call(long a, long b, long c, long d, long e, long f) throws Throwable {
        return (int) handle.invokeExact(address, a, b, c, d, e, f);
    }
}
