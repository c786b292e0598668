package io.hami.sched;

/**
 * Corrects the estimated cost of launches by what the device measured (docs/compute.md, "Busy-time correction"): the
 * time any kernel ran by NVML GPM, over the GPU time the hooked tenants' launches were charged meanwhile. Timings of
 * sampled launches can run high (a start event that fires before the kernel can start, kernels of one process that
 * overlap); a throttled tenant then gets less than its share of the device. The correction only ever lowers the
 * costs: a device busier than charged may be running work nobody charged (a tenant without hooks), which is no reason
 * to slow the tenants that are charged.
 */
public final class BusyCorrection {
    static final int FULL = 1000;
    /** Estimates are taken to be at most twice too high. */
    static final int MIN_SCALE = 500;
    /** From here on the device is saturated: its busy time no longer tells how long the launches took. */
    static final double SATURATED_PERCENT = 97;
    /**
     * The same with other tenants charged meanwhile: tenants taking turns on a saturated GPU lose time to context
     * switches, which NVML does not always count as busy; a correction learned there would favour the throttled one.
     */
    static final double SHARED_SATURATED_PERCENT = 90;
    /** Charged GPU time below this part of the interval is too little to learn from. */
    static final double MIN_CHARGED_PERCENT = 5;

    private BusyCorrection() {}

    /**
     * The next cost scale (per mille) from the current one.
     *
     * @param busyPercent the device's busy time over the interval by GPM, below zero when there is no reading
     * @param chargedPercent GPU time charged to all hooked tenants on the device over the interval, in percent of it
     * @param throttled whether this tenant waited for its share in the interval (only then is its rate its share's)
     * @param alone whether no other tenant was charged on the device in the interval
     */
    public static int next(int scale, double busyPercent, double chargedPercent, boolean throttled, boolean alone) {
        if (!throttled || busyPercent < 0 || busyPercent >= (alone ? SATURATED_PERCENT : SHARED_SATURATED_PERCENT)
                || chargedPercent < MIN_CHARGED_PERCENT) {
            return scale;
        }
        double target = Math.clamp(FULL * busyPercent / chargedPercent, MIN_SCALE, FULL);
        return (int) Math.round(scale + (target - scale) / 2); // half way each step: one odd interval moves it little
    }
}
