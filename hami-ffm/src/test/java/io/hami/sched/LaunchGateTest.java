package io.hami.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hami.region.Region;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate around launches against a simulated GPU: one queue that runs each kernel for its true cost. */
class LaunchGateTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;
    Region region;
    int tenant;
    SimClock clock = new SimClock();
    SimGpu gpu = new SimGpu();

    /** A GPU queue in simulated time; timer marks stand at the point of the queue the stream has reached. */
    final class SimGpu implements GpuTimer {
        long busyUntil = clock.now;
        final Map<Long, long[]> marks = new HashMap<>();
        long next = 1;

        void launch(long cost) {
            busyUntil = Math.max(busyUntil, clock.now) + cost;
        }

        @Override
        public long begin(long stream, boolean perThreadStream) {
            marks.put(next, new long[] {Math.max(busyUntil, clock.now), 0});
            return next++;
        }

        @Override
        public boolean end(long token, long stream, boolean perThreadStream) {
            marks.get(token)[1] = Math.max(busyUntil, clock.now);
            return true;
        }

        @Override
        public long poll(long token) {
            long[] m = marks.get(token);
            return clock.now < m[1] ? NOT_READY : m[1] - m[0];
        }

        @Override
        public void release(long token) {
            marks.remove(token);
        }
    }

    @BeforeEach
    void open() throws Exception {
        region = Region.openOrCreate(dir.resolve("r.region"));
        tenant = region.findOrCreateTenant("t", new long[] {0}, false);
    }

    private LaunchGate gate() {
        return new LaunchGate(new Throttle(region, tenant, false, clock), new KernelCosts(), gpu);
    }

    /** Launches kernels of {@code cost} for {@code seconds} through the gate; returns the GPU's busy fraction. */
    private double run(LaunchGate gate, long cost, double seconds) {
        long start = clock.now;
        long end = start + (long) (seconds * 1e9);
        long work = 0;
        long lag = 0;
        while (clock.now < end) {
            long token = gate.before(0, 7, 0, false);
            gpu.launch(cost);
            gate.after(token, 7, 0, false, 0);
            clock.advance(4_000);
            work += cost;
            lag = Math.max(lag, gpu.busyUntil - clock.now);
        }
        maxLag = lag;
        return (work - Math.max(0, gpu.busyUntil - end)) / (double) (end - start);
    }

    long maxLag;

    @Test
    void it_learns_the_kernel_cost_and_holds_the_share() {
        region.setSmShare(tenant, 0, 25);
        LaunchGate gate = gate();
        run(gate, 2 * MS, 2); // learning: the first kernels are charged a guess
        assertThat(run(gate, 2 * MS, 10)).isCloseTo(0.25, within(0.01));
    }

    @Test
    void the_gpu_never_runs_far_behind_a_throttled_or_low_priority_tenant() {
        region.setSmShare(tenant, 0, 50);
        run(gate(), MS, 1);
        assertThat(maxLag).isLessThanOrEqualTo(LaunchGate.MAX_LAG_NANOS + 2 * MS);

        region.setSmShare(tenant, 0, 0);
        region.setPriority(tenant, Region.PRIORITY_LOW);
        LaunchGate low = gate();
        assertThat(run(low, MS, 2)).as("alone, a low-priority tenant has the whole device").isGreaterThan(0.95);
        assertThat(maxLag).isLessThanOrEqualTo(LaunchGate.LOW_MAX_LAG_NANOS + 2 * MS);
    }
}
