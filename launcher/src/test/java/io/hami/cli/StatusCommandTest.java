package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(result.out()).contains("Usage: hami-run status", "--json", "--region", "Exit status:",
                "no region at PATH", "125");
        assertThat(CliRun.run(host, "--help").out()).as("the launch's help lists the subcommands")
                .contains("set", "status", "top");
    }
}
