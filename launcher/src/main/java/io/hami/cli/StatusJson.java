package io.hami.cli;

import io.hami.region.RegionSnapshot;
import io.hami.region.RegionSnapshot.Process;
import io.hami.region.RegionSnapshot.ProcessDevice;
import io.hami.region.RegionSnapshot.Tenant;
import io.hami.region.RegionSnapshot.TenantDevice;
import io.hami.sched.Nvml.Reading;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code hami-run status --json}: the snapshot as stable JSON (docs/cli.md draws it). Field names and meanings only
 * ever grow: a new field may appear, an existing one keeps its name, type and meaning while {@code format} is 1.
 */
final class StatusJson {
    static final int FORMAT = 1;

    private StatusJson() {}

    static String of(RegionSnapshot snapshot) {
        return of(snapshot, Map.of());
    }

    /** With what each device measured ({@link DeviceMeter#read}); a device without a reading gets nulls. */
    static String of(RegionSnapshot snapshot, Map<Integer, Reading> readings) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("region", snapshot.path().toString());
        root.put("timeMillis", snapshot.takenMillis());
        root.put("tenants", snapshot.tenants().stream().sorted(Comparator.comparing(Tenant::name))
                .map(StatusJson::tenant).toList());
        root.put("processes", snapshot.processes().stream()
                .sorted(Comparator.comparing(Process::tenantName).thenComparingLong(Process::pid))
                .map(StatusJson::process).toList());
        if (!snapshot.devices().isEmpty()) { // what the tenants' and processes' device indices are
            root.put("devices", snapshot.devices().stream()
                    .map(d -> device(d, readings.getOrDefault(d.index(), Reading.NONE))).toList());
        }
        return Json.write(root);
    }

    private static Map<String, Object> device(RegionSnapshot.Device device, Reading reading) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", device.index());
        json.put("uuid", device.uuid());
        json.put("busyPercent", percent(reading.busy()));
        json.put("dramBandwidthPercent", percent(reading.dram()));
        return json;
    }

    /** A measured percent to one decimal, null where there is no reading. */
    private static Double percent(double percent) {
        return Formats.isMeasured(percent) ? Math.round(percent * 10) / 10.0 : null;
    }

    private static Map<String, Object> tenant(Tenant tenant) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", tenant.name());
        json.put("ephemeral", tenant.ephemeral());
        json.put("createdMillis", tenant.createdMillis());
        json.put("priority", Formats.priority(tenant.priority()));
        json.put("liveProcesses", tenant.liveProcesses());
        json.put("devices", tenant.devices().stream().map(StatusJson::tenantDevice).toList());
        return json;
    }

    private static Map<String, Object> tenantDevice(TenantDevice device) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("device", device.device());
        json.put("usedBytes", device.used());
        json.put("limitBytes", device.limit());
        json.put("smShare", device.smShare());
        RegionSnapshot.Compute compute = device.compute();
        json.put("launches", compute.launches());
        json.put("gpuNanos", compute.gpuNanos());
        json.put("throttledLaunches", compute.throttled());
        json.put("waitNanos", compute.waitNanos());
        json.put("bandwidthLimit", compute.bandwidthLimit());
        return json;
    }

    private static Map<String, Object> process(Process process) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", process.pid());
        json.put("state", process.alive() ? "alive" : "dead");
        json.put("tenant", process.tenantName());
        json.put("command", process.command());
        json.put("slot", process.slot());
        json.put("heartbeatMillis", process.heartbeatMillis());
        json.put("devices", process.devices().stream().map(StatusJson::processDevice).toList());
        json.put("importedBytes", process.imported());
        json.put("hostResidentBytes", process.hostResident());
        return json;
    }

    private static Map<String, Object> processDevice(ProcessDevice device) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("device", device.device());
        json.put("usedBytes", device.used());
        return json;
    }
}
