package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_UNKNOWN;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.log.Log;
import java.lang.invoke.MethodHandle;

/**
 * Hooks that only forward, installed with {@code HAMI_HOOK_ALL=1}: they measure what the upcall path itself costs
 * (benchmarks) and prove every export can be routed through Java. Compute limits will replace the launch hooks.
 */
public final class PassThroughHooks {
    private static final HookContext CONTEXT = HookContext.current();
    private static final Downcall INIT =
            Downcalls.real(CONTEXT.resolver(), CudaDriver.cuInit.NAME, CudaDriver.cuInit.DESC);
    private static final MethodHandle LAUNCH =
            Downcalls.typed(CONTEXT.resolver(), CudaDriver.cuLaunchKernel.NAME, CudaDriver.cuLaunchKernel.DESC);
    private static final MethodHandle LAUNCH_PTSZ = Downcalls.typed(CONTEXT.resolver(),
            CudaDriver.cuLaunchKernel_ptsz.NAME, CudaDriver.cuLaunchKernel_ptsz.DESC);

    private PassThroughHooks() {}

    public static int cuInit(int flags) {
        try {
            return INIT.call(flags);
        } catch (Throwable t) {
            return failure(t);
        }
    }

    public static int cuLaunchKernel(long f, int gx, int gy, int gz, int bx, int by, int bz, int shmem, long stream,
                                     long params, long extra) {
        try {
            return (int) LAUNCH.invokeExact(f, gx, gy, gz, bx, by, bz, shmem, stream, params, extra);
        } catch (Throwable t) {
            return failure(t);
        }
    }

    public static int cuLaunchKernel_ptsz(long f, int gx, int gy, int gz, int bx, int by, int bz, int shmem,
                                          long stream, long params, long extra) {
        try {
            return (int) LAUNCH_PTSZ.invokeExact(f, gx, gy, gz, bx, by, bz, shmem, stream, params, extra);
        } catch (Throwable t) {
            return failure(t);
        }
    }

    private static int failure(Throwable t) {
        Log.error("pass-through hook failed: " + t);
        return CUDA_ERROR_UNKNOWN;
    }
}
