package io.hami.sched;

import io.hami.log.Log;
import io.hami.region.Region;
import io.hami.region.RegionLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bandwidth limits of one tenant, stepped by the agent's periodic thread (every quarter second): the device's
 * DRAM bandwidth by NVML GPM, attributed to this tenant by its part of the GPU time the hooked tenants used meanwhile
 * (docs/compute.md), moves the tenant's scale in the region with {@link BandwidthControl}. Devices are region devices,
 * GPUs named by UUID, which is how NVML is asked for them.
 */
public final class BandwidthLimiter {
    private final Region region;
    private final ComputeLines lines;
    private final int tenant;
    private Optional<Nvml> nvml;
    private final Map<Integer, Optional<Nvml.DramBandwidth>> meters = new HashMap<>();
    private final long[][] lastGpuNanos = new long[RegionLayout.TENANT_CAPACITY][RegionLayout.DEVICE_CAPACITY];

    public BandwidthLimiter(Region region, int tenant) {
        this.region = region;
        this.lines = new ComputeLines(region.segment());
        this.tenant = tenant;
    }

    public void step() {
        for (int d = 0; d < RegionLayout.DEVICE_CAPACITY; d++) {
            int limit = lines.bandwidthLimit(tenant, d);
            if (limit > 0 && lines.launches(tenant, d) == 0) {
                continue; // a device the tenant has not launched on (or one this machine lacks): nothing to hold
            }
            if (limit <= 0) {
                if (lines.bandwidthScale(tenant, d) != BandwidthControl.FULL) {
                    lines.setBandwidthScale(tenant, d, BandwidthControl.FULL);
                }
                continue;
            }
            double attributed = attribution(d);
            double device = meter(d).map(Nvml.DramBandwidth::percent).orElse(-1.0);
            double measured = device < 0 ? -1 : device * attributed;
            int scale = BandwidthControl.next(lines.bandwidthScale(tenant, d), measured, limit);
            lines.setBandwidthScale(tenant, d, scale);
            if (Log.enabled(Log.DEBUG)) {
                Log.debug("bandwidth on device " + d + ": " + device + " % of the DRAM's, " + attributed
                        + " of it ours, limit " + limit + " %: share scale " + scale + " per mille");
            }
        }
    }

    /** This tenant's part of the GPU time the hooked tenants used on the device since the last step (1 alone). */
    private double attribution(int device) {
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
        return all == 0 ? 1.0 : ours / (double) all;
    }

    private Optional<Nvml.DramBandwidth> meter(int device) {
        return meters.computeIfAbsent(device, d -> {
            if (nvml == null) {
                nvml = Nvml.load();
            }
            // a region device is a GPU by UUID (docs/region.md): NVML finds it by the same name
            String uuid = region.deviceState(d) == RegionLayout.STATE_ACTIVE
                    ? Region.uuidText(region.deviceUuid(d)) : null;
            Optional<Nvml.DramBandwidth> meter =
                    uuid == null ? Optional.empty() : nvml.flatMap(n -> n.dramBandwidth(uuid));
            if (meter.isEmpty()) {
                Log.warn("device " + d + " has a bandwidth limit but no DRAM bandwidth measurement (NVML GPM needs "
                        + "Hopper or later and NVML from the driver): the limit does nothing there");
            }
            return meter;
        });
    }
}
