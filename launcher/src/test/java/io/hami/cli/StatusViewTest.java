package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import io.hami.region.RegionSnapshot;
import io.hami.region.RegionSnapshot.Process;
import io.hami.region.RegionSnapshot.ProcessDevice;
import io.hami.region.RegionSnapshot.Tenant;
import io.hami.region.RegionSnapshot.Compute;
import io.hami.region.RegionSnapshot.TenantDevice;
import io.hami.sched.Nvml.Reading;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The human tables: 80 columns whatever the names, commands, paths and numbers. */
class StatusViewTest {
    private static final long GIB = 1L << 30;
    private static final String LONGEST_NAME = "a".repeat(30) + "-" + "b".repeat(32); // 63 characters

    private static List<String> lines(RegionSnapshot snapshot) {
        return new StatusView(Formats.ELLIPSIS).lines(snapshot);
    }

    private static void assertFits(List<String> lines) {
        for (String line : lines) {
            assertThat(Formats.columns(line)).as("columns of '%s'", line).isLessThanOrEqualTo(80);
            assertThat(line).as("no trailing blanks").isEqualTo(line.stripTrailing());
        }
    }

    private static Tenant tenant(String name, List<TenantDevice> devices) {
        return new Tenant(0, name, false, 0, Region.PRIORITY_NORMAL, devices, 1);
    }

    @Test
    void sixtyThreeCharacterNamesAreCutWithAnEllipsisAndTheTablesFit80Columns() {
        assertThat(LONGEST_NAME).hasSize(63);
        List<TenantDevice> devices = new ArrayList<>();
        for (int d = 0; d < 16; d++) { // every device different: no run collapses; device 0 over its limit
            devices.add(new TenantDevice(d, Long.MAX_VALUE - d, Long.MAX_VALUE - d - (d == 0 ? 1 : 0), 100));
        }
        RegionSnapshot snapshot = new RegionSnapshot(Path.of("/" + "deep/".repeat(40) + "x.region"), 0,
                List.of(new Tenant(0, LONGEST_NAME, true, 0, Integer.MIN_VALUE, devices, 1024)),
                List.of(new Process(0, Long.MAX_VALUE, "c".repeat(63), 0, LONGEST_NAME, 0,
                        List.of(new ProcessDevice(15, Long.MIN_VALUE)), false)));

        List<String> lines = lines(snapshot);

        assertFits(lines);
        String row = lines.stream().filter(l -> l.startsWith("aaa")).findFirst().orElseThrow();
        assertThat(row).startsWith("a".repeat(27) + "\u2026 job   0 ");
        assertThat(lines.getFirst()).startsWith("region \u2026").endsWith("/deep/x.region");
        assertThat(lines.get(1)).isEqualTo("1 tenant, 1 process (1 dead)");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("dead", "\u2026", "-8.0 EiB"));
        assertThat(lines).as("the over-limit note, wrapped").anySatisfy(l -> assertThat(l).startsWith("over limit: "));
    }

    @Test
    void devicesThatReadAlikeShareOneRowAndDevicesWithNothingAreLeftOut() {
        List<TenantDevice> devices = new ArrayList<>();
        devices.add(new TenantDevice(0, GIB, 8 * GIB, 0));
        for (int d = 1; d < 16; d++) {
            if (d != 9) {
                devices.add(new TenantDevice(d, 0, 8 * GIB, 0));
            }
        }
        List<String> lines = lines(new RegionSnapshot(Path.of("/r"), 0, List.of(tenant("t", devices)), List.of()));
        assertThat(lines).containsExactly(
                "region /r",
                "1 tenant, 0 processes",
                "",
                "TENANT KIND  DEV         USED      LIMIT   SM PRIO   PROCS",
                "t      named 0        1.0 GiB    8.0 GiB    - normal     1",
                "             1-8          0 B    8.0 GiB    -",
                "             10-15        0 B    8.0 GiB    -");
    }

    @Test
    void aTenantWithNoLimitAndNoUsageStillHasARow() {
        List<String> lines = lines(new RegionSnapshot(Path.of("/r"), 0, List.of(tenant("idle", List.of())),
                List.of()));
        assertThat(lines.getLast()).isEqualTo("idle   named -            0 B       none    - normal     1");
    }

    @Test
    void aProcessOnSeveralDevicesHasARowPerDevice() {
        Process process = new Process(3, 42, "srv", 0, "t", 0,
                List.of(new ProcessDevice(0, GIB), new ProcessDevice(2, 2 * GIB)), true);
        List<String> lines = lines(new RegionSnapshot(Path.of("/r"), 0, List.of(), List.of(process)));
        assertThat(lines).containsSubsequence(
                "    PID STATE TENANT DEV       USED COMMAND",
                "     42 alive t        0    1.0 GiB srv",
                "                       2    2.0 GiB");
    }

    @Test
    void importedAndHostResidentMemoryIsShownUnderItsProcess() {
        Process process = new Process(3, 42, "srv", 0, "t", 0, List.of(new ProcessDevice(0, GIB)), true, 2 * GIB,
                3 * GIB);
        List<String> lines = lines(new RegionSnapshot(Path.of("/r"), 0, List.of(), List.of(process)));
        assertThat(lines).containsSubsequence(
                "     42 alive t        0    1.0 GiB srv",
                "                                    imported 2.0 GiB, host-resident 3.0 GiB");
    }

    @Test
    void controlCharactersFromTheRegionNeverReachTheTerminal() {
        Process process = new Process(0, 1, "evil\033[2J\007", 0, "t\033]0;x", 0, List.of(), true);
        List<String> lines = lines(new RegionSnapshot(Path.of("/r"), 0, List.of(), List.of(process)));
        assertThat(String.join("\n", lines)).doesNotContain("\033", "\007").contains("evil?[2J?");
    }

    @Test
    void overLimitUsageIsExplainedOnceBelowTheTables() {
        Tenant over = tenant("team-a", List.of(new TenantDevice(0, 7 * GIB, 6 * GIB, 0)));
        List<String> lines = lines(new RegionSnapshot(Path.of("/r"), 0, List.of(over), List.of()));
        assertFits(lines);
        assertThat(String.join(" ", lines).replaceAll(" +", " ")).contains("over limit: team-a uses 7.0 GiB of "
                + "6.0 GiB on device 0; its new allocations there are refused until usage falls below the limit");
    }

    @Test
    void anAsciiOnlyOutputGetsThreeDots() {
        assertThat(Formats.ellipsis(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("...");
        assertThat(Formats.ellipsis(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("\u2026");
        List<String> lines = new StatusView("...").lines(new RegionSnapshot(Path.of("/r"), 0,
                List.of(tenant(LONGEST_NAME, List.of())), List.of()));
        assertFits(lines);
        assertThat(lines.get(4)).startsWith("a".repeat(25) + "... named");
    }

    @Test
    void regionDevicesAreListedWithTheirGpusShortUuids() {
        List<RegionSnapshot.Device> gpus = new ArrayList<>();
        for (int d = 0; d < 16; d++) {
            gpus.add(new RegionSnapshot.Device(d, String.format("GPU-46414b45-4355-4441-8000-0000000000%02x", d)));
        }
        List<String> lines = lines(new RegionSnapshot(Path.of("/r"), 0, List.of(), List.of(), gpus));
        assertFits(lines);
        assertThat(lines.get(2)).startsWith("GPUs 0=GPU-46414b45..0000 1=GPU-46414b45..0001 ");
        assertThat(String.join("\n", lines)).contains("15=GPU-46414b45..000f");
        assertThat(lines(new RegionSnapshot(Path.of("/r"), 0, List.of(), List.of()))).noneMatch(l -> l.startsWith("GPUs"));
    }

    private static final List<RegionSnapshot.Device> THREE_GPUS = List.of(
            new RegionSnapshot.Device(0, "GPU-46414b45-4355-4441-8000-000000000000"),
            new RegionSnapshot.Device(1, "GPU-46414b45-4355-4441-8000-000000000001"),
            new RegionSnapshot.Device(2, "GPU-46414b45-4355-4441-8000-000000000002"));

    @Test
    void measuredGpusGetATableOfBusyAndDramWithADashWhereNothingWasRead() {
        // device 1: its interval only opened; device 2: no GPM (absent)
        Map<Integer, Reading> readings = Map.of(0, new Reading(61.4, 39.6), 1, Reading.NONE);
        List<String> lines = new StatusView(Formats.ELLIPSIS).lines(
                new RegionSnapshot(Path.of("/r"), 0, List.of(), List.of(), THREE_GPUS), readings);
        assertThat(lines).containsExactly(
                "region /r",
                "no tenants",
                "",
                "DEV UUID                                     BUSY DRAM",
                "0   GPU-46414b45-4355-4441-8000-000000000000  61%  40%",
                "1   GPU-46414b45-4355-4441-8000-000000000001    -    -",
                "2   GPU-46414b45-4355-4441-8000-000000000002    -    -");
    }

    @Test
    void withoutAMeasurementTheGpusLineStaysAndNoDeviceTableIsDrawn() {
        List<String> lines = new StatusView(Formats.ELLIPSIS).lines(
                new RegionSnapshot(Path.of("/r"), 0, List.of(), List.of(), THREE_GPUS), null);
        assertThat(lines).containsExactly("region /r", "no tenants",
                "GPUs 0=GPU-46414b45..0000 1=GPU-46414b45..0001 2=GPU-46414b45..0002");
        assertThat(new StatusView(Formats.ELLIPSIS).lines(new RegionSnapshot(Path.of("/r"), 0, List.of(),
                List.of()), Map.of())).as("no devices: no table, measured or not").containsExactly("region /r",
                "no tenants");
    }

    @Test
    void theComputeTableShowsEachTenantsPartOfTheGpuTimeAndHowMuchItWasThrottled() {
        Tenant a = tenant("team-a", List.of(
                new TenantDevice(0, 0, 0, 30, new Compute(120_400, 3_000_000_000L, 21_300_000_000L, 8100, 0)),
                new TenantDevice(1, 0, 0, 30, new Compute(99_999, 500_000_000L, 0, 0, 40))));
        Tenant b = new Tenant(1, "team-b", false, 0, Region.PRIORITY_HIGH, List.of(
                new TenantDevice(0, GIB, 0, 0, new Compute(40, 9_000_000_000L, 0, 0, 0))), 1);
        Tenant quiet = tenant("quiet", List.of(new TenantDevice(0, GIB, 2 * GIB, 0)));
        List<String> lines = lines(new RegionSnapshot(Path.of("/r"), 0, List.of(quiet, b, a), List.of()));
        assertFits(lines);
        assertThat(lines).containsSubsequence(
                "TENANT DEV   LAUNCHES   GPU TIME  PART THROTTLED       WAIT   BW",
                "team-a 0       120.4k      3.0 s   25%      6.7%     21.3 s    -",
                "       1        99999     500 ms  100%      0.0%        0 s  40%",
                "team-b 0           40      9.0 s   75%      0.0%        0 s    -");
        assertThat(lines).as("a tenant the gate never saw has no compute row")
                .noneMatch(l -> l.startsWith("quiet ") && l.contains("%"));
        assertThat(lines(new RegionSnapshot(Path.of("/r"), 0, List.of(quiet), List.of())))
                .as("no compute table before any launch went through the gate").noneMatch(l -> l.contains("LAUNCHES"));
    }

    @Test
    void extremeComputeCountersAndTheLongestNamesFit80Columns() {
        List<TenantDevice> devices = new ArrayList<>();
        for (int d = 0; d < 16; d++) {
            long big = d % 2 == 0 ? Long.MAX_VALUE - d : Long.MIN_VALUE + d;
            devices.add(new TenantDevice(d, big, big, 100, new Compute(big, big, big, big, d % 2 == 0 ? 100 : -1)));
        }
        Map<Integer, Reading> readings = Map.of(0, new Reading(100, 100), 1, new Reading(0.4, Double.NaN));
        List<RegionSnapshot.Device> gpus = new ArrayList<>();
        for (int d = 0; d < 16; d++) {
            gpus.add(new RegionSnapshot.Device(d, "GPU-" + "f".repeat(60))); // longer than a real UUID
        }
        Tenant twin = new Tenant(1, "twin", false, 0, Region.PRIORITY_NORMAL, List.of(new TenantDevice(0, 0, 0, 0,
                new Compute(1, Long.MAX_VALUE, 0, 0, 0))), 0);
        List<String> lines = new StatusView(Formats.ELLIPSIS).lines(new RegionSnapshot(Path.of("/r"), 0,
                List.of(tenant(LONGEST_NAME, devices), twin), List.of(), gpus), readings);
        assertFits(lines);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("0   GPU-fff").endsWith("\u2026 100% 100%"));
        assertThat(lines).anySatisfy(l -> assertThat(l).endsWith("\u2026   0%    -"));
        assertThat(lines).as("two tenants' GPU times near Long.MAX_VALUE do not wrap their sum")
                .anySatisfy(l -> assertThat(l).startsWith("a".repeat(21) + "\u2026 0 ").contains("9.2E", "106752 d",
                        " 50% ", "100.0%"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("twin ").contains(" 50% "));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("-9.2E", "-106752 d"));
    }
}
