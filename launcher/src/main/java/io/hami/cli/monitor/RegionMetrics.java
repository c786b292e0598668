package io.hami.cli.monitor;

import io.hami.region.Region;
import io.hami.region.RegionException;
import io.hami.region.RegionLayout;
import io.hami.region.RegionSnapshot;
import io.hami.region.RegionSnapshot.Process;
import io.hami.region.RegionSnapshot.ProcessDevice;
import io.hami.region.RegionSnapshot.Tenant;
import io.hami.region.RegionSnapshot.TenantDevice;
import io.hami.sched.ComputeLines;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The metrics of {@code hami-run monitor} (docs/monitor.md lists them): at every scrape each region of
 * {@link RegionFiles} is opened read-only, copied with {@link RegionSnapshot} and closed, so that a scrape shows the
 * region as it is now and files may come and go. Reads only: never writes, never reclaims a dead process's slot.
 */
public final class RegionMetrics implements MultiCollector {
    private static final int DEVICE_CAPACITY = RegionLayout.DEVICE_CAPACITY;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    static final Metric REGION_UP = gauge("hami_region_up",
            "1 if the region file could be read at this scrape, 0 if not (truncated, another layout version, gone)");
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
    static final Metric DEVICE = new Metric("hami_device", "A GPU of the region: the device label of the other "
            + "metrics is its record's index; uuid is NVML's name of it", null, Kind.INFO);
    static final Metric GPU_TIME = counter("hami_tenant_gpu_seconds",
            "Estimated GPU time of the tenant's kernel launches on the device", Unit.SECONDS);
    static final Metric THROTTLE_WAIT = counter("hami_tenant_throttle_wait_seconds",
            "Time the tenant's launches waited for their turn under its SM share", Unit.SECONDS);
    static final Metric LAUNCHES = counter("hami_tenant_launches", "Kernel launches of the tenant charged on the device");
    static final Metric THROTTLED = counter("hami_tenant_launches_throttled",
            "Kernel launches of the tenant that waited for their turn");

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
            Scrape read = new Scrape();
            try (Region shared = Region.openReadOnly(path)) {
                snapshot = RegionSnapshot.of(shared);
                addRecords(read, region, shared, snapshot);
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
            scrape.addAll(read);
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
        }
    }

    /**
     * What {@link RegionSnapshot} does not copy, read from the open region: the devices (layout 2.0's device
     * records), each tenant's refusal counter and its compute lines. A value is kept only if its tenant record still
     * holds the same tenant after the read (one reused meanwhile is left out of this scrape).
     */
    private static void addRecords(Scrape scrape, String region, Region shared, RegionSnapshot snapshot) {
        MemorySegment segment = shared.segment();
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            long base = RegionLayout.deviceOffset(d);
            if ((int) INT.getAcquire(segment, base + RegionLayout.DEVICE_STATE_OFFSET) == RegionLayout.STATE_ACTIVE) {
                scrape.add(DEVICE, 1, "region", region, "device", Integer.toString(d), "uuid",
                        uuid(segment.asSlice(base + RegionLayout.DEVICE_UUID_OFFSET, RegionLayout.UUID_LENGTH)));
            }
        }
        for (Tenant tenant : snapshot.tenants()) {
            Scrape lines = new Scrape();
            lines.add(REFUSALS, shared.refusals(tenant.index()), "region", region, "tenant", tenant.name());
            addCompute(lines, region, segment, tenant);
            if (shared.isTenant(tenant.index(), tenant.name())) {
                scrape.addAll(lines);
            }
        }
    }

    /**
     * Per tenant and device compute counters, from the tenant's compute lines (docs/region.md, "Compute line"): the
     * one place compute metrics are added. Only devices where the tenant has launched anything are listed.
     */
    private static void addCompute(Scrape scrape, String region, MemorySegment segment, Tenant tenant) {
        ComputeLines compute = new ComputeLines(segment);
        int t = tenant.index();
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            long launches = compute.launches(t, d);
            if (launches == 0) {
                continue;
            }
            String[] labels = {"region", region, "tenant", tenant.name(), "device", Integer.toString(d)};
            scrape.add(LAUNCHES, launches, labels);
            scrape.add(THROTTLED, compute.throttled(t, d), labels);
            scrape.add(GPU_TIME, Unit.nanosToSeconds(compute.gpuNanos(t, d)), labels);
            scrape.add(THROTTLE_WAIT, Unit.nanosToSeconds(compute.waitNanos(t, d)), labels);
        }
    }

    /** The 16 UUID bytes as NVML writes them: GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx. */
    static String uuid(MemorySegment bytes) {
        return Region.uuidText(bytes.toArray(ValueLayout.JAVA_BYTE));
    }

    enum Kind { GAUGE, COUNTER, INFO }

    /** A metric family: its name (without the {@code _total} of a counter or the {@code _info} of an info), help, unit, type. */
    record Metric(String name, String help, Unit unit, Kind kind) {}

    private static Metric gauge(String name, String help) {
        return new Metric(name, help, null, Kind.GAUGE);
    }

    private static Metric gauge(String name, String help, Unit unit) {
        return new Metric(name, help, unit, Kind.GAUGE);
    }

    private static Metric counter(String name, String help) {
        return new Metric(name, help, null, Kind.COUNTER);
    }

    private static Metric counter(String name, String help, Unit unit) {
        return new Metric(name, help, unit, Kind.COUNTER);
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
            points.computeIfAbsent(metric, m -> new ArrayList<>()).add(switch (metric.kind()) {
                case GAUGE -> GaugeDataPointSnapshot.builder().labels(set).value(value).build();
                case COUNTER -> CounterDataPointSnapshot.builder().labels(set).value(value).build();
                case INFO -> InfoDataPointSnapshot.builder().labels(set).build();
            });
        }

        /** Takes every sample of {@code other}. */
        void addAll(Scrape other) {
            other.points.forEach((metric, list) -> list.forEach(point -> {
                Labels labels = ((DataPointSnapshot) point).getLabels();
                if (seen.add(List.of(metric, labels))) {
                    points.computeIfAbsent(metric, m -> new ArrayList<>()).add(point);
                }
            }));
        }

        MetricSnapshots snapshots() {
            List<MetricSnapshot> families = new ArrayList<>();
            points.forEach((metric, list) -> families.add(switch (metric.kind()) {
                case GAUGE -> build(GaugeSnapshot.builder(), metric, list,
                        (b, p) -> b.dataPoint((GaugeDataPointSnapshot) p)).build();
                case COUNTER -> build(CounterSnapshot.builder(), metric, list,
                        (b, p) -> b.dataPoint((CounterDataPointSnapshot) p)).build();
                case INFO -> build(InfoSnapshot.builder(), metric, list,
                        (b, p) -> b.dataPoint((InfoDataPointSnapshot) p)).build();
            }));
            return new MetricSnapshots(families);
        }

        private static <B extends MetricSnapshot.Builder<B>> B build(B builder, Metric metric, List<Object> list,
                BiConsumer<B, Object> add) {
            builder.name(metric.name()).help(metric.help());
            if (metric.unit() != null) {
                builder.unit(metric.unit());
            }
            list.forEach(point -> add.accept(builder, point));
            return builder;
        }
    }
}
