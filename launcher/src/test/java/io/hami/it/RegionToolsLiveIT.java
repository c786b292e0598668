package io.hami.it;

import static io.hami.it.NativeHarness.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hami-run status} and {@code set} watching a real process: a C program under the real trampoline and JVM,
 * allocating from the fake driver until its tenant's limit, then holding what it got.
 */
class RegionToolsLiveIT {
    private static final Path HAMI_RUN = NativeHarness.DIST.resolve("bin/hami-run");

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    private Path region() {
        return dir.resolve("test.region");
    }

    private NativeHarness.Result tool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(HAMI_RUN.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--region", region().toString()));
        return NativeHarness.run(NativeHarness.env(dir), 60, command.toArray(String[]::new));
    }

    private static long number(String json, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(json);
        assertThat(m.find()).as("%s in %s", regex, json).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void statusShowsAHoldingProcessAndSetLowersItsLimitWithoutTouchingWhatItHolds() throws Exception {
        Map<String, String> env = NativeHarness.env(dir);
        List<String> launch = new ArrayList<>(List.of(HAMI_RUN.toString(), "--region", region().toString(),
                "--tenant", "live", "--memory", "64m", "--"));
        launch.addAll(NativeHarness.command("alloc_until_oom", "--mode", "direct", "--chunk", "1m", "--hold-ms",
                "12000")); // long enough for a slow CI box to boot, and for the checks below
        ProcessBuilder builder = new ProcessBuilder(launch);
        builder.environment().clear();
        builder.environment().putAll(env);
        Path out = dir.resolve("program.out");
        Path err = dir.resolve("program.err");
        Process program = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            String processEntry = "\"pid\": " + program.pid() + ",\\s*\"state\": \"alive\",\\s*\"tenant\": \"live\","
                    + "\\s*\"command\": \"alloc_until_oom[^\"]*\",.*?\"usedBytes\": (\\d+)";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String json = tool("status", "--json").stdout();
            while (!(Pattern.compile(processEntry, Pattern.DOTALL).matcher(json).find()
                    && Files.readString(out).contains("allocated=")) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                json = tool("status", "--json").stdout();
            }
            assertThat(program.isAlive()).as("still holding; stderr: %s", Files.readString(err)).isTrue();
            json = tool("status", "--json").stdout();
            long processUsed = number(json, processEntry);
            long tenantUsed = number(json, "\"name\": \"live\".*?\"liveProcesses\": 1,.*?\\{\"device\": 0, "
                    + "\"usedBytes\": (\\d+), \"limitBytes\": " + 64 * MIB);
            assertThat(processUsed).as("the program allocated up to the limit").isGreaterThan(32 * MIB)
                    .isLessThanOrEqualTo(64 * MIB);
            assertThat(tenantUsed).as("the tenant's total is its one process's").isEqualTo(processUsed);

            NativeHarness.Result human = tool("status");
            assertThat(human.stdout()).containsPattern("\\s" + program.pid() + " alive live\\s+0\\s+[0-9.]+ MiB "
                    + "alloc_until_oom");

            NativeHarness.Result set = tool("set", "--tenant", "live", "--memory", "32m");
            assertThat(set.exit()).as(set.stderr()).isZero();
            assertThat(set.stdout()).contains("tenant live: memory limit 32.0 MiB on every device (was 64.0 MiB)",
                    "in use on device 0, above the new limit: new allocations there are refused until usage falls "
                            + "below it");
            json = tool("status", "--json").stdout();
            assertThat(number(json, processEntry)).as("nothing allocated is touched").isEqualTo(processUsed);
            assertThat(json).contains("\"limitBytes\": " + 32 * MIB);
            assertThat(json).contains("\"liveProcesses\": 1");
            assertThat(tool("status").stdout()).contains("over limit: live uses");

            assertThat(program.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(program.exitValue()).as(Files.readString(err)).isZero();
            assertThat(Files.readString(out)).contains("free_errors=0");
            String after = tool("status", "--json").stdout();
            assertThat(after).as("its exit gave everything back").contains("\"processes\": []")
                    .contains("{\"device\": 0, \"usedBytes\": 0, \"limitBytes\": " + 32 * MIB + ", \"smShare\": 0, \"launches\": ");
        } finally {
            program.destroyForcibly().waitFor();
        }
    }
}
