package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static io.hami.bindings.cuda.CudaDriver.CU_STREAM_CAPTURE_STATUS_NONE;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.ComputeConfig;
import io.hami.log.Log;
import io.hami.sched.Clock;
import io.hami.sched.KernelCosts;
import io.hami.sched.LaunchGate;
import io.hami.sched.Throttle;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kernel launch paths (docs/compute.md): plain, extended and cooperative launches, each with its
 * per-thread-stream twin; installed while the tenant has a share, a bandwidth limit or a priority (graph launches:
 * {@link GraphLaunchHooks}). A launch into a stream that is being captured is only recorded by the driver, not run:
 * it is neither timed nor throttled (an event recorded into a capture would change the graph), and the graph is
 * charged when it is launched. A tenant that never waits has its launch go to the driver first and everything else,
 * the capture check included, after it ({@link LaunchGate#goesFirst}). Whatever fails in here, the launch itself still
 * goes to the driver.
 */
public final class LaunchHooks {
    private static final Throttle.Tuning TUNING = new Throttle.Tuning(
            tuning("HAMI_COMPUTE_TURN_MS", (int) (Throttle.DEFAULT_TURN_NANOS / 1_000_000), 20) * 1_000_000L,
            tuning("HAMI_COMPUTE_TAKE_TURNS", Throttle.Tuning.DEFAULT.takeTurns() ? 1 : 0, 1) == 1,
            tuning("HAMI_COMPUTE_YIELD_GUARD_US", (int) (Throttle.DEFAULT_YIELD_GUARD_NANOS / 1_000), 2_000) * 1_000L);
    private static final LaunchGate GATE = new LaunchGate(
            new Throttle(Accounting.REGION, Accounting.TENANT, ComputeConfig.sharesDisabled(System.getenv()),
                    Clock.SYSTEM, TUNING),
            new KernelCosts(tuning("HAMI_COMPUTE_COST_PERCENTILE", KernelCosts.DEFAULT_PERCENTILE, 100)),
            new EventTimer());

    private static final MethodHandle LAUNCH =
            Accounting.typed(CudaDriver.cuLaunchKernel.NAME, CudaDriver.cuLaunchKernel.DESC);
    private static final MethodHandle LAUNCH_PTSZ =
            Accounting.typed(CudaDriver.cuLaunchKernel_ptsz.NAME, CudaDriver.cuLaunchKernel_ptsz.DESC);
    private static final Downcall LAUNCH_EX =
            Accounting.real(CudaDriver.cuLaunchKernelEx.NAME, CudaDriver.cuLaunchKernelEx.DESC);
    private static final Downcall LAUNCH_EX_PTSZ =
            Accounting.real(CudaDriver.cuLaunchKernelEx_ptsz.NAME, CudaDriver.cuLaunchKernelEx_ptsz.DESC);
    private static final MethodHandle COOPERATIVE = Accounting.typed(CudaDriver.cuLaunchCooperativeKernel.NAME,
            CudaDriver.cuLaunchCooperativeKernel.DESC);
    private static final MethodHandle COOPERATIVE_PTSZ = Accounting.typed(
            CudaDriver.cuLaunchCooperativeKernel_ptsz.NAME, CudaDriver.cuLaunchCooperativeKernel_ptsz.DESC);
    private static final Downcall IS_CAPTURING =
            Accounting.real(CudaDriver.cuStreamIsCapturing.NAME, CudaDriver.cuStreamIsCapturing.DESC);
    private static final Downcall IS_CAPTURING_PTSZ =
            Accounting.real(CudaDriver.cuStreamIsCapturing_ptsz.NAME, CudaDriver.cuStreamIsCapturing_ptsz.DESC);

    /** CUlaunchConfig: gridDimX, Y, Z at 0, 4, 8; hStream at 32 (cuda.h; CudaHeaderConformanceTest checks). */
    static final long CONFIG_GRID_X = 0;
    static final long CONFIG_GRID_Y = 4;
    static final long CONFIG_GRID_Z = 8;
    static final long CONFIG_STREAM = 32;

    private static final AtomicBoolean FAILURE_SHOWN = new AtomicBoolean();
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 8));

    private LaunchHooks() {}

    /** A tuning knob of the scheduler (docs/compute.md): a whole number up to {@code max}; else the default. */
    private static int tuning(String variable, int fallback, int max) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= 0 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        Log.warn(variable + "=" + value + ": not a whole number from 0 to " + max + "; using " + fallback);
        return fallback;
    }

    public static int cuLaunchKernel(long f, int gx, int gy, int gz, int bx, int by, int bz, int shmem, long stream,
                                     long params, long extra) {
        long token = before(KernelCosts.kernelKey(f, gx, gy, gz), stream, false);
        int result;
        try {
            result = (int) LAUNCH.invokeExact(f, gx, gy, gz, bx, by, bz, shmem, stream, params, extra);
        } catch (Throwable t) {
            return Accounting.failure("cuLaunchKernel", t);
        }
        return after(token, KernelCosts.kernelKey(f, gx, gy, gz), stream, false, result);
    }

    public static int cuLaunchKernel_ptsz(long f, int gx, int gy, int gz, int bx, int by, int bz, int shmem,
                                          long stream, long params, long extra) {
        long token = before(KernelCosts.kernelKey(f, gx, gy, gz), stream, true);
        int result;
        try {
            result = (int) LAUNCH_PTSZ.invokeExact(f, gx, gy, gz, bx, by, bz, shmem, stream, params, extra);
        } catch (Throwable t) {
            return Accounting.failure("cuLaunchKernel_ptsz", t);
        }
        return after(token, KernelCosts.kernelKey(f, gx, gy, gz), stream, true, result);
    }

    public static int cuLaunchKernelEx(long config, long f, long params, long extra) {
        long key = configKey(config, f);
        long stream = configStream(config);
        long token = before(key, stream, false);
        int result;
        try {
            result = LAUNCH_EX.call(config, f, params, extra);
        } catch (Throwable t) {
            return Accounting.failure("cuLaunchKernelEx", t);
        }
        return after(token, key, stream, false, result);
    }

    public static int cuLaunchKernelEx_ptsz(long config, long f, long params, long extra) {
        long key = configKey(config, f);
        long stream = configStream(config);
        long token = before(key, stream, true);
        int result;
        try {
            result = LAUNCH_EX_PTSZ.call(config, f, params, extra);
        } catch (Throwable t) {
            return Accounting.failure("cuLaunchKernelEx_ptsz", t);
        }
        return after(token, key, stream, true, result);
    }

    public static int cuLaunchCooperativeKernel(long f, int gx, int gy, int gz, int bx, int by, int bz, int shmem,
                                                long stream, long params) {
        long token = before(KernelCosts.kernelKey(f, gx, gy, gz), stream, false);
        int result;
        try {
            result = (int) COOPERATIVE.invokeExact(f, gx, gy, gz, bx, by, bz, shmem, stream, params);
        } catch (Throwable t) {
            return Accounting.failure("cuLaunchCooperativeKernel", t);
        }
        return after(token, KernelCosts.kernelKey(f, gx, gy, gz), stream, false, result);
    }

    public static int cuLaunchCooperativeKernel_ptsz(long f, int gx, int gy, int gz, int bx, int by, int bz,
                                                     int shmem, long stream, long params) {
        long token = before(KernelCosts.kernelKey(f, gx, gy, gz), stream, true);
        int result;
        try {
            result = (int) COOPERATIVE_PTSZ.invokeExact(f, gx, gy, gz, bx, by, bz, shmem, stream, params);
        } catch (Throwable t) {
            return Accounting.failure("cuLaunchCooperativeKernel_ptsz", t);
        }
        return after(token, KernelCosts.kernelKey(f, gx, gy, gz), stream, true, result);
    }

    /**
     * The gate's part before a launch; 0 (no timing) when the stream is capturing or anything goes wrong;
     * {@link LaunchGate#WENT_FIRST} when the launch goes first and everything, the capture check included, follows it.
     */
    static long before(long key, long stream, boolean perThreadStream) {
        try {
            if (GATE.goesFirst(key)) {
                return LaunchGate.WENT_FIRST;
            }
            if (capturing(stream, perThreadStream)) {
                return 0;
            }
            int device = Accounting.currentDevice();
            return device < 0 ? 0 : GATE.before(device, key, stream, perThreadStream);
        } catch (Throwable t) {
            failed(t);
            return 0;
        }
    }

    static int after(long token, long key, long stream, boolean perThreadStream, int result) {
        try {
            if (token != LaunchGate.WENT_FIRST) {
                GATE.after(token, key, stream, perThreadStream, result);
            } else if (result == CUDA_SUCCESS && !capturing(stream, perThreadStream)) {
                int device = Accounting.currentDevice();
                if (device >= 0) {
                    GATE.accountAfter(device, key);
                }
            }
        } catch (Throwable t) {
            failed(t);
        }
        return result;
    }

    /** A stream being captured records launches instead of running them; an error (e.g. an implicit capture of the
     * legacy stream) counts as capturing: we then stay out of the way. */
    private static boolean capturing(long stream, boolean perThreadStream) throws Throwable {
        MemorySegment scratch = SCRATCH.get();
        int rc = perThreadStream ? IS_CAPTURING_PTSZ.call(stream, scratch.address())
                : IS_CAPTURING.call(stream, scratch.address());
        return rc != CUDA_SUCCESS || scratch.get(ValueLayout.JAVA_INT, 0) != CU_STREAM_CAPTURE_STATUS_NONE;
    }

    private static long configKey(long config, long f) {
        if (config == 0) {
            return KernelCosts.kernelKey(f, 0, 0, 0);
        }
        return KernelCosts.kernelKey(f, Accounting.NATIVE.get(ValueLayout.JAVA_INT, config + CONFIG_GRID_X),
                Accounting.NATIVE.get(ValueLayout.JAVA_INT, config + CONFIG_GRID_Y),
                Accounting.NATIVE.get(ValueLayout.JAVA_INT, config + CONFIG_GRID_Z));
    }

    private static long configStream(long config) {
        return config == 0 ? 0 : Accounting.NATIVE.get(ValueLayout.JAVA_LONG, config + CONFIG_STREAM);
    }

    private static void failed(Throwable t) {
        if (FAILURE_SHOWN.compareAndSet(false, true)) {
            Log.error("compute sharing failed inside hami-ffm; launches go on unthrottled: " + t);
        }
    }
}
