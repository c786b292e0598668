package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code bin/hami-run} of the assembled distribution ({@code -Dhami.dist}) as a subprocess of this
 * test JVM. Every launch uses a region in a temporary directory, never the host's default one.
 */
class HamiRunIT {
    private static final long GIB = 1L << 30;
    private static Path dist;
    private static Path hamiRun;

    @TempDir
    Path tmp;

    record Result(long pid, int exit, String out, String err, byte[] outBytes) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    @BeforeAll
    static void locate() {
        String configured = System.getProperty("hami.dist");
        assertThat(configured).as("system property hami.dist (set by the pom)").isNotBlank();
        dist = Path.of(configured).toAbsolutePath();
        hamiRun = dist.resolve("bin/hami-run");
        assertThat(hamiRun).isExecutable();
    }

    private Path region() {
        return tmp.resolve("test.region");
    }

    private Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile());
        builder.environment().remove("LD_PRELOAD");
        builder.environment().remove("CUDA_DEVICE_MEMORY_SHARED_CACHE");
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("hami-run did not end within 60 s: " + command);
        }
        byte[] bytes = Files.readAllBytes(out);
        return new Result(process.pid(), process.exitValue(), new String(bytes, StandardCharsets.UTF_8),
                Files.readString(err), bytes);
    }

    /** bin/hami-run with --region in the test's directory, then {@code args}. */
    private Result hamiRun(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(hamiRun.toString(), "--region", region().toString()));
        command.addAll(List.of(args));
        return exec(command, env);
    }

    private Result hamiRun(String... args) throws IOException, InterruptedException {
        return hamiRun(Map.of(), args);
    }

    private static void assertOneErrorLine(Result result, int exit, String... fragments) {
        assertThat(result.exit()).as(result.err()).isEqualTo(exit);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("hami-run: ").contains(fragments);
    }

    private static Map<String, String> parseEnv(byte[] nulSeparated) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : new String(nulSeparated, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void helpExitsZeroWithTheExitCodeListOnStdout() throws Exception {
        Result result = exec(List.of(hamiRun.toString(), "--help"), Map.of());
        assertThat(result.exit()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).contains("Usage: hami-run", "Exit status:", "125", "126", "127", "other");
    }

    @Test
    void versionNamesTheBundledRuntime() throws Exception {
        Result result = exec(List.of(hamiRun.toString(), "--version"), Map.of());
        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("hami-run 0.1").contains(dist.resolve("runtime").toString());
    }

    @Test
    void zeroMemoryIs125WithOneLine() throws Exception {
        assertOneErrorLine(hamiRun("--memory", "0", "--", "true"), 125, "--memory", "above zero");
        assertThat(region()).doesNotExist();
    }

    @Test
    void unknownSuffixIs125NamingIt() throws Exception {
        assertOneErrorLine(hamiRun("--memory", "10xb", "--", "true"), 125, "'xb'");
    }

    @Test
    void unknownOptionIs125() throws Exception {
        assertOneErrorLine(hamiRun("--memroy", "8g", "--", "true"), 125, "--memroy", "--memory");
    }

    @Test
    void missingCommandIs127() throws Exception {
        assertOneErrorLine(hamiRun("--memory", "1g", "--", "no-such-command-for-hami"), 127, "command not found");
    }

    @Test
    void nonExecutableFileIs126() throws Exception {
        Path plain = Files.writeString(tmp.resolve("plain.sh"), "echo hi\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
        assertOneErrorLine(hamiRun("--memory", "1g", "--", plain.toString()), 126, "permission denied");
        assertOneErrorLine(hamiRun("--memory", "1g", "--", "./plain.sh"), 126, "permission denied");
    }

    @Test
    void directoryIs126() throws Exception {
        Files.createDirectory(tmp.resolve("dir"));
        assertOneErrorLine(hamiRun("--", "./dir"), 126, "directory");
    }

    @Test
    void exitStatusIsTheCommandsOwn() throws Exception {
        Result result = hamiRun("--memory", "1g", "--", "sh", "-c", "exit 7");
        assertThat(result.exit()).as(result.err()).isEqualTo(7);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void deathBySignalIsTheCommandsOwn() throws Exception {
        Result result = hamiRun("--", "sh", "-c", "kill -TERM $$");
        assertThat(result.exit()).as("128 + SIGTERM as seen by the test JVM").isEqualTo(128 + 15);
    }

    @Test
    void nothingButTheCommandWritesOutput() throws Exception {
        Result result = hamiRun("--memory", "1g", "--", "true");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).as("stderr of a command that writes nothing").isEmpty();
    }

    @Test
    void commandRunsWithTheTenantsEnvironment() throws Exception {
        Path jsig = dist.resolve("runtime/lib/libjsig.so"); // any library that exists, harmless to preload
        Map<String, String> env = new HashMap<>();
        env.put("LD_PRELOAD", jsig.toString());
        env.put("CUDA_DEVICE_MEMORY_LIMIT", "100g");
        env.put("CUDA_DEVICE_MEMORY_LIMIT_5", "1");
        env.put("JAVA_TOOL_OPTIONS", "-Dhami.test=1");
        Result result = hamiRun(env, "--memory", "1g", "--device-memory", "1=512m", "--", "env", "-0");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.err()).as("the launcher JVM never saw JAVA_TOOL_OPTIONS").doesNotContain("Picked up");
        Map<String, String> child = parseEnv(result.outBytes());
        assertThat(child.get("LD_PRELOAD")).isEqualTo(dist.resolve("lib/libhami.so") + ":" + jsig);
        assertThat(child)
                .containsEntry("HAMI_TENANT", "job-" + result.pid())
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT", Long.toString(GIB))
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT_1", Long.toString(512L << 20))
                .doesNotContainKey("CUDA_DEVICE_MEMORY_LIMIT_5")
                .containsEntry("CUDA_DEVICE_MEMORY_SHARED_CACHE", region().toString())
                .containsEntry("JAVA_TOOL_OPTIONS", "-Dhami.test=1")
                .doesNotContainKeys("HAMI_ORIG_LD_PRELOAD", "HAMI_ORIG_JAVA_TOOL_OPTIONS");
    }

    private static Map<String, String> status(String text) {
        Map<String, String> status = new HashMap<>();
        text.lines().forEach(line -> {
            int colon = line.indexOf(':');
            if (colon > 0) {
                status.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        });
        return status;
    }

    @Test
    void commandReplacesTheLauncher() throws Exception {
        Result result = hamiRun("--memory", "1g", "--", "sh", "-c", "cat /proc/$$/status");
        assertThat(result.exit()).as(result.err()).isZero();
        Map<String, String> status = status(result.out());
        assertThat(status.get("Name")).isEqualTo("sh");
        assertThat(status.get("Pid")).as("the pid of bin/hami-run").isEqualTo(Long.toString(result.pid()));
        assertThat(status.get("PPid")).as("a child of this test JVM, not of a resident launcher JVM")
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }

    @Test
    void commandStartsWithNoSignalBlocked() throws Exception {
        // cat reads its own status: a shell would show its own mask (dash blocks all while it waits for a child)
        Result result = hamiRun("--", "cat", "/proc/self/status");
        assertThat(result.exit()).as(result.err()).isZero();
        Map<String, String> status = status(result.out());
        assertThat(status.get("Pid")).isEqualTo(Long.toString(result.pid()));
        assertThat(status.get("SigBlk")).as("the JVM's blocked signals are not inherited").matches("0+");
    }

    @Test
    void onlyTheStandardDescriptorsReachTheCommand() throws Exception {
        Result result = hamiRun("--", "sh", "-c", "ls /proc/$$/fd");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out().lines().toList()).containsExactlyInAnyOrder("0", "1", "2");
    }

    @Test
    void existingTenantWithOtherLimitsIs125() throws Exception {
        assertThat(hamiRun("--tenant", "team-a", "--memory", "1g", "--", "true").exit()).isZero();
        assertOneErrorLine(hamiRun("--tenant", "team-a", "--memory", "2g", "--", "true"), 125,
                "tenant 'team-a'", "already has --memory 1g", "asks for --memory 2g", "omit --memory");
        Result joined = hamiRun("--tenant", "team-a", "--", "sh", "-c", "echo $HAMI_TENANT $CUDA_DEVICE_MEMORY_LIMIT");
        assertThat(joined.exit()).as(joined.err()).isZero();
        assertThat(joined.out().strip()).isEqualTo("team-a " + GIB);
    }

    @Test
    void finishedJobsGiveTheirEphemeralTenantsBack() throws Exception {
        // more launches than the region has tenant records: each finished job's tenant is reclaimed
        for (int i = 0; i < 70; i++) {
            Result result = hamiRun("--memory", "1g", "--", "true");
            assertThat(result.exit()).as("launch %d: %s", i, result.err()).isZero();
        }
    }

    @Test
    void aLaunchInsideAJobJoinsItsTenant() throws Exception {
        Result nested = hamiRun("--tenant", "outer", "--memory", "1g", "--", hamiRun.toString(), "--", "sh", "-c",
                "echo $HAMI_TENANT");
        assertThat(nested.exit()).as(nested.err()).isZero();
        assertThat(nested.out().strip()).isEqualTo("outer");
    }

    @Test
    void argumentsAndEnvironmentPassByteForByteUnderACLocale() throws Exception {
        // Java decodes non-ASCII to '?' under LC_ALL=C; the command must still get the caller's bytes
        String script = "FOO=\"$(printf 'caf\\303\\251 \\377')\" LC_ALL=C exec \"$0\" --region \"$1\" -- "
                + "sh -c 'printf \"%s|%s\" \"$1\" \"$FOO\" | od -An -tx1' sh \"$(printf 'caf\\303\\251 \\377')\"";
        Result result = exec(List.of("sh", "-c", script, hamiRun.toString(), region().toString()), Map.of());
        assertThat(result.exit()).as(result.err()).isZero();
        String hex = String.join(" ", result.out().strip().split("\\s+"));
        assertThat(hex).isEqualTo("63 61 66 c3 a9 20 ff 7c 63 61 66 c3 a9 20 ff");
    }

    @Test
    void worksThroughASymlink() throws Exception {
        Path links = Files.createDirectory(tmp.resolve("links"));
        Path first = Files.createSymbolicLink(links.resolve("hami-run"), hamiRun);
        Path second = Files.createSymbolicLink(links.resolve("hr"), Path.of("hami-run")); // relative link to a link
        for (Path link : List.of(first, second)) {
            Result result = exec(List.of(link.toString(), "--version"), Map.of());
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.out()).contains(dist.resolve("runtime").toString());
        }
    }

    @Test
    void missingRuntimeIs125() throws Exception {
        Path fake = Files.createDirectories(tmp.resolve("fake/bin"));
        Path script = Files.copy(hamiRun, fake.resolve("hami-run"));
        Result result = exec(List.of(script.toString(), "--", "true"), Map.of());
        assertThat(result.exit()).isEqualTo(125);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).contains("runtime", "is missing");
    }
}
