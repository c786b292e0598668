package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line end to end, with a host that records the exec instead of replacing the test JVM. */
class HamiRunTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path root;

    FakeHost host;
    Path region;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void setUp() throws IOException {
        host = new FakeHost(root);
        region = root.resolve("test.region");
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = HamiRun.commandLine(host);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private int launch(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--region";
        all[1] = region.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return run(all);
    }

    private void assertOneErrorLine(String... fragments) {
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("hami-run: ").endsWith(System.lineSeparator());
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains(fragments);
        assertThat(host.execProgram).as("never runs the command after an error").isNull();
    }

    @Test
    void helpGoesToStdoutWithTheExitCodeList() {
        assertThat(run("--help")).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).contains("Usage: hami-run", "--memory", "--device-memory", "--tenant", "--region",
                "Exit status:", "125", "126", "127", "omit --memory/--device-memory to join it");
    }

    @Test
    void versionGoesToStdout() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("hami-run ");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void zeroMemoryIsAnError() {
        assertThat(launch("--memory", "0", "--", "true")).isEqualTo(125);
        assertOneErrorLine("--memory", "'0'", "above zero");
        assertThat(region).doesNotExist();
    }

    @Test
    void negativeMemoryIsAnError() {
        assertThat(launch("--memory", "-1g", "--", "true")).isEqualTo(125);
        assertOneErrorLine("'-1g' is negative");
    }

    @Test
    void unknownSuffixIsNamed() {
        assertThat(launch("--memory", "10xb", "--", "true")).isEqualTo(125);
        assertOneErrorLine("--memory", "'xb'", "k, m, g or t");
    }

    @Test
    void deviceIndexOutOfRange() {
        assertThat(launch("--device-memory", "16=1g", "--", "true")).isEqualTo(125);
        assertOneErrorLine("'16'", "0-15");
    }

    @Test
    void deviceNamedTwice() {
        assertThat(launch("--device-memory", "0=1g,0=2g", "--", "true")).isEqualTo(125);
        assertOneErrorLine("device 0 twice");
    }

    @Test
    void deviceMemoryWithoutEquals() {
        assertThat(launch("--device-memory", "8g", "--", "true")).isEqualTo(125);
        assertOneErrorLine("DEVICE=SIZE");
    }

    @Test
    void invalidTenantName() {
        assertThat(launch("--tenant", "a b", "--", "true")).isEqualTo(125);
        assertOneErrorLine("tenant name 'a b' is invalid");
    }

    @Test
    void unknownOptionSuggestsTheRightOne() {
        assertThat(launch("--memroy", "8g", "--", "true")).isEqualTo(125);
        assertOneErrorLine("Unknown option: '--memroy'", "did you mean --memory?");
    }

    @Test
    void optionGivenTwice() {
        assertThat(launch("--memory", "1g", "--memory", "2g", "--", "true")).isEqualTo(125);
        assertOneErrorLine("--memory");
    }

    @Test
    void noCommand() {
        assertThat(launch("--memory", "1g", "--")).isEqualTo(125);
        assertOneErrorLine("no command to run");
        assertThat(launch("--memory", "1g")).isEqualTo(125);
        assertOneErrorLine("no command to run");
    }

    @Test
    void missingCommandLeavesNoTenantBehind() {
        assertThat(launch("--memory", "1g", "--", "no-such-command-hami")).isEqualTo(127);
        assertOneErrorLine("command not found: no-such-command-hami");
        assertThat(region).doesNotExist();
    }

    @Test
    void missingTrampolineIsAnError() throws IOException {
        Files.delete(host.dist.resolve(HamiRun.TRAMPOLINE));
        assertThat(launch("--", "true")).isEqualTo(125);
        assertOneErrorLine("libhami.so is missing");
    }

    @Test
    void launchesInAFreshEphemeralTenant() {
        host.env.put("CUDA_DEVICE_MEMORY_LIMIT", "1g");
        host.env.put("CUDA_DEVICE_MEMORY_LIMIT_3", "2g");
        assertThat(launch("--memory", "8g", "--", "sh", "-c", "exit 7")).isZero();
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEmpty();
        assertThat(host.execProgram).endsWith("/sh");
        assertThat(host.execArgv).containsExactly("sh", "-c", "exit 7");
        assertThat(host.execEnv)
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT", Long.toString(8 * GIB))
                .doesNotContainKey("CUDA_DEVICE_MEMORY_LIMIT_3")
                .containsEntry("HAMI_TENANT", "job-4242")
                .containsEntry("CUDA_DEVICE_MEMORY_SHARED_CACHE", region.toString())
                .containsEntry("LD_PRELOAD", host.dist.resolve("lib/libhami.so").toString())
                .containsEntry("HOME", "/root");
        try (Region shared = Region.openOrCreate(region)) {
            int t = shared.findTenant("job-4242");
            assertThat(t).isNotNegative();
            assertThat(shared.tenantEphemeral(t)).isTrue();
            assertThat(shared.limit(t, 0)).isEqualTo(8 * GIB);
            assertThat(shared.limit(t, 15)).isEqualTo(8 * GIB);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void perDeviceLimitsOverrideMemory() {
        assertThat(launch("--memory", "8g", "--device-memory", "1=4g,2=2g", "--", "true")).isZero();
        assertThat(host.execEnv)
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT", Long.toString(8 * GIB))
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT_1", Long.toString(4 * GIB))
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT_2", Long.toString(2 * GIB))
                .doesNotContainKey("CUDA_DEVICE_MEMORY_LIMIT_0");
    }

    @Test
    void oversubscribeIsHandedToTheCommand() {
        assertThat(launch("--memory", "1g", "--", "true")).isZero();
        assertThat(host.execEnv).doesNotContainKey("CUDA_OVERSUBSCRIBE");
        assertThat(launch("--memory", "1g", "--oversubscribe", "--", "true")).isZero();
        assertThat(host.execEnv).containsEntry("CUDA_OVERSUBSCRIBE", "true");
    }

    @Test
    void argumentsAfterTheCommandAreItsOwn() {
        assertThat(launch("--memory", "1g", "true", "--memory", "0", "--help", "@file")).isZero();
        assertThat(host.execArgv).containsExactly("true", "--memory", "0", "--help", "@file");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void relativeRegionIsMadeAbsolute() {
        assertThat(run("--region", "r/x.region", "--", "true")).isZero();
        assertThat(host.execEnv).containsEntry("CUDA_DEVICE_MEMORY_SHARED_CACHE",
                host.workingDirectory.resolve("r/x.region").toString());
    }

    @Test
    void defaultRegionComesFromTheEnvironment() {
        host.env.put(Region.PATH_VARIABLE, region.toString());
        assertThat(run("--", "true")).isZero();
        assertThat(host.execEnv).containsEntry(Region.PATH_VARIABLE, region.toString());
        assertThat(region).exists();
    }

    @Test
    void ephemeralNameTakenByALeftoverGetsASuffix() throws Exception {
        try (Region shared = Region.openOrCreate(region)) {
            shared.findOrCreateTenant("job-4242", new long[16], true);
        }
        assertThat(launch("--memory", "1g", "--", "true")).isZero();
        assertThat(host.execEnv).containsEntry("HAMI_TENANT", "job-4242.2");
    }

    @Test
    void namedTenantIsCreatedThenJoinedWithItsLimits() {
        assertThat(launch("--tenant", "team-a", "--memory", "2g", "--", "true")).isZero();
        assertThat(host.execEnv).containsEntry("HAMI_TENANT", "team-a")
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT", Long.toString(2 * GIB));

        host.execEnv = null;
        assertThat(launch("--tenant", "team-a", "--", "true")).isZero();
        assertThat(host.execEnv).containsEntry("HAMI_TENANT", "team-a")
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT", Long.toString(2 * GIB));

        host.execEnv = null;
        assertThat(launch("--tenant", "team-a", "--memory", "2g", "--", "true")).as("same limits join").isZero();
        try (Region shared = Region.openOrCreate(region)) {
            assertThat(shared.tenantEphemeral(shared.findTenant("team-a"))).isFalse();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void namedTenantWithOtherLimitsIsRefused() {
        assertThat(launch("--tenant", "team-a", "--memory", "2g", "--", "true")).isZero();
        host.execProgram = null;
        assertThat(launch("--tenant", "team-a", "--memory", "4g", "--", "true")).isEqualTo(125);
        assertOneErrorLine("tenant 'team-a'", "already has --memory 2g", "asks for --memory 4g",
                "omit --memory and --device-memory to join it");
        assertThat(launch("--tenant", "team-a", "--memory", "2g", "--device-memory", "1=1g", "--", "true"))
                .isEqualTo(125);
        assertOneErrorLine("asks for --memory 2g --device-memory 1=1g");
    }

    @Test
    void tenantWithoutLimitsRefusesNewLimits() {
        assertThat(launch("--tenant", "free", "--", "true")).isZero();
        assertThat(host.execEnv.keySet()).noneMatch(k -> k.startsWith("CUDA_DEVICE_MEMORY_LIMIT"));
        host.execProgram = null;
        assertThat(launch("--tenant", "free", "--memory", "1g", "--", "true")).isEqualTo(125);
        assertOneErrorLine("already has no memory limit");
    }

    @Test
    void unusableRegionIsAnError() throws IOException {
        Files.writeString(region, "not a region, clearly not a region at all ".repeat(10));
        assertThat(launch("--", "true")).isEqualTo(125);
        assertOneErrorLine(region.toString());
    }
}
