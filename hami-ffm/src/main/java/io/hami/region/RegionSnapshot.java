package io.hami.region;

import static io.hami.region.RegionLayout.DEVICE_CAPACITY;
import static io.hami.region.RegionLayout.SLOT_CAPACITY;
import static io.hami.region.RegionLayout.STATE_ACTIVE;
import static io.hami.region.RegionLayout.TENANT_CAPACITY;

import io.hami.sched.ComputeLines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of a region's tenants and process slots for display ({@code hami-run status}, {@code top}, jshell). Built
 * only from {@link Region}'s public reads; it never writes, never reclaims and takes no lock but the liveness probe
 * of {@link Region#slotAlive}.
 *
 * <p>Consistent enough, not atomic: each record is read whole and kept only if it was ACTIVE, under the same name or
 * pid, before and after the read (a record freed or reused meanwhile is read again, up to {@value #ATTEMPTS} times,
 * else left out). Counters keep moving while they are read, so a tenant's total may differ from the sum of its
 * processes by an allocation in flight.
 *
 * <p>Only devices with something to show are listed: a tenant's devices with a memory limit, usage or an SM share,
 * a process's devices with usage.
 */
public record RegionSnapshot(Path path, long takenMillis, List<Tenant> tenants, List<Process> processes,
        List<Device> devices) {
    private static final int ATTEMPTS = 3;

    public RegionSnapshot {
        tenants = List.copyOf(tenants);
        processes = List.copyOf(processes);
        devices = List.copyOf(devices);
    }

    public RegionSnapshot(Path path, long takenMillis, List<Tenant> tenants, List<Process> processes) {
        this(path, takenMillis, tenants, processes, List.of());
    }

    /** A region device: the index tenants' limits and usage are kept at, and its GPU's UUID (GPU-…). */
    public record Device(int index, String uuid) {
        /** GPU-xxxxxxxx..yyyy: enough to tell GPUs apart and to find them in nvidia-smi -L. */
        public String shortUuid() {
            return uuid.length() < 20 ? uuid : uuid.substring(0, 12) + ".." + uuid.substring(uuid.length() - 4);
        }
    }

    /**
     * One device of a tenant: bytes accounted, limit (0 = none), SM share in percent (0 = none), and what its
     * launches did there.
     */
    public record TenantDevice(int device, long used, long limit, int smShare, Compute compute) {
        public TenantDevice(int device, long used, long limit, int smShare) {
            this(device, used, limit, smShare, Compute.NONE);
        }

        /** Usage above a limit: lowered below current use, new allocations are refused until usage falls. */
        public boolean overLimit() {
            return limit != 0 && used > limit;
        }
    }

    /**
     * A tenant's compute line on one device, counted since the tenant began (docs/region.md): launches seen by the
     * gate, their estimated GPU time, the time they waited and how many waited; the bandwidth limit in percent (0 =
     * none).
     */
    public record Compute(long launches, long gpuNanos, long waitNanos, long throttled, int bandwidthLimit) {
        public static final Compute NONE = new Compute(0, 0, 0, 0, 0);

        static Compute read(ComputeLines lines, int tenant, int device) {
            return new Compute(lines.launches(tenant, device), lines.gpuNanos(tenant, device),
                    lines.waitNanos(tenant, device), lines.throttled(tenant, device),
                    lines.bandwidthLimit(tenant, device));
        }

        /** True once a launch went through the compute gate, or a bandwidth limit is set: status shows it. */
        public boolean seen() {
            return launches != 0 || bandwidthLimit != 0;
        }
    }

    /** One device of a process: the bytes it holds there. */
    public record ProcessDevice(int device, long used) {}

    /**
     * An active tenant. {@code priority} is the stored value ({@link Region#PRIORITY_NORMAL} and its neighbours);
     * {@code liveProcesses} counts its slots whose process is alive.
     */
    public record Tenant(int index, String name, boolean ephemeral, long createdMillis, int priority,
            List<TenantDevice> devices, int liveProcesses) {
        public Tenant {
            devices = List.copyOf(devices);
        }

        public long used(int device) {
            return devices.stream().filter(d -> d.device() == device).mapToLong(TenantDevice::used).sum();
        }

        public long limit(int device) {
            return devices.stream().filter(d -> d.device() == device).mapToLong(TenantDevice::limit).sum();
        }
    }

    /**
     * An active process slot. {@code tenantName} is the name of its tenant record ({@code ?} if that record is not
     * active); {@code alive} comes from the slot's lock, so a dead process shows until someone reclaims its slot.
     * {@code imported}: bytes it maps from other processes' memory (charged to them); {@code hostResident}: bytes it
     * holds in host memory through oversubscription (charged to no device).
     */
    public record Process(int slot, long pid, String command, int tenant, String tenantName, long heartbeatMillis,
            List<ProcessDevice> devices, boolean alive, long imported, long hostResident) {
        public Process {
            devices = List.copyOf(devices);
        }

        public Process(int slot, long pid, String command, int tenant, String tenantName, long heartbeatMillis,
                List<ProcessDevice> devices, boolean alive) {
            this(slot, pid, command, tenant, tenantName, heartbeatMillis, devices, alive, 0, 0);
        }

        public long used(int device) {
            return devices.stream().filter(d -> d.device() == device).mapToLong(ProcessDevice::used).sum();
        }
    }

    public static RegionSnapshot of(Region region) {
        long taken = System.currentTimeMillis();
        List<Tenant> tenants = new ArrayList<>();
        String[] names = new String[TENANT_CAPACITY];
        for (int t = 0; t < TENANT_CAPACITY; t++) {
            Tenant tenant = readTenant(region, t);
            if (tenant != null) {
                tenants.add(tenant);
                names[t] = tenant.name();
            }
        }
        List<Process> processes = new ArrayList<>();
        int[] live = new int[TENANT_CAPACITY];
        for (int s = 0; s < SLOT_CAPACITY; s++) {
            Process process = readSlot(region, s, names);
            if (process != null) {
                processes.add(process);
                if (process.alive() && process.tenant() >= 0 && process.tenant() < TENANT_CAPACITY) {
                    live[process.tenant()]++;
                }
            }
        }
        List<Tenant> counted = tenants.stream()
                .map(t -> new Tenant(t.index(), t.name(), t.ephemeral(), t.createdMillis(), t.priority(), t.devices(),
                        live[t.index()]))
                .toList();
        List<Device> devices = new ArrayList<>();
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            byte[] uuid = region.deviceUuid(d);
            if (uuid != null) {
                devices.add(new Device(d, Region.uuidText(uuid)));
            }
        }
        return new RegionSnapshot(region.path(), taken, counted, processes, devices);
    }

    private static Tenant readTenant(Region region, int t) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (region.tenantState(t) != STATE_ACTIVE) {
                return null;
            }
            String name = region.tenantName(t);
            boolean ephemeral = region.tenantEphemeral(t);
            long created = region.tenantCreatedMillis(t);
            int priority = region.priority(t);
            List<TenantDevice> devices = new ArrayList<>();
            ComputeLines lines = new ComputeLines(region.segment());
            for (int d = 0; d < DEVICE_CAPACITY; d++) {
                long used = region.used(t, d);
                long limit = region.limit(t, d);
                int sm = region.smShare(t, d);
                Compute compute = Compute.read(lines, t, d);
                if (used != 0 || limit != 0 || sm != 0 || compute.seen()) {
                    devices.add(new TenantDevice(d, used, limit, sm, compute));
                }
            }
            if (region.isTenant(t, name)) { // still the same tenant: keep what was read
                return new Tenant(t, name, ephemeral, created, priority, devices, 0);
            }
        }
        return null;
    }

    private static Process readSlot(Region region, int s, String[] tenantNames) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (region.slotState(s) != STATE_ACTIVE) {
                return null;
            }
            long pid = region.slotPid(s);
            int tenant = region.slotTenant(s);
            String command = region.slotCommand(s);
            long heartbeat = region.slotHeartbeat(s);
            List<ProcessDevice> devices = new ArrayList<>();
            for (int d = 0; d < DEVICE_CAPACITY; d++) {
                long used = region.slotUsed(s, d);
                if (used != 0) {
                    devices.add(new ProcessDevice(d, used));
                }
            }
            boolean alive = region.slotAlive(s);
            if (region.slotState(s) == STATE_ACTIVE && region.slotPid(s) == pid && region.slotTenant(s) == tenant) {
                String tenantName = tenant >= 0 && tenant < TENANT_CAPACITY && tenantNames[tenant] != null
                        ? tenantNames[tenant] : "?";
                return new Process(s, pid, command, tenant, tenantName, heartbeat, devices, alive,
                        region.slotImported(s), region.slotHostResident(s));
            }
        }
        return null;
    }
}
