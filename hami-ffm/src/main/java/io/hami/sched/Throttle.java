package io.hami.sched;

import io.hami.region.Region;
import io.hami.region.RegionLayout;

/**
 * Decides when one launch of a tenant may go (docs/compute.md). A share is a rate of GPU time booked on the tenant's
 * schedule in the region; a high-priority tenant marks the device busy for what it queues; a low-priority tenant,
 * while a high-priority one is active, drops to the minimum share and takes its turns right after the high-priority
 * work drains. Every wait is bounded.
 */
public final class Throttle {
    /** What a low-priority tenant keeps while it yields: it never starves. */
    public static final int MIN_SHARE = 5;
    /** GPU time a tenant may run ahead of its rate after being idle (the bucket's depth, in wall time). */
    static final long BURST_NANOS = 20_000_000L;
    /**
     * How much longer a launch that must wait for its share waits, by default, so that the tenant then launches that
     * much of its schedule back to back: two tenants sharing a saturated GPU switch contexts less often (on the H200,
     * the 70 % tenant of a 30/70 pair got 64 % of the GPU with turns of 10 ms, 61 % without).
     */
    public static final long DEFAULT_TURN_NANOS = 10_000_000L;
    /** The longest a turn waits for other tenants' launched work to drain: then it goes anyway. */
    static final long MAX_TURN_WAIT_NANOS = 20_000_000L;
    /** A high-priority tenant counts as active this long after its last launch. */
    static final long HIGH_WINDOW_NANOS = 100_000_000L;
    /** A yielding launch goes within this long after the high-priority queue drained, or waits for the next gap. */
    static final long YIELD_WINDOW_NANOS = 2_000_000L;
    /** Margin on the high-priority queue's estimated end, by default. */
    public static final long DEFAULT_YIELD_GUARD_NANOS = 500_000L;
    /** The longest a yielding launch waits for a gap: then it goes anyway. */
    static final long MAX_YIELD_NANOS = 50_000_000L;
    /** The longest one launch waits for its share (only a wrong cost estimate can ask for more). */
    static final long MAX_WAIT_NANOS = 1_000_000_000L;
    private static final long POLL_NANOS = 100_000L;

    private final Region region;
    private final ComputeLines lines;
    private final int tenant;
    private final boolean sharesDisabled;
    private final Clock clock;
    private final Tuning tuning;

    /**
     * The scheduler's knobs (docs/compute.md, "tuning knobs").
     *
     * @param turnNanos a launch that must wait for its share waits this much longer (at most the burst), so that the
     *     tenant then launches that much of its schedule at once: fewer, longer turns on the GPU
     * @param takeTurns a turn also waits (bounded) until the work other tenants launched on the device is expected to
     *     be done, so that the GPU runs one context's queue at a time instead of time-slicing between two
     * @param yieldGuardNanos a yielding launch goes this long after the high-priority queue's estimated end
     */
    public record Tuning(long turnNanos, boolean takeTurns, long yieldGuardNanos) {
        public static final Tuning DEFAULT = new Tuning(DEFAULT_TURN_NANOS, true, DEFAULT_YIELD_GUARD_NANOS);

        public Tuning {
            turnNanos = Math.clamp(turnNanos, 0, BURST_NANOS);
            yieldGuardNanos = Math.clamp(yieldGuardNanos, 0, YIELD_WINDOW_NANOS);
        }

        public Tuning withTurnNanos(long nanos) {
            return new Tuning(nanos, takeTurns, yieldGuardNanos);
        }

        public Tuning withTakeTurns(boolean take) {
            return new Tuning(turnNanos, take, yieldGuardNanos);
        }
    }

    /** Without turns: the tests of the schedule itself, and the feedback's view of the share in force. */
    public Throttle(Region region, int tenant, boolean sharesDisabled, Clock clock) {
        this(region, tenant, sharesDisabled, clock, new Tuning(0, false, DEFAULT_YIELD_GUARD_NANOS));
    }

    /**
     * @param sharesDisabled {@code GPU_CORE_UTILIZATION_POLICY=disable}: SM shares are not enforced (priorities are)
     */
    public Throttle(Region region, int tenant, boolean sharesDisabled, Clock clock, Tuning tuning) {
        this.region = region;
        this.lines = new ComputeLines(region.segment());
        this.tenant = tenant;
        this.sharesDisabled = sharesDisabled;
        this.clock = clock;
        this.tuning = tuning;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * True when a tenant's launches need the gate at all: a share (unless shares are disabled), a bandwidth limit or
     * a priority. Read from the region, so {@code hami-run set} engages and releases it while the job runs.
     */
    public static boolean engaged(Region region, int tenant, boolean sharesDisabled) {
        if (region.priority(tenant) != Region.PRIORITY_NORMAL) {
            return true;
        }
        ComputeLines lines = new ComputeLines(region.segment());
        for (int d = 0; d < RegionLayout.DEVICE_CAPACITY; d++) {
            if (smShare(region, tenant, d, sharesDisabled) > 0 || lines.bandwidthLimit(tenant, d) > 0) {
                return true;
            }
        }
        return false;
    }

    /** The tenant's SM share on a device in percent as set, 0 = none (0 or ≥ 100 as in HAMi, or shares disabled). */
    static int smShare(Region region, int tenant, int device, boolean sharesDisabled) {
        int share = sharesDisabled ? 0 : region.smShare(tenant, device);
        return share <= 0 || share >= 100 ? 0 : share;
    }

    /** The share in force on a device in percent, after the bandwidth controller's scale; 0 = unlimited. */
    int share(int device) {
        int share = smShare(region, tenant, device, sharesDisabled);
        int scale = lines.bandwidthScale(tenant, device);
        if (scale < 1000) {
            share = (int) Math.max(1, (share == 0 ? 100 : share) * (long) scale / 1000);
        }
        return share;
    }

    /** True when launches on the device are paced at all: a share in force, or low priority. */
    public boolean paced(int device) {
        return share(device) > 0 || lowPriority();
    }

    /** True when launches are paced on some device: the gate then runs before every launch. */
    public boolean pacedSomewhere() {
        if (lowPriority()) {
            return true;
        }
        for (int d = 0; d < RegionLayout.DEVICE_CAPACITY; d++) {
            if (share(d) > 0) {
                return true;
            }
        }
        return false;
    }

    public boolean lowPriority() {
        return region.priority(tenant) == Region.PRIORITY_LOW;
    }

    /** True while this tenant is low-priority and a high-priority tenant is active on the device. */
    public boolean yielding(int device, long now) {
        return yielding(region.priority(tenant), device, now);
    }

    private boolean yielding(int priority, int device, long now) {
        return priority == Region.PRIORITY_LOW && now - lines.highActiveUntil(device) < 0;
    }

    /**
     * Waits for the turn of a launch estimated at {@code gpuNanos} of GPU time on {@code device}; returns the time
     * waited in nanoseconds.
     */
    public long admit(int device, long gpuNanos) {
        long now = clock.nanoTime();
        int priority = region.priority(tenant);
        if (priority == Region.PRIORITY_HIGH) {
            lines.markHigh(device, now, gpuNanos, HIGH_WINDOW_NANOS);
        }
        boolean yielding = yielding(priority, device, now);
        int share = share(device);
        if (yielding) {
            share = share == 0 ? MIN_SHARE : Math.min(share, MIN_SHARE);
        }
        long wakeAt = now;
        long booked = 0;
        boolean turn = false;
        if (share > 0) {
            booked = gpuNanos * lines.costScale(tenant, device) / 1000; // the busy-time correction
            long start = lines.book(tenant, device, now, booked * 100 / share);
            long due = start - BURST_NANOS;
            // latency matters for high priority and while yielding: no turns there
            turn = due - now > 0 && priority != Region.PRIORITY_HIGH && !yielding;
            if (turn) {
                // the schedule is absolute: waiting longer now only makes the next turn longer
                due += tuning.turnNanos();
            }
            wakeAt = Math.min(due, now + MAX_WAIT_NANOS);
        }
        if (wakeAt - now > 0) {
            clock.sleepUntil(wakeAt);
        }
        if (turn && tuning.takeTurns()) {
            awaitOthersDrained(device, clock.nanoTime() + MAX_TURN_WAIT_NANOS);
        }
        if (yielding) {
            awaitGap(device, now + MAX_YIELD_NANOS);
        }
        long launchAt = clock.nanoTime();
        if (share > 0) {
            lines.extendQueue(tenant, device, launchAt, booked);
        }
        long waited = Math.max(0, launchAt - now);
        lines.count(tenant, device, gpuNanos, waited);
        return waited;
    }

    /**
     * A turn starts once the work other tenants launched on the device is expected to be done (their published
     * queue ends), or at {@code deadline}: a tenant in the middle of its own turn is not interrupted, and the one
     * waiting does not stop the GPU from draining, so two tenants waiting for each other both go.
     */
    private void awaitOthersDrained(int device, long deadline) {
        while (true) {
            long end = othersQueueEnd(device);
            long now = clock.nanoTime();
            if (now - end >= 0 || now - deadline >= 0) {
                return;
            }
            clock.sleepUntil(end - deadline < 0 ? end : deadline);
        }
    }

    /** The latest expected end of the work the other active tenants launched on the device. */
    private long othersQueueEnd(int device) {
        long latest = Long.MIN_VALUE;
        for (int t = 0; t < RegionLayout.TENANT_CAPACITY; t++) {
            if (t != tenant && region.tenantState(t) == RegionLayout.STATE_ACTIVE) {
                long end = lines.queueEnd(t, device);
                if (end != 0 && (latest == Long.MIN_VALUE || end - latest > 0)) {
                    latest = end;
                }
            }
        }
        return latest == Long.MIN_VALUE ? clock.nanoTime() : latest;
    }

    /**
     * A yielding launch goes in a gap: after the high-priority queue's estimated end, and no later than the yield
     * window after it (a launch later than that would run into the next high-priority step). Bounded by
     * {@code deadline}.
     */
    private void awaitGap(int device, long deadline) {
        while (true) {
            long now = clock.nanoTime();
            if (now - deadline >= 0 || now - lines.highActiveUntil(device) >= 0) {
                return;
            }
            long gapStart = lines.highBusyUntil(device) + tuning.yieldGuardNanos();
            if (now - gapStart >= 0 && now - gapStart <= YIELD_WINDOW_NANOS) {
                return;
            }
            clock.sleepUntil(Math.min(deadline, now - gapStart < 0 ? gapStart : now + POLL_NANOS));
        }
    }
}
