package io.hami.sched;

import io.hami.log.Log;
import io.hami.region.Region;
import io.hami.region.RegionLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * What the device measured, fed back into one tenant's compute sharing; stepped by the agent's periodic thread
 * (every quarter second). Per device, one NVML GPM reading: its DRAM bandwidth, attributed to this tenant by its part
 * of the GPU time the hooked tenants were charged meanwhile, moves the bandwidth scale ({@link BandwidthControl});
 * its busy time against that charged time moves the cost scale ({@link BusyCorrection}). Both scales live in the
 * tenant's compute line, so every process of the tenant applies them (docs/compute.md). Devices are region devices,
 * GPUs named by UUID, which is how NVML is asked for them.
 */
public final class ComputeFeedback {
    /** A longer interval since the device's last step (its first, or one after a pause) gives no rate. */
    static final long MAX_INTERVAL_NANOS = 1_000_000_000L;
    /** {@code off}: costs are the sampled timings alone (the correction is new: a way back if it misbehaves). */
    public static final String BUSY_CORRECTION_VARIABLE = "HAMI_COMPUTE_BUSY_CORRECTION";
    private final Region region;
    private final ComputeLines lines;
    private final int tenant;
    private final boolean sharesDisabled;
    private final Clock clock;
    private final boolean busyCorrection;
    /** Not for launches: the share in force, as the launches' throttle computes it. */
    private final Throttle throttle;
    /** A region device's meter (its reading since the last call), or empty where it has none. */
    private final IntFunction<Optional<Supplier<Nvml.Reading>>> meterOf;
    private Optional<Nvml> nvml;
    private final Map<Integer, Optional<Supplier<Nvml.Reading>>> meters = new HashMap<>();
    private final long[][] lastGpuNanos = new long[RegionLayout.TENANT_CAPACITY][RegionLayout.DEVICE_CAPACITY];
    private final long[] lastThrottled = new long[RegionLayout.DEVICE_CAPACITY];
    private final long[] lastStep = new long[RegionLayout.DEVICE_CAPACITY];
    private final boolean[] warned = new boolean[RegionLayout.DEVICE_CAPACITY];

    public ComputeFeedback(Region region, int tenant, boolean sharesDisabled, boolean busyCorrection, Clock clock) {
        this(region, tenant, sharesDisabled, busyCorrection, clock, null);
    }

    /** @param meterOf a region device's meter; null: NVML GPM, the GPU found by the device's UUID */
    ComputeFeedback(Region region, int tenant, boolean sharesDisabled, boolean busyCorrection, Clock clock,
                    IntFunction<Optional<Supplier<Nvml.Reading>>> meterOf) {
        this.meterOf = meterOf != null ? meterOf : this::gpm;
        this.region = region;
        this.lines = new ComputeLines(region.segment());
        this.tenant = tenant;
        this.sharesDisabled = sharesDisabled;
        this.clock = clock;
        this.busyCorrection = busyCorrection;
        this.throttle = new Throttle(region, tenant, sharesDisabled, clock);
    }

    public void step() {
        for (int d = 0; d < RegionLayout.DEVICE_CAPACITY; d++) {
            int limit = lines.bandwidthLimit(tenant, d);
            boolean shared = Throttle.smShare(region, tenant, d, sharesDisabled) > 0;
            boolean corrected = shared && busyCorrection;
            if (limit <= 0 && lines.bandwidthScale(tenant, d) != BandwidthControl.FULL) {
                lines.setBandwidthScale(tenant, d, BandwidthControl.FULL);
            }
            if (!corrected && lines.costScale(tenant, d) != BusyCorrection.FULL) {
                lines.setCostScale(tenant, d, BusyCorrection.FULL); // a share set again later learns afresh
            }
            if (!shared && limit <= 0 || lines.launches(tenant, d) == 0) {
                continue; // nothing to hold, or a device the tenant has not launched on (or one this machine lacks)
            }
            long now = clock.nanoTime();
            long interval = now - lastStep[d];
            lastStep[d] = now;
            long[] charged = charged(d); // {ours, all}
            double ours = charged[1] == 0 ? 1.0 : charged[0] / (double) charged[1];
            long throttled = lines.throttled(tenant, d);
            boolean waited = throttled != lastThrottled[d];
            lastThrottled[d] = throttled;
            Nvml.Reading reading = meter(d, limit > 0).map(Supplier::get).orElse(Nvml.Reading.NONE);
            if (limit > 0 && interval < MAX_INTERVAL_NANOS) { // the first step only opens the meter's interval
                double measured = reading.dram() < 0 ? -1 : reading.dram() * ours;
                int scale = BandwidthControl.next(lines.bandwidthScale(tenant, d), measured, limit);
                lines.setBandwidthScale(tenant, d, scale);
                if (Log.enabled(Log.DEBUG)) {
                    Log.debug("bandwidth on device " + d + ": " + reading.dram() + " % of the DRAM's, " + ours
                            + " of it ours, limit " + limit + " %: share scale " + scale + " per mille");
                }
            }
            if (corrected && charged[1] > 0 && interval < MAX_INTERVAL_NANOS) { // a late step: what ran is unclear
                int inForce = throttle.share(d);
                int scale = BusyCorrection.next(lines.costScale(tenant, d), reading.busy(), ours, inForce, waited,
                        charged[0] == charged[1]);
                lines.setCostScale(tenant, d, scale);
                if (Log.enabled(Log.DEBUG)) {
                    Log.debug(String.format("busy time on device %d: %.1f %% measured, %.2f of the charges ours, share "
                            + "%d %%, throttled %s: cost scale %d per mille", d, reading.busy(), ours, inForce, waited,
                            scale));
                }
            }
        }
    }

    /** The GPU time charged since the last step on the device: to this tenant, and to all hooked tenants. */
    private long[] charged(int device) {
        long ours = 0;
        long all = 0;
        for (int t = 0; t < RegionLayout.TENANT_CAPACITY; t++) {
            if (region.tenantState(t) != RegionLayout.STATE_ACTIVE) {
                continue;
            }
            long now = lines.gpuNanos(t, device);
            long delta = Math.max(0, now - lastGpuNanos[t][device]);
            lastGpuNanos[t][device] = now;
            all += delta;
            if (t == tenant) {
                ours = delta;
            }
        }
        return new long[] {ours, all};
    }

    private Optional<Supplier<Nvml.Reading>> meter(int device, boolean bandwidthLimited) {
        Optional<Supplier<Nvml.Reading>> meter = meters.computeIfAbsent(device, meterOf::apply);
        if (meter.isEmpty() && bandwidthLimited && !warned[device]) {
            warned[device] = true;
            Log.warn("device " + device + " has a bandwidth limit but no DRAM bandwidth measurement (NVML GPM needs "
                    + "Hopper or later and NVML from the driver): the limit does nothing there");
        }
        return meter;
    }

    private Optional<Supplier<Nvml.Reading>> gpm(int device) {
        if (nvml == null) {
            nvml = Nvml.load();
        }
        // a region device is a GPU by UUID (docs/region.md): NVML finds it by the same name
        String uuid = region.deviceState(device) == RegionLayout.STATE_ACTIVE
                ? Region.uuidText(region.deviceUuid(device)) : null;
        return uuid == null ? Optional.empty() : nvml.flatMap(n -> n.gpm(uuid)).map(g -> g::read);
    }
}
