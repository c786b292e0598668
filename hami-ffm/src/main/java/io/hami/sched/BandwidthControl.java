package io.hami.sched;

/**
 * Holds a tenant under a DRAM bandwidth limit by scaling its SM share (docs/compute.md): bandwidth is bought with GPU
 * time, so a memory-bound tenant given less time moves fewer bytes. A multiplicative controller on the measured
 * bandwidth: above the limit the scale shrinks in proportion, below it grows back by at most a tenth per step.
 */
public final class BandwidthControl {
    /** Per mille of the share the controller never goes below: a tenant is slowed, never stopped. */
    static final int MIN_SCALE = 20;
    static final int FULL = 1000;

    private BandwidthControl() {}

    /**
     * The next scale (per mille) from the current one, the tenant's measured share of the device's DRAM bandwidth
     * and its limit, both in percent; a measurement below zero (none) keeps the scale.
     */
    public static int next(int scale, double measuredPercent, int limitPercent) {
        if (limitPercent <= 0) {
            return FULL;
        }
        if (measuredPercent < 0) {
            return scale;
        }
        double ratio = limitPercent / Math.max(measuredPercent, 0.1);
        // aim a little under the limit; grow back slowly, so a burst of traffic is not a cycle of overshoots
        double target = scale * Math.min(ratio * 0.97, 1.1);
        return (int) Math.max(MIN_SCALE, Math.min(FULL, Math.round(target)));
    }
}
