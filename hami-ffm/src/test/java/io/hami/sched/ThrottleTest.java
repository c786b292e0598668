package io.hami.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hami.region.Region;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throttle's decisions against a simulated clock (docs/compute.md). */
class ThrottleTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    @TempDir
    Path dir;
    Region region;
    SimClock clock = new SimClock();
    int tenant;

    @BeforeEach
    void open() throws Exception {
        region = Region.openOrCreate(dir.resolve("r.region"));
        tenant = region.findOrCreateTenant("t", new long[] {0}, false);
    }

    /** Launches kernels of {@code cost} back to back for {@code seconds}: the GPU time they add up to, per second. */
    private double busyFraction(Throttle throttle, long cost, long seconds) {
        long end = clock.nanoTime() + seconds * SECOND;
        long gpu = 0;
        while (clock.nanoTime() < end) {
            throttle.admit(0, cost);
            clock.advance(5_000); // the launch call itself
            gpu += cost;
        }
        return gpu / (double) (seconds * SECOND);
    }

    @Test
    void a_share_is_a_rate_of_gpu_time_whatever_the_kernel_size() {
        for (int share : new int[] {25, 50, 75}) {
            for (long cost : new long[] {100_000, MS, 10 * MS}) {
                region.setSmShare(tenant, 0, share);
                Throttle throttle = new Throttle(region, tenant, false, clock);
                busyFraction(throttle, cost, 1); // the burst allowance is spent in the first second
                assertThat(busyFraction(throttle, cost, 10)).as("share %d, kernels of %d ns", share, cost)
                        .isCloseTo(share / 100.0, within(0.01));
            }
        }
    }

    @Test
    void the_cost_scale_books_less_of_each_launch() {
        region.setSmShare(tenant, 0, 40);
        new ComputeLines(region.segment()).setCostScale(tenant, 0, 800);
        Throttle throttle = new Throttle(region, tenant, false, clock);
        busyFraction(throttle, MS, 1);
        assertThat(busyFraction(throttle, MS, 10)).isCloseTo(0.40 / 0.8, within(0.01));
    }

    /** Turns: a throttled tenant waits for a whole turn's worth, then launches it back to back; its rate holds. */
    @Test
    void turns_group_the_launches_and_keep_the_share() {
        region.setSmShare(tenant, 0, 30);
        Throttle throttle = new Throttle(region, tenant, false, clock, Throttle.Tuning.DEFAULT.withTurnNanos(10 * MS));
        busyFraction(throttle, MS, 1);
        assertThat(busyFraction(throttle, MS, 10)).isCloseTo(0.30, within(0.01));
        int backToBack = 0;
        int longest = 0;
        for (int i = 0; i < 300; i++) {
            backToBack = throttle.admit(0, MS) == 0 ? backToBack + 1 : 1;
            longest = Math.max(longest, backToBack);
            clock.advance(5_000);
        }
        assertThat(longest).as("launches of a turn: 10 ms of schedule at 30 %% = 3 ms of work").isBetween(3, 4);
    }

    /**
     * Taking turns: a turn starts only once the work another tenant queued is expected to be done (here it queues
     * 7 ms every 10 ms, as a 70 % tenant would), so the GPU never holds both queues at once; the share still holds.
     * Without it, most turns start on top of the other's queue.
     */
    @Test
    void taking_turns_waits_for_the_other_tenants_queue_to_drain() throws Exception {
        int other = region.findOrCreateTenant("other", new long[] {0}, false);
        ComputeLines lines = new ComputeLines(region.segment());
        region.setSmShare(tenant, 0, 30);
        long t0 = clock.nanoTime();
        for (long t = t0; t < t0 + 25 * SECOND; t += 10 * MS) {
            long at = t;
            clock.at(at, () -> lines.extendQueue(other, 0, at, 7 * MS));
        }
        for (boolean takeTurns : new boolean[] {false, true}) {
            Throttle throttle = new Throttle(region, tenant, false, clock,
                    Throttle.Tuning.DEFAULT.withTurnNanos(10 * MS).withTakeTurns(takeTurns));
            busyFraction(throttle, MS, 1);
            long end = clock.nanoTime() + 10 * SECOND;
            int turns = 0;
            int onTop = 0;
            long gpu = 0;
            while (clock.nanoTime() < end) {
                if (throttle.admit(0, MS) > 0) {
                    turns++;
                    onTop += lines.queueEnd(other, 0) - clock.nanoTime() > 0 ? 1 : 0;
                }
                clock.advance(5_000);
                gpu += MS;
            }
            assertThat(gpu / (double) (10 * SECOND)).as("rate, taking turns: %s", takeTurns)
                    .isCloseTo(0.30, within(0.01));
            assertThat(turns).isGreaterThan(200);
            if (takeTurns) {
                assertThat(onTop).as("turns started before the other's queue drained").isZero();
            } else {
                assertThat(onTop).as("turns started on top of the other's queue").isGreaterThan(turns / 2);
            }
        }
    }

    @Test
    void no_share_no_wait_and_the_policy_can_disable_shares() {
        Throttle unlimited = new Throttle(region, tenant, false, clock);
        assertThat(unlimited.admit(0, 10 * MS)).isZero();
        region.setSmShare(tenant, 0, 100); // HAMi: 100 is no limit
        assertThat(busyFraction(unlimited, MS, 1)).isGreaterThan(0.99);
        region.setSmShare(tenant, 0, 10);
        Throttle disabled = new Throttle(region, tenant, true, clock);
        assertThat(busyFraction(disabled, MS, 1)).isGreaterThan(0.99);
        assertThat(Throttle.engaged(region, tenant, true)).isFalse();
        assertThat(Throttle.engaged(region, tenant, false)).isTrue();
    }

    @Test
    void a_share_changed_while_running_applies_at_once() {
        region.setSmShare(tenant, 0, 20);
        Throttle throttle = new Throttle(region, tenant, false, clock);
        busyFraction(throttle, MS, 1);
        assertThat(busyFraction(throttle, MS, 5)).isCloseTo(0.20, within(0.01));
        region.setSmShare(tenant, 0, 60);
        busyFraction(throttle, MS, 1);
        assertThat(busyFraction(throttle, MS, 5)).isCloseTo(0.60, within(0.01));
    }

    @Test
    void processes_of_one_tenant_share_one_schedule() {
        region.setSmShare(tenant, 0, 40);
        Throttle a = new Throttle(region, tenant, false, clock);
        Throttle b = new Throttle(region, tenant, false, clock);
        busyFraction(a, MS, 1);
        long end = clock.nanoTime() + 10 * SECOND;
        long gpu = 0;
        while (clock.nanoTime() < end) {
            a.admit(0, MS);
            b.admit(0, MS);
            gpu += 2 * MS;
        }
        assertThat(gpu / (10.0 * SECOND)).isCloseTo(0.40, within(0.01));
    }

    @Test
    void a_high_priority_tenant_under_its_share_never_waits() throws Exception {
        int high = region.findOrCreateTenant("high", new long[] {0}, false);
        region.setPriority(high, Region.PRIORITY_HIGH);
        region.setSmShare(high, 0, 50);
        Throttle throttle = new Throttle(region, high, false, clock);
        for (int step = 0; step < 1000; step++) { // 2 ms of kernels every 10 ms: 20 % of the device
            for (int k = 0; k < 20; k++) {
                assertThat(throttle.admit(0, 100_000)).isZero();
            }
            clock.advance(10 * MS);
        }
    }

    @Test
    void a_low_priority_tenant_yields_to_an_active_high_one_but_keeps_its_minimum_and_never_waits_long()
            throws Exception {
        int high = region.findOrCreateTenant("high", new long[] {0}, false);
        region.setPriority(high, Region.PRIORITY_HIGH);
        region.setPriority(tenant, Region.PRIORITY_LOW);
        Throttle highThrottle = new Throttle(region, high, false, clock);
        Throttle low = new Throttle(region, tenant, false, clock);
        ComputeLines lines = new ComputeLines(region.segment());

        // no high-priority tenant active: the low one takes what is idle (work-conserving)
        assertThat(busyFraction(low, MS, 2)).isGreaterThan(0.99);

        // a decode-like high-priority tenant, its own actor: a 2 ms step every 10 ms; a low kernel still running when
        // a step begins delays it (without MPS the GPU runs one context at a time)
        long start = clock.nanoTime();
        long[] lowRunsUntil = {0};
        int[] steps = {0};
        int[] collisions = {0};
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            if (lowRunsUntil[0] > clock.nanoTime()) {
                collisions[0]++;
            }
            for (int k = 0; k < 20; k++) {
                highThrottle.admit(0, 100_000);
            }
            steps[0]++;
            if (clock.nanoTime() - start < 10 * SECOND) {
                clock.at(clock.nanoTime() + 10 * MS, step[0]);
            }
        };
        clock.at(start, step[0]);
        long lowGpu = 0;
        long longestWait = 0;
        while (clock.nanoTime() - start < 10 * SECOND) {
            longestWait = Math.max(longestWait, low.admit(0, MS));
            // the kernel runs once the high-priority queue is through, for 1 ms
            lowRunsUntil[0] = Math.max(clock.nanoTime(), lines.highBusyUntil(0)) + MS;
            lowGpu += MS;
            clock.advance(5_000);
        }
        double lowShare = lowGpu / (10.0 * SECOND);
        assertThat(lowShare).as("the minimum share").isGreaterThanOrEqualTo(Throttle.MIN_SHARE / 100.0 * 0.9)
                .isLessThan(Throttle.MIN_SHARE / 100.0 * 1.5);
        assertThat(longestWait).as("a bounded single wait")
                .isLessThanOrEqualTo(Throttle.MAX_YIELD_NANOS + MS * 100 / Throttle.MIN_SHARE);
        assertThat(collisions[0]).as("high steps a low kernel ran into, of %d", steps[0])
                .isLessThanOrEqualTo(steps[0] / 100);

        // the high-priority tenant goes quiet: after its window the low one has the device again
        clock.advance(Throttle.HIGH_WINDOW_NANOS + MS);
        busyFraction(low, MS, 1);
        assertThat(busyFraction(low, MS, 2)).isGreaterThan(0.99);
    }
}
