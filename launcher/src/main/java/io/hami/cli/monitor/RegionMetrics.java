package io.hami.cli.monitor;

import io.hami.region.Region;
import io.hami.region.RegionException;
import io.hami.region.RegionSnapshot;
import io.hami.region.RegionSnapshot.Process;
import io.hami.region.RegionSnapshot.ProcessDevice;
import io.hami.region.RegionSnapshot.Tenant;
import io.hami.region.RegionSnapshot.TenantDevice;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The metrics of {@code hami-run monitor} (docs/monitor.md lists them): at every scrape each region of
 * {@link RegionFiles} is opened read-only, copied with {@link RegionSnapshot} and closed, so that a scrape shows the
 * region as it is now and files may come and go. Reads only: never writes, never reclaims a dead process's slot.
 */
public final class RegionMetrics implements MultiCollector {
    static final Metric REGION_UP = gauge("hami_region_up",
            "1 if the region file could be read at this scrape, 0 if not (foreign, truncated, newer layout, gone)");
    static final Metric MEMORY_USED = gauge("hami_tenant_memory_used_bytes",
            "Device memory accounted to the tenant on the device", Unit.BYTES);
    static final Metric MEMORY_LIMIT = gauge("hami_tenant_memory_limit_bytes",
            "The tenant's memory limit on the device (only devices with a limit)", Unit.BYTES);
    static final Metric SM_SHARE = gauge("hami_tenant_sm_share_percent",
            "The tenant's SM share on the device in percent (only devices with a share)");
    static final Metric PRIORITY = gauge("hami_tenant_priority", "The tenant's priority: -1 low, 0 normal, 1 high");
    static final Metric PROCESSES = gauge("hami_tenant_processes",
            "Process slots of the tenant; state=dead: the process is gone and its slot not reclaimed yet");
    static final Metric PROCESS_MEMORY = gauge("hami_process_memory_used_bytes",
            "Device memory a process holds on the device", Unit.BYTES);
    static final Metric REFUSALS = counter("hami_tenant_allocations_refused",
            "Allocations refused because the tenant's limit would have been exceeded");

    private final RegionFiles files;
    private final Consumer<String> log;
    /** The last failure reported per file, so that a file that stays broken is reported once, not every scrape. */
    private final Map<Path, String> reported = new ConcurrentHashMap<>();

    /** {@code log} receives one line when a region becomes unreadable and one when it is readable again. */
    public RegionMetrics(RegionFiles files, Consumer<String> log) {
        this.files = files;
        this.log = log;
    }

    @Override
    public MetricSnapshots collect() {
        Scrape scrape = new Scrape();
        List<Path> paths = files.paths();
        for (Path path : paths) {
            String region = path.toString();
            RegionSnapshot snapshot;
            try (Region shared = Region.openReadOnly(path)) {
                snapshot = RegionSnapshot.of(shared);
            } catch (RegionException | RuntimeException e) {
                scrape.add(REGION_UP, 0, "region", region);
                if (!String.valueOf(e.getMessage()).equals(reported.put(path, String.valueOf(e.getMessage())))) {
                    log.accept("cannot read " + path + ": " + e.getMessage());
                }
                continue;
            }
            if (reported.remove(path) != null) {
                log.accept("reading " + path + " again");
            }
            scrape.add(REGION_UP, 1, "region", region);
            add(scrape, region, snapshot);
        }
        reported.keySet().retainAll(paths); // a file that went away may come back broken: report it again then
        return scrape.snapshots();
    }

    private static void add(Scrape scrape, String region, RegionSnapshot snapshot) {
        Map<Integer, int[]> deadByTenant = new LinkedHashMap<>();
        for (Process process : snapshot.processes()) {
            if (!process.alive()) {
                deadByTenant.computeIfAbsent(process.tenant(), t -> new int[1])[0]++;
            }
            for (ProcessDevice device : process.devices()) {
                // the slot keeps two processes of one pid (two PID namespaces sharing a region) apart
                scrape.add(PROCESS_MEMORY, device.used(), "region", region, "tenant", process.tenantName(),
                        "pid", Long.toString(process.pid()), "slot", Integer.toString(process.slot()),
                        "device", Integer.toString(device.device()));
            }
        }
        for (Tenant tenant : snapshot.tenants()) {
            String name = tenant.name();
            scrape.add(PRIORITY, tenant.priority(), "region", region, "tenant", name);
            scrape.add(PROCESSES, tenant.liveProcesses(), "region", region, "tenant", name, "state", "alive");
            int[] dead = deadByTenant.get(tenant.index());
            scrape.add(PROCESSES, dead == null ? 0 : dead[0], "region", region, "tenant", name, "state", "dead");
            for (TenantDevice device : tenant.devices()) {
                String d = Integer.toString(device.device());
                scrape.add(MEMORY_USED, device.used(), "region", region, "tenant", name, "device", d);
                if (device.limit() != 0) { // 0 is "no limit", not a limit of 0 bytes: no sample rather than a lie
                    scrape.add(MEMORY_LIMIT, device.limit(), "region", region, "tenant", name, "device", d);
                }
                if (device.smShare() != 0) {
                    scrape.add(SM_SHARE, device.smShare(), "region", region, "tenant", name, "device", d);
                }
            }
            addCompute(scrape, region, tenant);
        }
    }

    /**
     * Per tenant and device compute gauges (SM time used, throttle wait) from the region's compute section (layout
     * 1.1): the one place they are added, once {@link RegionSnapshot} carries them. Nothing yet.
     */
    private static void addCompute(Scrape scrape, String region, Tenant tenant) {
        // the compute section's fields join RegionSnapshot.TenantDevice; add one Metric per field above and here:
        // scrape.add(SM_TIME_USED, device.smTimeUsed(), "region", region, "tenant", tenant.name(), "device", d);
    }

    /** A metric family: its name (without {@code _total} for a counter), help, unit and type. */
    record Metric(String name, String help, Unit unit, boolean counter) {}

    private static Metric gauge(String name, String help) {
        return new Metric(name, help, null, false);
    }

    private static Metric gauge(String name, String help, Unit unit) {
        return new Metric(name, help, unit, false);
    }

    private static Metric counter(String name, String help) {
        return new Metric(name, help, null, true);
    }

    /** The samples of one scrape, grouped by family: the client wants each family once, with all its points. */
    static final class Scrape {
        private final Map<Metric, List<Object>> points = new LinkedHashMap<>();
        private final Set<List<Object>> seen = new HashSet<>();

        /** A second sample with the same labels (a record read while it was being reused) is dropped, not fatal. */
        void add(Metric metric, double value, String... labels) {
            Labels set = Labels.of(labels);
            if (!seen.add(List.of(metric, set))) {
                return;
            }
            points.computeIfAbsent(metric, m -> new ArrayList<>()).add(metric.counter()
                    ? CounterDataPointSnapshot.builder().labels(set).value(value).build()
                    : GaugeDataPointSnapshot.builder().labels(set).value(value).build());
        }

        MetricSnapshots snapshots() {
            List<MetricSnapshot> families = new ArrayList<>();
            points.forEach((metric, list) -> families.add(metric.counter() ? counter(metric, list)
                    : gauge(metric, list)));
            return new MetricSnapshots(families);
        }

        private static MetricSnapshot gauge(Metric metric, List<Object> list) {
            GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(metric.name()).help(metric.help());
            if (metric.unit() != null) {
                builder.unit(metric.unit());
            }
            list.forEach(point -> builder.dataPoint((GaugeDataPointSnapshot) point));
            return builder.build();
        }

        private static MetricSnapshot counter(Metric metric, List<Object> list) {
            CounterSnapshot.Builder builder = CounterSnapshot.builder().name(metric.name()).help(metric.help());
            list.forEach(point -> builder.dataPoint((CounterDataPointSnapshot) point));
            return builder.build();
        }
    }
}
