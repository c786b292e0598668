package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import io.hami.region.RegionSnapshot;
import io.hami.sched.ComputeLines;
import io.hami.sched.Nvml;
import io.hami.sched.Nvml.Reading;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hami-run status} over regions written by this test as live and killed processes would leave them. */
class StatusCommandTest {
    /** A tenant device's compute fields before any launch went through the gate. */
    private static final String NO_COMPUTE =
            ", \"launches\": 0, \"gpuNanos\": 0, \"throttledLaunches\": 0, \"waitNanos\": 0, \"bandwidthLimit\": 0}";

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @TempDir
    Path root;

    FakeHost host;
    Path path;

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(root);
        path = root.resolve("test.region");
    }

    /** Readings handed out in order, one map per call; every call and every device list it was given recorded. */
    static final class FakeMeter implements DeviceMeter {
        final Deque<Map<Integer, Reading>> readings = new ArrayDeque<>();
        final List<List<Integer>> calls = new ArrayList<>();

        FakeMeter(List<Map<Integer, Reading>> readings) {
            this.readings.addAll(readings);
        }

        @Override
        public Map<Integer, Reading> read(List<RegionSnapshot.Device> devices) {
            calls.add(devices.stream().map(RegionSnapshot.Device::index).toList());
            return readings.isEmpty() ? Map.of() : readings.poll();
        }
    }

    /** The meters status asked for (a test that must measure nothing sets {@code null}) and the sleeps it took. */
    FakeMeter meter;
    int metersMade;
    final List<Long> sleeps = new ArrayList<>();

    private CliRun measuredStatus(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "status";
        all[1] = "--region";
        all[2] = path.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return CliRun.run(host, (CommandLine cli) -> {
            StatusCommand status = cli.getSubcommands().get("status").getCommand();
            status.meters = () -> {
                metersMade++;
                return meter;
            };
            status.sleeper = sleeps::add;
        }, all);
    }

    private static final byte[] UUID0 = {0x46, 0x41, 0x4b, 0x45, 0x43, 0x55, 0x44, 0x41, (byte) 0x80, 0, 0, 0, 0, 0, 0,
        0};
    private static final byte[] UUID1 = {0x46, 0x41, 0x4b, 0x45, 0x43, 0x55, 0x44, 0x41, (byte) 0x80, 0, 0, 0, 0, 0, 0,
        1};

    /** Two GPUs; team-a with a 30 % share and a 40 % bandwidth limit on device 0, where it and job-7 launched. */
    private void sharedGpus(Region region) throws Exception {
        ForgedRegion.device(region, 0, UUID0);
        ForgedRegion.device(region, 1, UUID1);
        int a = region.findOrCreateTenant("team-a", ForgedRegion.limits(0, 8 * GIB), false);
        region.setSmShare(a, 0, 30);
        new ComputeLines(region.segment()).setBandwidthLimit(a, 0, 40);
        ForgedRegion.compute(region, a, 0, 3_000_000_000L, 21_300_000_000L, 120_400, 8100);
        int job = region.findOrCreateTenant("job-7", ForgedRegion.limits(0, 2 * GIB), true);
        ForgedRegion.compute(region, job, 0, 9_000_000_000L, 0, 40, 0);
    }

    @Test
    void measuresEachGpuOverTheSampleAndShowsTheComputeOfEachTenant() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            sharedGpus(region);
            meter = new FakeMeter(List.of(Map.of(0, Reading.NONE, 1, Reading.NONE),
                    Map.of(0, new Reading(61.4, 39.6), 1, Reading.NONE)));

            CliRun result = measuredStatus().assertSuccess();

            assertThat(result.lines()).containsExactly(
                    "region " + path,
                    "2 tenants, 0 processes",
                    "",
                    "DEV UUID                                     BUSY DRAM",
                    "0   GPU-46414b45-4355-4441-8000-000000000000  61%  40%",
                    "1   GPU-46414b45-4355-4441-8000-000000000001    -    -",
                    "",
                    "TENANT KIND  DEV         USED      LIMIT   SM PRIO   PROCS",
                    "job-7  job   0            0 B    2.0 GiB    - normal     0",
                    "team-a named 0            0 B    8.0 GiB  30% normal     0",
                    "",
                    "TENANT DEV   LAUNCHES   GPU TIME  PART THROTTLED       WAIT   BW",
                    "job-7  0           40      9.0 s   75%      0.0%        0 s    -",
                    "team-a 0       120.4k      3.0 s   25%      6.7%     21.3 s  40%");
            assertThat(meter.calls).as("the interval opened, then read").containsExactly(List.of(0, 1), List.of(0, 1));
            assertThat(sleeps).as("the default sample").containsExactly(100L);
        }
    }

    @Test
    void jsonHasEachGpusMeasurementAndNullWhereThereIsNone() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            sharedGpus(region);
            meter = new FakeMeter(List.of(Map.of(0, Reading.NONE, 1, Reading.NONE),
                    Map.of(0, new Reading(61.44, 39.96), 1, Reading.NONE)));

            String json = measuredStatus("--json", "--sample-ms", "250").assertSuccess().out();

            assertThat(json).contains("""
                      "devices": [
                        {"index": 0, "uuid": "GPU-46414b45-4355-4441-8000-000000000000", "busyPercent": 61.4, \
                    "dramBandwidthPercent": 40.0},
                        {"index": 1, "uuid": "GPU-46414b45-4355-4441-8000-000000000001", "busyPercent": null, \
                    "dramBandwidthPercent": null}
                      ]
                    """, "{\"device\": 0, \"usedBytes\": 0, \"limitBytes\": 8589934592, \"smShare\": 30, "
                    + "\"launches\": 120400, \"gpuNanos\": 3000000000, \"throttledLaunches\": 8100, "
                    + "\"waitNanos\": 21300000000, \"bandwidthLimit\": 40}");
            assertThat(sleeps).containsExactly(250L);
        }
    }

    @Test
    void sampleMsZeroMeasuresNothingAndLoadsNoNvml() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            sharedGpus(region);
            meter = null; // a meter asked for would fail the run

            List<String> text = measuredStatus("--sample-ms", "0").assertSuccess().lines();
            String json = measuredStatus("--sample-ms", "0", "--json").assertSuccess().out();

            assertThat(metersMade).isZero();
            assertThat(sleeps).isEmpty();
            assertThat(text).contains("GPUs 0=GPU-46414b45..0000 1=GPU-46414b45..0001").noneMatch(l -> l.contains(
                    "BUSY"));
            assertThat(json).contains("\"busyPercent\": null, \"dramBandwidthPercent\": null}")
                    .doesNotContain("\"busyPercent\": 0");
        }
    }

    @Test
    void aGpuThatCannotBeMeasuredCostsNoWaitAndShowsADash() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            sharedGpus(region);
            meter = new FakeMeter(List.of()); // no NVML: every call measures nothing

            List<String> lines = measuredStatus().assertSuccess().lines();

            assertThat(meter.calls).hasSize(1);
            assertThat(sleeps).as("nothing to wait for").isEmpty();
            assertThat(lines).contains("0   GPU-46414b45-4355-4441-8000-000000000000    -    -");
        }
    }

    @Test
    void aRegionWithoutGpusAsksForNoMeter() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            region.findOrCreateTenant("team-a", ForgedRegion.limits(0, GIB), false);
            meter = null;
            assertThat(measuredStatus().assertSuccess().lines()).noneMatch(l -> l.contains("BUSY"));
            assertThat(metersMade).isZero();
            assertThat(sleeps).isEmpty();
        }
    }

    @Test
    void theRealMeterDegradesSilentlyWhereNvmlCannotMeasureTheGpu() throws Exception {
        // no libnvidia-ml (CI), or one that knows no GPU of this made-up UUID: a dash, no error, no stack trace
        try (Region region = Region.openOrCreate(path)) {
            sharedGpus(region);
            CliRun result = status().assertSuccess();
            assertThat(result.lines()).contains("0   GPU-46414b45-4355-4441-8000-000000000000    -    -");
            assertThat(status("--json").assertSuccess().out()).contains("\"busyPercent\": null");
        }
    }

    @Test
    void theGpmMeterLoadsNvmlOnlyForDevicesAndOnlyOnce() {
        int[] loads = {0};
        DeviceMeter meter = new DeviceMeter.Gpm(() -> {
            loads[0]++;
            return Optional.<Nvml>empty();
        });
        assertThat(meter.read(List.of())).isEmpty();
        assertThat(loads[0]).as("no devices: NVML is not loaded").isZero();
        List<RegionSnapshot.Device> gpu = List.of(new RegionSnapshot.Device(0, "GPU-46414b45-4355-4441-8000-0000"));
        assertThat(meter.read(gpu)).isEmpty();
        assertThat(meter.read(gpu)).isEmpty();
        assertThat(loads[0]).as("a failed load is not tried again every frame").isEqualTo(1);
    }

    @Test
    void aSampleOutOfRangeIs125() {
        status("--sample-ms", "-1").assertOneErrorLine(125, "'-1'", "0 to 10000");
        status("--sample-ms", "soon").assertOneErrorLine(125, "'soon'");
        status("--sample-ms", "10001").assertOneErrorLine(125, "'10001'");
    }

    private CliRun status(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "status";
        all[1] = "--region";
        all[2] = path.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return CliRun.run(host, all);
    }

    @Test
    void showsTheNumbersOfLiveAndDeadProcesses() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            int a = region.findOrCreateTenant("team-a", ForgedRegion.everywhere(8 * GIB), false);
            region.setSmShare(a, 0, 30);
            region.setPriority(a, Region.PRIORITY_HIGH);
            int live = region.claimSlot(a, 31337, 1, 1, "python train.py --epochs 3");
            assertThat(region.tryReserve(a, live, 0, 1536 * MIB)).isTrue();
            ForgedRegion.deadSlot(region, 900, a, 4711, "python worker.py", 0, 512 * MIB);
            region.findOrCreateTenant("job-99", ForgedRegion.limits(1, GIB), true);

            CliRun result = status().assertSuccess();

            assertThat(result.lines()).containsExactly(
                    "region " + path,
                    "2 tenants, 2 processes (1 dead)",
                    "",
                    "TENANT KIND  DEV         USED      LIMIT   SM PRIO   PROCS",
                    "job-99 job   1            0 B    1.0 GiB    - normal     0",
                    "team-a named 0        2.0 GiB    8.0 GiB  30% high       1",
                    "             1-15         0 B    8.0 GiB    -",
                    "",
                    "    PID STATE TENANT DEV       USED COMMAND",
                    "   4711 dead  team-a   0  512.0 MiB python worker.py",
                    "  31337 alive team-a   0    1.5 GiB python train.py --epochs 3");
        }
    }

    @Test
    void jsonHasEveryNumberExactly() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            int a = region.findOrCreateTenant("team-a", ForgedRegion.limits(0, 2 * GIB), false);
            region.setPriority(a, Region.PRIORITY_LOW);
            int live = region.claimSlot(a, 31337, 1, 1, "say \"hi\"\tnow");
            assertThat(region.tryReserve(a, live, 0, 100 * MIB)).isTrue();
            ForgedRegion.deadSlot(region, 5, a, 4711, "dead", 3, 7);
            assertJson(status("--json").assertSuccess().out());
        }
    }

    private void assertJson(String json) {
        assertThat(json)
                .startsWith("{\n  \"format\": 1,\n  \"region\": \"" + path + "\",\n  \"timeMillis\": ")
                .contains("\"name\": \"team-a\"", "\"ephemeral\": false", "\"priority\": \"low\"",
                        "\"liveProcesses\": 1",
                        "{\"device\": 0, \"usedBytes\": 104857600, \"limitBytes\": 2147483648, \"smShare\": 0"
                                + NO_COMPUTE,
                        "{\"device\": 3, \"usedBytes\": 7, \"limitBytes\": 0, \"smShare\": 0"
                                + NO_COMPUTE,
                        "\"pid\": 31337", "\"state\": \"alive\"", "\"command\": \"say \\\"hi\\\"\\tnow\"",
                        "{\"device\": 0, \"usedBytes\": 104857600}",
                        "\"pid\": 4711", "\"state\": \"dead\"", "\"slot\": 5", "{\"device\": 3, \"usedBytes\": 7}")
                .endsWith("}\n");
    }

    @Test
    void anEmptyRegionSaysSo() throws Exception {
        Region.openOrCreate(path).close();
        assertThat(status().assertSuccess().lines()).containsExactly("region " + path, "no tenants");
        assertThat(status("--json").assertSuccess().out()).contains("\"tenants\": []", "\"processes\": []");
    }

    @Test
    void aMissingRegionIsExit1WithTheWayToStartOneAndIsNotCreated() {
        status().assertOneErrorLine(1, "no region at " + path + ": start a job with hami-run --region " + path
                + " -- COMMAND");
        status("--json").assertOneErrorLine(1, "no region at");
        assertThat(path).doesNotExist();
    }

    @Test
    void theDefaultRegionComesFromTheEnvironmentAsForALaunch() throws Exception {
        Path configured = root.resolve("env.region");
        host.env.put(Region.PATH_VARIABLE, configured.toString());
        CliRun.run(host, "status").assertOneErrorLine(1, "no region at " + configured + ": start a job with "
                + "hami-run -- COMMAND");
    }

    @Test
    void aProgramCalledStatusIsLaunchedAfterDoubleDash() {
        CliRun result = CliRun.run(host, "--region", path.toString(), "--", "status");
        result.assertOneErrorLine(127, "status", "command not found");
        assertThat(host.execProgram).isNull();
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun result = CliRun.run(host, "status", "--help").assertSuccess();
        assertThat(result.out()).contains("Usage: hami-run status", "--json", "--sample-ms", "--region", "Exit status:",
                "no region at PATH", "125");
        assertThat(CliRun.run(host, "--help").out()).as("the launch's help lists the subcommands")
                .contains("set", "status", "top");
    }
}
