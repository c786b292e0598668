package io.hami.cli;

import static io.hami.cli.Formats.columns;
import static io.hami.cli.Formats.left;
import static io.hami.cli.Formats.right;

import io.hami.region.RegionSnapshot;
import io.hami.region.RegionSnapshot.Compute;
import io.hami.region.RegionSnapshot.Device;
import io.hami.region.RegionSnapshot.Process;
import io.hami.region.RegionSnapshot.ProcessDevice;
import io.hami.region.RegionSnapshot.Tenant;
import io.hami.region.RegionSnapshot.TenantDevice;
import io.hami.sched.Nvml.Reading;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A region snapshot as text tables for a terminal of {@value #WIDTH} columns: the GPUs (with what they measured, when
 * measured), tenants with one row per run of devices that read alike, their compute per device (once a launch went
 * through the gate), then processes with one row per device they use. Every line fits the width: long names and
 * commands end with an ellipsis, long paths start with one.
 */
final class StatusView {
    static final int WIDTH = 80;

    private static final int KIND = 5;
    private static final int DEV = 5;
    private static final int SIZE = 10;
    private static final int SM = 4;
    private static final int PRIO = 6;
    private static final int PROCS = 5;
    /** Columns left for the tenant name in the tenant table: the rest plus the 7 spaces between 8 columns. */
    private static final int TENANT_MAX = WIDTH - (KIND + DEV + SIZE + SIZE + SM + PRIO + PROCS) - 7;
    private static final int PID = 7;
    private static final int STATE = 5;
    private static final int PDEV = 3;
    private static final int PTENANT_MAX = 20;
    private static final int NAME_MIN = 6;
    private static final int UUID = 40;
    private static final int PERCENT = 4;
    private static final int LAUNCHES = 8;
    private static final int TIME = 10;
    private static final int PART = 5;
    private static final int THROTTLED = 9;
    private static final int BW = 4;
    /** Columns left for the tenant name in the compute table: the rest plus the 7 spaces between 8 columns. */
    private static final int CTENANT_MAX = WIDTH - (DEV + LAUNCHES + TIME + PART + THROTTLED + TIME + BW) - 7;

    private final String ellipsis;

    StatusView(String ellipsis) {
        this.ellipsis = ellipsis;
    }

    /** The tables, with the {@code GPUs} line where the devices were not measured. */
    List<String> lines(RegionSnapshot snapshot) {
        return lines(snapshot, null);
    }

    /**
     * The tables; {@code readings} by region device index as {@link DeviceMeter#read} gives them, or null where the
     * devices were not measured: then a {@code GPUs} line stands for the device table.
     */
    List<String> lines(RegionSnapshot snapshot, Map<Integer, Reading> readings) {
        List<String> lines = new ArrayList<>();
        List<Tenant> tenants = snapshot.tenants().stream().sorted(Comparator.comparing(Tenant::name)).toList();
        List<Process> processes = snapshot.processes().stream()
                .sorted(Comparator.comparing(Process::tenantName).thenComparingLong(Process::pid)).toList();
        String path = Formats.printable(snapshot.path().toString());
        lines.add("region " + Formats.truncateStart(path, WIDTH - "region ".length(), ellipsis));
        lines.add(summary(snapshot));
        if (!snapshot.devices().isEmpty() && readings != null) {
            lines.add("");
            lines.addAll(deviceTable(snapshot.devices(), readings));
        } else if (!snapshot.devices().isEmpty()) { // dev columns are region devices: physical GPUs, by UUID
            StringBuilder gpus = new StringBuilder("GPUs");
            for (RegionSnapshot.Device device : snapshot.devices()) {
                String item = " " + device.index() + "=" + device.shortUuid();
                if (gpus.length() + item.length() > WIDTH) {
                    lines.add(gpus.toString());
                    gpus = new StringBuilder("    ");
                }
                gpus.append(item);
            }
            lines.add(gpus.toString());
        }
        if (!tenants.isEmpty()) {
            lines.add("");
            lines.addAll(tenantTable(tenants));
        }
        List<String> compute = computeTable(tenants);
        if (!compute.isEmpty()) {
            lines.add("");
            lines.addAll(compute);
        }
        if (!processes.isEmpty()) {
            lines.add("");
            lines.addAll(processTable(processes));
        }
        List<String> notes = new ArrayList<>();
        for (Tenant tenant : tenants) {
            for (TenantDevice device : tenant.devices()) {
                if (device.overLimit()) {
                    notes.add("over limit: " + Formats.printable(tenant.name()) + " uses "
                            + Formats.size(device.used()) + " of " + Formats.size(device.limit()) + " on device "
                            + device.device() + "; its new allocations there are refused until usage falls below "
                            + "the limit");
                }
            }
        }
        if (!notes.isEmpty()) {
            lines.add("");
            notes.forEach(note -> lines.addAll(wrap(note)));
        }
        return lines;
    }

    private static String summary(RegionSnapshot snapshot) {
        long dead = snapshot.processes().stream().filter(p -> !p.alive()).count();
        int tenants = snapshot.tenants().size();
        int processes = snapshot.processes().size();
        return tenants == 0 && processes == 0 ? "no tenants"
                : plural(tenants, "tenant") + ", " + plural(processes, "process")
                        + (dead > 0 ? " (" + dead + " dead)" : "");
    }

    private static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : noun.endsWith("s") ? "es" : "s");
    }

    private List<String> tenantTable(List<Tenant> tenants) {
        int name = Math.clamp(tenants.stream().mapToInt(t -> columns(t.name())).max().orElse(0), NAME_MIN,
                TENANT_MAX);
        List<String> lines = new ArrayList<>();
        lines.add(tenantRow(name, "TENANT", "KIND", "DEV", "USED", "LIMIT", "SM", "PRIO", "PROCS"));
        for (Tenant tenant : tenants) {
            List<List<TenantDevice>> runs = runs(tenant.devices());
            String kind = tenant.ephemeral() ? "job" : "named";
            String procs = Integer.toString(tenant.liveProcesses());
            String tenantName = Formats.printable(tenant.name());
            String priority = Formats.priority(tenant.priority());
            if (runs.isEmpty()) {
                lines.add(tenantRow(name, tenantName, kind, "-", Formats.size(0), Formats.limit(0), "-", priority,
                        procs));
            }
            for (int i = 0; i < runs.size(); i++) {
                List<TenantDevice> run = runs.get(i);
                TenantDevice first = run.getFirst();
                String devices = Formats.devices(run.stream().map(TenantDevice::device).toList());
                String sm = first.smShare() == 0 ? "-" : first.smShare() + "%";
                lines.add(i == 0
                        ? tenantRow(name, tenantName, kind, devices, Formats.size(first.used()),
                                Formats.limit(first.limit()), sm, priority, procs)
                        : tenantRow(name, "", "", devices, Formats.size(first.used()), Formats.limit(first.limit()),
                                sm, "", ""));
            }
        }
        return lines;
    }

    /** Consecutive devices with the same usage, limit and SM share: one row {@code 1-15} instead of 15. */
    private static List<List<TenantDevice>> runs(List<TenantDevice> devices) {
        List<List<TenantDevice>> runs = new ArrayList<>();
        List<TenantDevice> current = null;
        for (TenantDevice device : devices) {
            TenantDevice last = current == null ? null : current.getLast();
            if (last != null && last.device() + 1 == device.device() && last.used() == device.used()
                    && last.limit() == device.limit() && last.smShare() == device.smShare()) {
                current.add(device);
            } else {
                current = new ArrayList<>(List.of(device));
                runs.add(current);
            }
        }
        return runs;
    }

    private String tenantRow(int name, String tenant, String kind, String dev, String used, String limit, String sm,
            String prio, String procs) {
        return String.join(" ", left(tenant, name, ellipsis), left(kind, KIND, ellipsis), left(dev, DEV, ellipsis),
                right(used, SIZE, ellipsis), right(limit, SIZE, ellipsis), right(sm, SM, ellipsis),
                left(prio, PRIO, ellipsis), right(procs, PROCS, ellipsis)).stripTrailing();
    }

    /** One row per GPU: what it measured over the sample, {@code -} where nothing was. */
    private List<String> deviceTable(List<Device> devices, Map<Integer, Reading> readings) {
        List<String> lines = new ArrayList<>();
        lines.add(deviceRow("DEV", "UUID", "BUSY", "DRAM"));
        for (Device device : devices) {
            Reading reading = readings.getOrDefault(device.index(), Reading.NONE);
            lines.add(deviceRow(Integer.toString(device.index()), Formats.printable(device.uuid()),
                    Formats.measured(reading.busy()), Formats.measured(reading.dram())));
        }
        return lines;
    }

    private String deviceRow(String dev, String uuid, String busy, String dram) {
        return String.join(" ", left(dev, 3, ellipsis), left(uuid, UUID, ellipsis), right(busy, PERCENT, ellipsis),
                right(dram, PERCENT, ellipsis)).stripTrailing();
    }

    /**
     * One row per tenant device the compute gate has seen, counted since the tenant began: its launches, their GPU
     * time and its part of all tenants' GPU time on that device, the launches that waited and how long, the
     * bandwidth limit. Nothing while no share, priority or bandwidth limit engages the gate.
     */
    private List<String> computeTable(List<Tenant> tenants) {
        Map<Integer, Double> charged = new HashMap<>(); // all tenants' GPU time per device (a double never wraps)
        int name = 0;
        for (Tenant tenant : tenants) {
            for (TenantDevice device : tenant.devices()) {
                if (device.compute().seen()) {
                    charged.merge(device.device(), (double) Math.max(0, device.compute().gpuNanos()), Double::sum);
                    name = Math.max(name, columns(tenant.name()));
                }
            }
        }
        if (charged.isEmpty()) {
            return List.of();
        }
        name = Math.clamp(name, NAME_MIN, CTENANT_MAX);
        List<String> lines = new ArrayList<>();
        lines.add(computeRow(name, "TENANT", "DEV", "LAUNCHES", "GPU TIME", "PART", "THROTTLED", "WAIT", "BW"));
        for (Tenant tenant : tenants) {
            String tenantName = Formats.printable(tenant.name());
            for (TenantDevice device : tenant.devices()) {
                Compute compute = device.compute();
                if (!compute.seen()) {
                    continue;
                }
                double all = charged.get(device.device());
                String part = all == 0 ? "-" : Math.round(100.0 * Math.max(0, compute.gpuNanos()) / all) + "%";
                String throttled = compute.launches() == 0 ? "-"
                        : String.format(Locale.ROOT, "%.1f%%", 100.0 * compute.throttled() / compute.launches());
                String bw = compute.bandwidthLimit() == 0 ? "-" : compute.bandwidthLimit() + "%";
                lines.add(computeRow(name, tenantName, Integer.toString(device.device()),
                        Formats.count(compute.launches()), Formats.duration(compute.gpuNanos()), part, throttled,
                        Formats.duration(compute.waitNanos()), bw));
                tenantName = "";
            }
        }
        return lines;
    }

    private String computeRow(int name, String tenant, String dev, String launches, String time, String part,
            String throttled, String wait, String bw) {
        return String.join(" ", left(tenant, name, ellipsis), left(dev, DEV, ellipsis),
                right(launches, LAUNCHES, ellipsis), right(time, TIME, ellipsis), right(part, PART, ellipsis),
                right(throttled, THROTTLED, ellipsis), right(wait, TIME, ellipsis), right(bw, BW, ellipsis))
                .stripTrailing();
    }

    private List<String> processTable(List<Process> processes) {
        int tenant = Math.clamp(processes.stream().mapToInt(p -> columns(p.tenantName())).max().orElse(0), NAME_MIN,
                PTENANT_MAX);
        int command = WIDTH - (PID + STATE + tenant + PDEV + SIZE) - 5;
        List<String> lines = new ArrayList<>();
        lines.add(processRow(tenant, command, "PID", "STATE", "TENANT", "DEV", "USED", "COMMAND"));
        for (Process process : processes) {
            String pid = Long.toString(process.pid());
            String state = process.alive() ? "alive" : "dead";
            String name = Formats.printable(process.tenantName());
            String cmd = Formats.printable(process.command());
            List<ProcessDevice> devices = process.devices();
            if (devices.isEmpty()) {
                lines.add(processRow(tenant, command, pid, state, name, "-", Formats.size(0), cmd));
            }
            for (int i = 0; i < devices.size(); i++) {
                ProcessDevice device = devices.get(i);
                String dev = Integer.toString(device.device());
                lines.add(i == 0
                        ? processRow(tenant, command, pid, state, name, dev, Formats.size(device.used()), cmd)
                        : processRow(tenant, command, "", "", "", dev, Formats.size(device.used()), ""));
            }
            if (process.imported() != 0 || process.hostResident() != 0) { // charged elsewhere or to no device
                lines.add(processRow(tenant, command, "", "", "", "", "", "imported " + Formats.size(process.imported())
                        + ", host-resident " + Formats.size(process.hostResident())));
            }
        }
        return lines;
    }

    private String processRow(int tenant, int command, String pid, String state, String name, String dev,
            String used, String cmd) {
        return String.join(" ", right(pid, PID, ellipsis), left(state, STATE, ellipsis), left(name, tenant, ellipsis),
                right(dev, PDEV, ellipsis), right(used, SIZE, ellipsis), left(cmd, command, ellipsis)).stripTrailing();
    }

    /** Words onto lines of at most {@value #WIDTH} columns, continuation lines indented by two. */
    private List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String indent = lines.isEmpty() ? "" : "  ";
            if (!line.isEmpty() && columns(indent + line) + 1 + columns(word) > WIDTH) {
                lines.add(indent + line);
                line.setLength(0);
                indent = "  ";
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(Formats.truncate(word, WIDTH - indent.length(), ellipsis));
        }
        if (!line.isEmpty()) {
            lines.add((lines.isEmpty() ? "" : "  ") + line);
        }
        return lines;
    }
}
