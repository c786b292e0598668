package io.hami.sched;

/**
 * Holds a throttled tenant's share by what the device measured (docs/compute.md, "Busy-time correction"): the time
 * any kernel ran by NVML GPM, attributed to the tenant by its part of the GPU time charged meanwhile, against its
 * share. Timings of sampled launches can run high (kernels of one process that overlap, a start event that fires
 * before the kernel can start), and a throttled tenant then gets less than its share; the cost scale lowers what
 * each launch books until the measured time is the share. It never books more than the estimate: a device busier
 * than the share may be running work nobody charged (a process without hooks), which is no reason to slow a tenant.
 */
public final class BusyCorrection {
    static final int FULL = 1000;
    /** Estimates are taken to be at most twice too high. */
    static final int MIN_SCALE = 500;
    /**
     * With other tenants charged meanwhile, from here on the device is saturated: tenants taking turns on a full GPU
     * lose time to context switches, and a part of its busy time attributed by charges says little.
     */
    static final double SHARED_SATURATED_PERCENT = 90;
    /** Less measured than this is no information (nothing of ours ran). */
    static final double MIN_BUSY_PERCENT = 0.5;

    private BusyCorrection() {}

    /**
     * The next cost scale (per mille) from the current one.
     *
     * @param deviceBusy the device's busy time over the interval by GPM, in percent; below zero: no reading
     * @param ourPart this tenant's part of the GPU time charged on the device over the interval (0 to 1)
     * @param share the share in force, in percent
     * @param throttled whether this tenant waited for its share in the interval (only then is its rate its share's)
     * @param alone whether no other tenant was charged on the device in the interval
     */
    public static int next(int scale, double deviceBusy, double ourPart, int share, boolean throttled, boolean alone) {
        if (!throttled || deviceBusy < 0 || share <= 0 || !alone && deviceBusy >= SHARED_SATURATED_PERCENT) {
            return scale;
        }
        double busy = deviceBusy * ourPart;
        if (busy < MIN_BUSY_PERCENT) {
            return scale;
        }
        // booked = estimate × scale, so the busy time moves as 1 / scale: this target makes it the share
        double target = Math.clamp(scale * busy / share, MIN_SCALE, FULL);
        return (int) Math.round(scale + (target - scale) / 2); // half way each step: one odd interval moves it little
    }
}
