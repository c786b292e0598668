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
        int began;
        boolean lastBeganIdle;

        void launch(long cost) {
            busyUntil = Math.max(busyUntil, clock.now) + cost;
        }

        @Override
        public long begin(long stream, boolean perThreadStream) {
            began++;
            lastBeganIdle = busyUntil <= clock.now;
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
        return gate(new KernelCosts());
    }

    private LaunchGate gate(KernelCosts costs) {
        return new LaunchGate(new Throttle(region, tenant, false, clock), costs, gpu);
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

    /** One launch through the gate the way the hooks do it; returns true when it went first. */
    private boolean launch(LaunchGate gate, long key, long cost) {
        if (gate.goesFirst(key)) {
            gpu.launch(cost);
            gate.accountAfter(0, key);
            return true;
        }
        long token = gate.before(0, key, 0, false);
        gpu.launch(cost);
        gate.after(token, key, 0, false, 0);
        return false;
    }

    @Test
    void a_tenant_that_never_waits_launches_first_and_times_no_step_start_on_an_idle_gpu() {
        region.setPriority(tenant, Region.PRIORITY_HIGH);
        KernelCosts costs = new KernelCosts();
        LaunchGate gate = gate(costs);
        long key = 7;
        int stepStartsTimed = 0;
        int launches = 0;
        for (int step = 0; step < 500; step++) { // decode: 20 kernels of 100 us every 10 ms
            long stepStart = clock.now;
            for (int k = 0; k < 20; k++) {
                int before = gpu.began;
                boolean first = launch(gate, key, 100_000);
                launches++;
                if (k == 0 && step >= 10) {
                    assertThat(first).as("step %d's first launch goes first", step).isTrue();
                    stepStartsTimed += gpu.began - before;
                }
                clock.advance(5_000);
            }
            clock.sleepUntil(stepStart + 10 * MS);
        }
        assertThat(stepStartsTimed).isZero();
        assertThat(gpu.began).as("the other launches are still sampled")
                .isGreaterThan(500 * 19 / KernelCosts.RESAMPLE_EVERY);
        assertThat(costs.estimate(key)).isEqualTo(100_000);
        ComputeLines lines = new ComputeLines(region.segment());
        assertThat(lines.launches(tenant, 0)).as("every launch accounted").isEqualTo(launches);
        assertThat(lines.highBusyUntil(0)).isGreaterThan(clock.now - 10 * MS);

        // one kernel at a time, each on an idle GPU: timed only now and then
        int began = gpu.began;
        for (int i = 0; i < 4 * KernelCosts.IDLE_RESAMPLE_EVERY; i++) {
            launch(gate, key, 100_000);
            clock.advance(MS);
        }
        assertThat(gpu.began - began).isBetween(3, 5);
        assertThat(gpu.lastBeganIdle).isTrue();

        region.setSmShare(tenant, 0, 50);
        clock.advance(LaunchGate.POLL_INTERVAL_NANOS);
        launch(gate, key, 100_000);
        assertThat(launch(gate, key, 100_000)).as("a share set meanwhile paces it").isFalse();
    }

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
