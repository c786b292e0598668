package io.hami.sched;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each kind of launch costs in GPU time, learned from sampled timings: per kernel and grid size (or per
 * graph), the lower quartile of its last few samples. Another context's time slice only ever stretches a sample (on
 * a shared GPU most samples of a busy tenant can be stretched), so the low end is the kernel's own time. A launch
 * never seen yet is charged the process's running average. A launch into an idle GPU queue is sampled less often
 * ({@link #sampleDue}): the event recorded before it would delay it.
 */
public final class KernelCosts {
    static final int SAMPLES = 8;
    /** Samples a new kind of launch gets before it is sampled only now and then. */
    static final int LEARNING_SAMPLES = 3;
    /** After learning, one launch in this many is sampled again (kernels change with their data). */
    static final int RESAMPLE_EVERY = 64;
    /**
     * A launch into an idle GPU queue is sampled only after this many launches without a sample: the timing's own
     * work would delay it (a decode step's first kernel), while a launch behind queued work hides it.
     */
    static final int IDLE_RESAMPLE_EVERY = 1024;
    /** Before anything is measured: a typical small kernel. */
    static final long INITIAL_AVERAGE_NANOS = 20_000;
    /** Which of a kind's samples is its cost: the lower quartile (docs/compute.md, "Kernel-aware costs"). */
    public static final int DEFAULT_PERCENTILE = 25;
    /** Past this many kinds the table starts again (a program generating kernels must not grow it forever). */
    static final int MAX_KINDS = 8192;

    private static final class Estimate {
        final long[] samples = new long[SAMPLES];
        int count;
        volatile long nanos;
        volatile boolean sampling;
        /** Launches since the last sample (racy when counted by {@link #notSampled}: a rough cadence). */
        volatile int sinceSample;
    }

    private final ConcurrentHashMap<Long, Estimate> kinds = new ConcurrentHashMap<>();
    private volatile long average = INITIAL_AVERAGE_NANOS;
    private final int percentile;

    public KernelCosts() {
        this(DEFAULT_PERCENTILE);
    }

    /** @param percentile which of a kind's recent samples is its cost (0 = the fastest, 50 = the median) */
    public KernelCosts(int percentile) {
        this.percentile = Math.clamp(percentile, 0, 100);
    }

    /** A kernel launch: the function and its grid (the same kernel on another grid is another cost). */
    public static long kernelKey(long function, long gridX, long gridY, long gridZ) {
        long blocks = (gridX & 0xffff_ffffL) * (gridY & 0xffff_ffffL) * (gridZ & 0xffff_ffffL);
        return function * 0x9E37_79B9_7F4A_7C15L + blocks;
    }

    /** A graph launch: the executable graph. */
    public static long graphKey(long graphExec) {
        return ~graphExec;
    }

    /** Estimated GPU time of one launch of this kind, in nanoseconds. */
    public long estimate(long key) {
        return estimate(kinds.get(key));
    }

    private long estimate(Estimate e) {
        return e == null || e.count == 0 ? average : e.nanos;
    }

    /**
     * Whether this launch should be timed: a new kind until it has a few samples (one at a time), then one launch
     * in {@link #RESAMPLE_EVERY}. Claims the sample: the caller reports it with {@link #record} or {@link #abandon}.
     */
    public boolean claimSample(long key) {
        Estimate e = kinds.get(key);
        if (e == null) {
            if (kinds.size() >= MAX_KINDS) {
                kinds.clear();
            }
            e = kinds.computeIfAbsent(key, k -> new Estimate());
        }
        synchronized (e) {
            if (e.sampling) {
                return false;
            }
            boolean wanted = e.count < LEARNING_SAMPLES || ++e.sinceSample >= RESAMPLE_EVERY;
            if (wanted) {
                e.sinceSample = 0;
            }
            e.sampling = wanted;
            return wanted;
        }
    }

    /**
     * Whether {@link #claimSample} would take this launch, without claiming it; on an {@code idleQueue} only a kind
     * still learning or not sampled for {@link #IDLE_RESAMPLE_EVERY} launches is due.
     */
    public boolean sampleDue(long key, boolean idleQueue) {
        Estimate e = kinds.get(key);
        if (e == null) {
            return true;
        }
        return !e.sampling && (e.count < LEARNING_SAMPLES
                || e.sinceSample + 1 >= (idleQueue ? IDLE_RESAMPLE_EVERY : RESAMPLE_EVERY));
    }

    /**
     * A launch of this kind went untimed without {@link #claimSample} (it was not {@link #sampleDue}); returns its
     * {@link #estimate} (one lookup for both: this is every launch of a tenant that goes first).
     */
    public long notSampled(long key) {
        Estimate e = kinds.get(key);
        if (e != null) {
            e.sinceSample++;
        }
        return estimate(e);
    }

    /** True while this kind has never been measured and its first timing is on the GPU. */
    public boolean firstSampleOutstanding(long key) {
        Estimate e = kinds.get(key);
        return e != null && e.count == 0 && e.sampling;
    }

    /** A timed launch took {@code nanos} on the GPU. */
    public void record(long key, long nanos) {
        Estimate e = kinds.get(key);
        if (e == null) {
            return; // the table started again meanwhile
        }
        long cost;
        synchronized (e) {
            e.samples[e.count++ % SAMPLES] = nanos;
            long[] recent = Arrays.copyOf(e.samples, Math.min(e.count, SAMPLES));
            Arrays.sort(recent);
            cost = recent[(recent.length - 1) * percentile / 100];
            e.nanos = cost;
            e.sampling = false;
        }
        average += (nanos - average) / 16; // racy on purpose: a rough default for unseen kinds
    }

    /** A claimed sample that could not be taken (no event, a failed launch, a capture). */
    public void abandon(long key) {
        Estimate e = kinds.get(key);
        if (e != null) {
            synchronized (e) {
                e.sampling = false;
            }
        }
    }
}
