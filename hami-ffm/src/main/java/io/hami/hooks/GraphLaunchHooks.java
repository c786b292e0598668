package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.sched.KernelCosts;

/**
 * Graph launches, installed with the memory hooks: the graph's memory nodes are charged at every launch
 * ({@link GraphMemory}), and while compute sharing is engaged the launch is timed and throttled as one unit of work
 * like a kernel ({@link LaunchHooks}, whose gate is only built once it is engaged).
 */
public final class GraphLaunchHooks {
    private static final Downcall GRAPH =
            Accounting.real(CudaDriver.cuGraphLaunch.NAME, CudaDriver.cuGraphLaunch.DESC);
    private static final Downcall GRAPH_PTSZ =
            Accounting.real(CudaDriver.cuGraphLaunch_ptsz.NAME, CudaDriver.cuGraphLaunch_ptsz.DESC);
    /** Set by the agent while the tenant has a share, a bandwidth limit or a priority. */
    private static volatile boolean computeEngaged;

    private GraphLaunchHooks() {}

    public static void engage(boolean on) {
        computeEngaged = on;
    }

    public static int cuGraphLaunch(long exec, long stream) {
        return launch(exec, stream, false);
    }

    public static int cuGraphLaunch_ptsz(long exec, long stream) {
        return launch(exec, stream, true);
    }

    private static int launch(long exec, long stream, boolean perThreadStream) {
        int refused = GraphMemory.beforeLaunch(exec, stream);
        if (refused != CUDA_SUCCESS) {
            return refused;
        }
        boolean engaged = computeEngaged;
        long key = KernelCosts.graphKey(exec);
        long token = engaged ? LaunchHooks.before(key, stream, perThreadStream) : 0;
        int result;
        try {
            result = perThreadStream ? GRAPH_PTSZ.call(exec, stream) : GRAPH.call(exec, stream);
        } catch (Throwable t) {
            result = Accounting.failure(perThreadStream ? "cuGraphLaunch_ptsz" : "cuGraphLaunch", t);
        }
        GraphMemory.afterLaunch(exec, stream, result);
        return engaged ? LaunchHooks.after(token, key, stream, perThreadStream, result) : result;
    }
}
