package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hami-run set} against a region in a temporary directory. */
class SetCommandTest {
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

    private CliRun set(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "set";
        all[1] = "--region";
        all[2] = path.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return CliRun.run(host, all);
    }

    private int tenant(String name, long[] limits) throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            return region.findOrCreateTenant(name, limits, false);
        }
    }

    @Test
    void raisesTheLimitOnEveryDeviceInPlace() throws Exception {
        int t = tenant("team-a", ForgedRegion.everywhere(GIB));
        CliRun result = set("--tenant", "team-a", "--memory", "2g").assertSuccess();
        assertThat(result.lines()).containsExactly("tenant team-a: memory limit 2.0 GiB on every device (was 1.0 GiB)");
        try (Region region = Region.open(path)) {
            for (int d = 0; d < 16; d++) {
                assertThat(region.limit(t, d)).as("device %d", d).isEqualTo(2 * GIB);
            }
        }
    }

    @Test
    void aLimitBelowCurrentUseIsAllowedSaidAndRefusesNewAllocationsUntilUsageFalls() throws Exception {
        int t = tenant("team-a", ForgedRegion.everywhere(8 * GIB));
        try (Region region = Region.open(path)) {
            int slot = region.claimSlot(t, 1, 1, 1, "train");
            assertThat(region.tryReserve(t, slot, 0, 7 * GIB)).isTrue();

            CliRun result = set("--tenant", "team-a", "--memory", "6g").assertSuccess();

            assertThat(result.lines()).containsExactly(
                    "tenant team-a: memory limit 6.0 GiB on every device (was 8.0 GiB)",
                    "tenant team-a: 7.0 GiB in use on device 0, above the new limit: new allocations there are "
                            + "refused until usage falls below it");
            assertThat(region.limit(t, 0)).as("the running process's next call reads this").isEqualTo(6 * GIB);
            assertThat(region.tryReserve(t, slot, 0, MIB)).as("above the lowered limit").isFalse();
            assertThat(region.used(t, 0)).as("nothing allocated is touched").isEqualTo(7 * GIB);
            region.release(t, slot, 0, 2 * GIB);
            assertThat(region.tryReserve(t, slot, 0, MIB)).as("usage fell below the limit").isTrue();
        }
    }

    @Test
    void aFirstLimitSaysThatProcessesStartedWithoutOneStayUnlimited() throws Exception {
        int t = tenant("open", new long[16]);
        CliRun result = set("--tenant", "open", "--device-memory", "1=4g").assertSuccess();
        assertThat(result.lines()).containsExactly(
                "tenant open: memory limit 4.0 GiB on device 1 (was none)",
                "tenant open: it had no memory limit, so processes it started before now run without hooks and "
                        + "stay unlimited; processes started from now on get the limit");
        try (Region region = Region.open(path)) {
            assertThat(region.limit(t, 1)).isEqualTo(4 * GIB);
        }
        assertThat(set("--tenant", "open", "--memory", "2g").out()).as("only the first limit says it")
                .doesNotContain("had no memory limit");
    }

    @Test
    void deviceMemoryChangesOnlyTheDevicesNamedAndZeroRemovesALimit() throws Exception {
        int t = tenant("team-a", ForgedRegion.everywhere(4 * GIB));
        CliRun result = set("--tenant", "team-a", "--device-memory", "0=6g,2=0").assertSuccess();
        assertThat(result.lines()).containsExactly(
                "tenant team-a: memory limit 6.0 GiB on device 0 (was 4.0 GiB)",
                "tenant team-a: no memory limit on device 2 (was 4.0 GiB)");
        try (Region region = Region.open(path)) {
            assertThat(region.limit(t, 0)).isEqualTo(6 * GIB);
            assertThat(region.limit(t, 1)).isEqualTo(4 * GIB);
            assertThat(region.limit(t, 2)).isZero();
            assertThat(region.limit(t, 3)).isEqualTo(4 * GIB);
        }
    }

    @Test
    void deviceMemoryOverridesMemoryForItsDevices() throws Exception {
        int t = tenant("team-a", ForgedRegion.everywhere(4 * GIB));
        CliRun result = set("--tenant", "team-a", "--memory", "1g", "--device-memory", "15=2g").assertSuccess();
        assertThat(result.lines()).containsExactly(
                "tenant team-a: memory limit 1.0 GiB on devices 0-14 (was 4.0 GiB)",
                "tenant team-a: memory limit 2.0 GiB on device 15 (was 4.0 GiB)");
        try (Region region = Region.open(path)) {
            assertThat(region.limit(t, 14)).isEqualTo(GIB);
            assertThat(region.limit(t, 15)).isEqualTo(2 * GIB);
        }
    }

    @Test
    void smSharesAndPriorityAreStored() throws Exception {
        int t = tenant("team-a", new long[16]);
        CliRun result = set("--tenant", "team-a", "--sm", "30", "--device-sm", "1=50", "--priority", "HIGH")
                .assertSuccess();
        assertThat(result.lines()).containsExactly(
                "tenant team-a: SM share 30% on device 0 (was none)",
                "tenant team-a: SM share 50% on device 1 (was none)",
                "tenant team-a: SM share 30% on devices 2-15 (was none)",
                "tenant team-a: priority high (was normal)");
        try (Region region = Region.open(path)) {
            assertThat(region.smShare(t, 0)).isEqualTo(30);
            assertThat(region.smShare(t, 1)).isEqualTo(50);
            assertThat(region.priority(t)).isEqualTo(Region.PRIORITY_HIGH);
        }
        set("--tenant", "team-a", "--sm", "0", "--priority", "low").assertSuccess();
        try (Region region = Region.open(path)) {
            assertThat(region.smShare(t, 1)).as("0 removes the share").isZero();
            assertThat(region.priority(t)).isEqualTo(Region.PRIORITY_LOW);
        }
        assertThat(set("--tenant", "team-a", "--priority", "low").lines())
                .containsExactly("tenant team-a: priority low (unchanged)");
    }

    @Test
    void anUnknownTenantIsExit1NamingHowToSeeTheTenants() throws Exception {
        tenant("team-a", new long[16]);
        set("--tenant", "team-b", "--memory", "1g").assertOneErrorLine(1, "no tenant 'team-b'", path.toString(),
                "hami-run status");
    }

    @Test
    void aMissingRegionIsExit1AndIsNotCreated() {
        set("--tenant", "team-a", "--memory", "1g").assertOneErrorLine(1, "no region at " + path,
                "start a job with hami-run");
        assertThat(path).doesNotExist();
    }

    @Test
    void aForeignFileIs125AndIsLeftAlone() throws Exception {
        Files.writeString(path, "not a region".repeat(100));
        set("--tenant", "team-a", "--memory", "1g").assertOneErrorLine(125, "not a hami-ffm region");
        assertThat(Files.readString(path)).startsWith("not a region");
    }

    @Test
    void invalidValuesAre125WithTheFix() throws Exception {
        tenant("team-a", new long[16]);
        set("--tenant", "team-a", "--sm", "150").assertOneErrorLine(125, "'150'", "1-100", "0 to remove");
        set("--tenant", "team-a", "--sm", "-1").assertOneErrorLine(125, "'-1'");
        set("--tenant", "team-a", "--memory", "-1g").assertOneErrorLine(125, "negative");
        set("--tenant", "team-a", "--memory", "10xb").assertOneErrorLine(125, "'xb'");
        set("--tenant", "team-a", "--device-memory", "16=1g").assertOneErrorLine(125, "'16'", "0-15");
        set("--tenant", "team-a", "--device-memory", "1g").assertOneErrorLine(125, "DEV=VALUE");
        set("--tenant", "team-a", "--device-sm", "0=30,0=40").assertOneErrorLine(125, "names device 0 twice");
        set("--tenant", "team-a", "--priority", "urgent").assertOneErrorLine(125, "'urgent'", "high, normal or low");
        set("--tenant", "bad name", "--memory", "1g").assertOneErrorLine(125, "tenant name");
        set("--memory", "1g").assertOneErrorLine(125, "--tenant", "hami-run set --help");
        set("--tenant", "team-a").assertOneErrorLine(125, "nothing to change", "--memory");
    }

    @Test
    void launchOptionsBeforeTheSubcommandAreRefusedWithTheWayToLaunchAProgramOfThatName() throws Exception {
        tenant("team-a", new long[16]);
        CliRun result = CliRun.run(host, "--memory", "1g", "set", "--region", path.toString(), "--tenant", "team-a",
                "--memory", "2g");
        result.assertOneErrorLine(125, "belong to a launch", "-- set");
    }

    @Test
    void regionBeforeTheSubcommandIsHonoured() throws Exception {
        int t = tenant("team-a", new long[16]);
        CliRun.run(host, "--region", path.toString(), "set", "--tenant", "team-a", "--memory", "3g").assertSuccess();
        try (Region region = Region.open(path)) {
            assertThat(region.limit(t, 0)).isEqualTo(3 * GIB);
        }
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun result = CliRun.run(host, "set", "--help").assertSuccess();
        assertThat(result.out()).contains("Usage: hami-run set", "--tenant", "--memory", "--device-memory", "--sm",
                "--device-sm", "--priority", "Exit status:", "0 ", "1 ", "125");
    }
}
