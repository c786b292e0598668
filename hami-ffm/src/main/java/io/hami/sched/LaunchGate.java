package io.hami.sched;

import java.util.ArrayDeque;

/**
 * One process's side of compute sharing, around each launch the hooks see: learn what launches cost from sampled
 * timings, keep the GPU from running far behind the launches (the in-flight bound), and let the throttle decide when
 * the launch goes (docs/compute.md). A tenant that never waits (no share and no low priority on any device) has its
 * launches go to the GPU first and its accounting done after them ({@link #goesFirst}): on an idle GPU every
 * microsecond before a launch is latency (a decode step's first kernel).
 */
public final class LaunchGate {
    /** The token of a launch that went first ({@link #goesFirst}): {@link #accountAfter} does its accounting. */
    public static final long WENT_FIRST = Long.MIN_VALUE;
    /** A sample at least every this much launched GPU work (estimated): the timings double as the in-flight bound's
     * fences. */
    static final long FENCE_INTERVAL_NANOS = 1_000_000L;
    /** How often launches look at outstanding samples and at whether the tenant is paced anywhere. */
    static final long POLL_INTERVAL_NANOS = 200_000L;
    /** Less launched work than this ahead of a launch counts as an idle GPU queue (see {@link #goesFirst}). */
    static final long IDLE_QUEUE_NANOS = 50_000L;
    /** How much launched GPU work may wait in the queue: a throttled tenant, a low-priority one, one that yields. */
    static final long MAX_LAG_NANOS = 20_000_000L;
    static final long LOW_MAX_LAG_NANOS = 4_000_000L;
    static final long YIELDING_MAX_LAG_NANOS = 1_000_000L;
    /** The in-flight wait never exceeds this (a stream stopped by the program itself must not stop us for ever). */
    static final long MAX_FENCE_WAIT_NANOS = 1_000_000_000L;
    static final int MAX_PENDING = 128;
    private static final long FENCE_POLL_NANOS = 20_000L;

    /** One timed launch: its timer token, its kind, and the GPU work launched up to it (estimated, ns). */
    private record Pending(long token, long key, long issuedAt) {}

    private final Throttle throttle;
    private final KernelCosts costs;
    private final GpuTimer timer;
    private final Clock clock;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>(); // guarded by this
    private volatile long lastPoll;
    /** GPU work launched so far (estimated, ns); where the last fence stood on that scale. */
    private final java.util.concurrent.atomic.AtomicLong issued = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastFence;
    /** When this process's launched work is expected to be done (estimated; racy between threads on purpose). */
    private volatile long queueEnd;
    /** Whether the tenant is paced on some device (a share or low priority), as of the last poll. */
    private volatile boolean pacedSomewhere;

    public LaunchGate(Throttle throttle, KernelCosts costs, GpuTimer timer) {
        this.throttle = throttle;
        this.costs = costs;
        this.timer = timer;
        this.clock = throttle.clock();
        this.lastPoll = clock.nanoTime();
        this.lastFence = -FENCE_INTERVAL_NANOS;
        this.queueEnd = lastPoll;
        this.pacedSomewhere = throttle.pacedSomewhere();
    }

    /**
     * True when this launch may go to the GPU before any of the gate's work: the tenant waits on no device, and the
     * launch is not due to be timed (a timing starts with an event recorded before the launch; on an idle queue only
     * now and then). Pass {@link #WENT_FIRST} and the device to {@link #accountAfter} once it went.
     */
    public boolean goesFirst(long key) {
        return !pacedSomewhere && !costs.sampleDue(key, queueEnd - clock.nanoTime() < IDLE_QUEUE_NANOS);
    }

    /** The accounting of a launch that {@link #goesFirst went first}, after it went; the throttle never waits here. */
    public void accountAfter(int device, long key) {
        issue(device, costs.notSampled(key));
        poll();
    }

    /**
     * Before a launch of kind {@code key} on {@code device}: returns a timer token when this launch is to be timed
     * (pass it to {@link #after}), else 0.
     */
    public long before(int device, long key, long stream, boolean perThreadStream) {
        // a tenant neither throttled nor low-priority (a high-priority one without a share) needs no bound and no
        // fences: only its costs, for the high-priority queue's end it publishes
        boolean paced = throttle.paced(device);
        if (paced) {
            long lag = throttle.yielding(device, clock.nanoTime()) ? YIELDING_MAX_LAG_NANOS
                    : throttle.lowPriority() ? LOW_MAX_LAG_NANOS : MAX_LAG_NANOS;
            boundInFlight(lag, key);
        }
        long work = issue(device, costs.estimate(key));
        // claimed first, always: a claim is released only by record or abandon
        boolean sample = costs.claimSample(key);
        if (sample || paced && work - lastFence >= FENCE_INTERVAL_NANOS) {
            long token = timer.begin(stream, perThreadStream);
            if (token != 0) {
                lastFence = work;
                return token;
            }
            if (sample) {
                costs.abandon(key);
            }
        }
        return 0;
    }

    /** A launch estimated at {@code cost}: waits for its turn (never for a tenant that goes first); returns the GPU work
     * launched so far. */
    private long issue(int device, long cost) {
        throttle.admit(device, cost);
        long now = clock.nanoTime();
        long end = queueEnd;
        queueEnd = (end - now > 0 ? end : now) + cost;
        return issued.addAndGet(cost);
    }

    /** Now and then, after a launch (the GPU is busy with it meanwhile): take in finished timings, look again at
     * whether the tenant is paced anywhere. */
    private void poll() {
        long now = clock.nanoTime();
        if (now - lastPoll >= POLL_INTERVAL_NANOS) {
            lastPoll = now;
            pacedSomewhere = throttle.pacedSomewhere();
            drain();
        }
    }

    /** After a launch that went through {@link #before}: {@code result} is the driver's answer to it. */
    public void after(long token, long key, long stream, boolean perThreadStream, int result) {
        poll();
        if (token == 0) {
            return;
        }
        if (result != 0 || !timer.end(token, stream, perThreadStream)) {
            if (result != 0) {
                timer.release(token);
            }
            costs.abandon(key);
            return;
        }
        Pending dropped = null;
        synchronized (this) {
            if (pending.size() >= MAX_PENDING) {
                dropped = pending.pollFirst();
            }
            pending.addLast(new Pending(token, key, issued.get()));
        }
        if (dropped != null) {
            timer.release(dropped.token());
            costs.abandon(dropped.key());
        }
    }

    /** Takes in every finished timing at the head of the queue. */
    void drain() {
        while (true) {
            Pending head;
            long nanos;
            synchronized (this) {
                head = pending.peekFirst();
                if (head == null) {
                    return;
                }
                nanos = timer.poll(head.token());
                if (nanos == GpuTimer.NOT_READY) {
                    return;
                }
                pending.pollFirst();
            }
            timer.release(head.token());
            if (nanos >= 0) {
                costs.record(head.key(), nanos);
            } else {
                costs.abandon(head.key());
            }
        }
    }

    /**
     * Waits until the GPU has finished every timed launch with more than {@code lag} of GPU work launched after it
     * (so at most about {@code lag} of work waits in the queue, by the estimates), and until the first timing of a
     * kind never measured is in (so an unknown kernel is charged a guess once, not for a whole queue of launches).
     */
    private void boundInFlight(long lag, long key) {
        long deadline = clock.nanoTime() + MAX_FENCE_WAIT_NANOS;
        while (true) {
            Pending mark = null;
            long work = issued.get();
            synchronized (this) {
                for (Pending p : pending) {
                    boolean unknownKind = p.key() == key && costs.firstSampleOutstanding(key);
                    if (unknownKind || work - p.issuedAt() > lag) {
                        mark = p; // the newest one that must be finished: earlier ones finish before it
                    }
                }
            }
            if (mark == null || clock.nanoTime() - deadline >= 0) {
                return;
            }
            if (timer.poll(mark.token()) != GpuTimer.NOT_READY) {
                drain();
                continue;
            }
            clock.sleepUntil(clock.nanoTime() + FENCE_POLL_NANOS);
        }
    }
}
