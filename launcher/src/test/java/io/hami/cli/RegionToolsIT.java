package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.hami.region.Region;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code set}, {@code status} and {@code top} through the real {@code bin/hami-run} of the assembled distribution,
 * against regions in a temporary directory: filled by real launches, or by this JVM as processes leave them (a slot
 * this JVM holds is a live process to hami-run; a slot nobody holds is a dead one).
 */
class RegionToolsIT {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static Path hamiRun;

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @BeforeAll
    static void locate() {
        String dist = System.getProperty("hami.dist");
        assertThat(dist).as("system property hami.dist (set by the pom)").isNotBlank();
        hamiRun = Path.of(dist).toAbsolutePath().resolve("bin/hami-run");
        assertThat(hamiRun).isExecutable();
    }

    private Path region() {
        return tmp.resolve("test.region");
    }

    private ProcessBuilder builder(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile());
        builder.environment().remove("LD_PRELOAD");
        builder.environment().remove(Region.PATH_VARIABLE);
        builder.environment().putAll(env);
        return builder;
    }

    private Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process process = builder(command, env).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not end within 60 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code bin/hami-run SUBCOMMAND --region <test region> ARGS}. */
    private Result tool(String subcommand, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(hamiRun.toString(), subcommand, "--region",
                region().toString()));
        command.addAll(List.of(args));
        return exec(command, Map.of());
    }

    private static void assertOneErrorLine(Result result, int exit, String... fragments) {
        assertThat(result.exit()).as(result.err()).isEqualTo(exit);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).startsWith("hami-run: ").contains(fragments);
    }

    @Test
    void setChangesTheLimitOfARunningTenantAndStatusJsonShowsIt() throws Exception {
        Process job = builder(List.of(hamiRun.toString(), "--region", region().toString(), "--tenant", "t",
                "--memory", "1g", "--", "sleep", "30"), Map.of()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Result status = tool("status", "--json");
            while (!status.out().contains("\"name\": \"t\"") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                status = tool("status", "--json");
            }
            assertThat(status.out()).as("the job's tenant appears; %s", status.err())
                    .contains("{\"device\": 0, \"usedBytes\": 0, \"limitBytes\": " + GIB + ", \"smShare\": 0, \"launches\": ");

            Result set = tool("set", "--tenant", "t", "--memory", "2g");
            assertThat(set.exit()).as(set.err()).isZero();
            assertThat(set.out()).isEqualTo("tenant t: memory limit 2.0 GiB on every device (was 1.0 GiB)\n");
            assertThat(job.isAlive()).as("the running job is left alone").isTrue();

            String json = tool("status", "--json").out();
            assertThat(json).contains("\"name\": \"t\"",
                    "{\"device\": 0, \"usedBytes\": 0, \"limitBytes\": " + 2 * GIB + ", \"smShare\": 0, \"launches\": ",
                    "{\"device\": 15, \"usedBytes\": 0, \"limitBytes\": " + 2 * GIB + ", \"smShare\": 0, \"launches\": ");

            // a new process of the tenant starts with the new limit
            Result joined = exec(List.of(hamiRun.toString(), "--region", region().toString(), "--tenant", "t", "--",
                    "sh", "-c", "echo $CUDA_DEVICE_MEMORY_LIMIT"), Map.of());
            assertThat(joined.out().strip()).as(joined.err()).isEqualTo(Long.toString(2 * GIB));
        } finally {
            job.destroyForcibly().waitFor();
        }
    }

    @Test
    void statusShowsTheNumbersOfLiveAndDeadProcesses() throws Exception {
        try (Region region = Region.openOrCreate(region())) {
            int t = region.findOrCreateTenant("team-a", ForgedRegion.everywhere(8 * GIB), false);
            region.setPriority(t, Region.PRIORITY_HIGH);
            region.setSmShare(t, 0, 30);
            int live = region.claimSlot(t, 31337, 1, 1, "python train.py");
            assertThat(region.tryReserve(t, live, 0, 1536 * MIB)).isTrue();
            ForgedRegion.deadSlot(region, 900, t, 4711, "python worker.py", 0, 512 * MIB);

            Result human = tool("status");
            assertThat(human.exit()).as(human.err()).isZero();
            assertThat(human.err()).isEmpty();
            assertThat(human.lines()).contains(
                    "1 tenant, 2 processes (1 dead)",
                    "team-a named 0        2.0 GiB    8.0 GiB  30% high       1",
                    "             1-15         0 B    8.0 GiB    -",
                    "   4711 dead  team-a   0  512.0 MiB python worker.py",
                    "  31337 alive team-a   0    1.5 GiB python train.py");
            assertThat(human.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));

            Result json = tool("status", "--json");
            assertThat(json.exit()).as(json.err()).isZero();
            assertThat(json.out()).contains("\"priority\": \"high\"", "\"liveProcesses\": 1",
                    "{\"device\": 0, \"usedBytes\": " + 2 * GIB + ", \"limitBytes\": " + 8 * GIB + ", \"smShare\": 30, \"launches\": ",
                    "\"pid\": 31337", "\"state\": \"alive\"", "{\"device\": 0, \"usedBytes\": " + 1536 * MIB + "}",
                    "\"pid\": 4711", "\"state\": \"dead\"", "{\"device\": 0, \"usedBytes\": " + 512 * MIB + "}");
            assertThat(region.slotState(900)).as("status only reads: the dead slot is still there")
                    .isEqualTo(io.hami.region.RegionLayout.STATE_ACTIVE);
        }
    }

    @Test
    void theTenantTableFits80ColumnsWithTheLongestNames() throws Exception {
        String longest = "x".repeat(60) + "-63";
        try (Region region = Region.openOrCreate(region())) {
            int t = region.findOrCreateTenant(longest, ForgedRegion.limits(0, 8 * GIB, 1, 4 * GIB), false);
            int slot = region.claimSlot(t, 1, 1, 1, "c".repeat(63));
            assertThat(region.tryReserve(t, slot, 1, GIB)).isTrue();
            Result human = tool("status");
            assertThat(human.exit()).as(human.err()).isZero();
            assertThat(human.lines()).allSatisfy(line -> assertThat(line.codePointCount(0, line.length()))
                    .as(line).isLessThanOrEqualTo(80));
            assertThat(human.out()).contains("x".repeat(27) + "\u2026 named 0 ");
            assertThat(tool("status", "--json").out()).as("JSON keeps the whole name").contains(longest);
        }
    }

    @Test
    void topWithStdoutRedirectedPrintsOneFrameAndExits() throws Exception {
        try (Region region = Region.openOrCreate(region())) {
            region.findOrCreateTenant("team-a", ForgedRegion.everywhere(GIB), false);
        }
        long start = System.nanoTime();
        Result top = tool("top", "--interval", "60");
        assertThat(top.exit()).as(top.err()).isZero();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("no wait for an interval")
                .isLessThan(30);
        assertThat(top.out()).doesNotContain("\033");
        assertThat(top.lines().stream().filter(l -> l.startsWith("hami-run top"))).hasSize(1);
        assertThat(top.lines()).contains("team-a named 0-15         0 B    1.0 GiB    - normal     0");
    }

    @Test
    void topOnATerminalRedrawsUntilQAndGivesTheTerminalBack() throws Exception {
        assumeThat(Path.of("/usr/bin/script")).as("util-linux script, for a pseudo-terminal").isExecutable();
        Region.openOrCreate(region()).close();
        Path typescript = tmp.resolve("typescript");
        String inner = "stty -g > " + tmp.resolve("before") + "; " + hamiRun + " top --region " + region()
                + " --interval 0.2; echo exit=$? > " + tmp.resolve("exit") + "; stty -g > " + tmp.resolve("after");
        Process script = builder(List.of("script", "-qfec", inner, typescript.toString()), Map.of())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (OutputStream keys = script.getOutputStream()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (count(typescript, "(q quits)") < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(count(typescript, "(q quits)")).as("frames drawn before q").isGreaterThanOrEqualTo(2);
            keys.write('q');
            keys.flush();
            assertThat(script.waitFor(30, TimeUnit.SECONDS)).as("top ends on q").isTrue();
        } finally {
            script.destroyForcibly();
        }
        String screen = Files.readString(typescript, StandardCharsets.ISO_8859_1);
        assertThat(screen).contains(Terminal.ENTER, TopCommand.HOME, TopCommand.CLEAR_BELOW, Terminal.LEAVE);
        assertThat(screen.lastIndexOf(Terminal.LEAVE)).as("the terminal is given back after the last frame")
                .isGreaterThan(screen.lastIndexOf("(q quits)"));
        assertThat(Files.readString(tmp.resolve("exit")).strip()).isEqualTo("exit=0");
        assertThat(Files.readString(tmp.resolve("after"))).as("terminal settings restored")
                .isEqualTo(Files.readString(tmp.resolve("before")));
    }

    private static int count(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String content = Files.readString(file, StandardCharsets.ISO_8859_1);
        int count = 0;
        for (int i = content.indexOf(text); i >= 0; i = content.indexOf(text, i + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void aMissingRegionIsExit1AndNoToolCreatesIt() throws Exception {
        assertOneErrorLine(tool("status"), 1, "no region at " + region(), "start a job with hami-run");
        assertOneErrorLine(tool("status", "--json"), 1, "no region at");
        assertOneErrorLine(tool("top"), 1, "no region at");
        assertOneErrorLine(tool("set", "--tenant", "t", "--memory", "1g"), 1, "no region at");
        assertThat(region()).doesNotExist();
    }

    @Test
    void anUnknownTenantIsExit1() throws Exception {
        Region.openOrCreate(region()).close();
        assertOneErrorLine(tool("set", "--tenant", "nobody", "--memory", "1g"), 1, "no tenant 'nobody'",
                "hami-run status");
    }

    @Test
    void aProgramWithASubcommandsNameIsLaunchedAfterDoubleDash() throws Exception {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Path program = Files.writeString(bin.resolve("status"), "#!/bin/sh\necho launched $HAMI_TENANT\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result result = exec(List.of(hamiRun.toString(), "--region", region().toString(), "--tenant", "x", "--",
                "status"), Map.of("PATH", bin + ":" + System.getenv("PATH")));
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out().strip()).isEqualTo("launched x");
    }

    @Test
    void everySubcommandHasHelpWithItsExitCodes() throws Exception {
        for (String subcommand : List.of("set", "status", "top")) {
            Result help = exec(List.of(hamiRun.toString(), subcommand, "--help"), Map.of());
            assertThat(help.exit()).isZero();
            assertThat(help.err()).isEmpty();
            assertThat(help.out()).contains("Usage: hami-run " + subcommand, "Exit status:", "125");
        }
    }
}
