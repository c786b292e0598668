package io.hami.it;

import static io.hami.it.NativeHarness.bin;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trampoline's own lines ({@code hami_log_at} in trampoline.c): HAMI_LOG_FILE and LIBCUDA_LOG_LEVEL as the Java
 * side reads them. A distribution without its runtime makes the trampoline log an error on its own (the boot fails,
 * the allocation is refused), with no JVM to log for it.
 */
class LoggingIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    /** alloc_until_oom under a limit, preloading a copy of libhami.so whose distribution has no JVM. */
    private Result allocateWithoutRuntime(Map<String, String> extra) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("broken-dist/lib"));
        Files.copy(NativeHarness.DIST.resolve("lib/libhami.so"), lib.resolve("libhami.so"));
        Path runtimeLib = Files.createDirectories(dir.resolve("broken-dist/runtime/lib"));
        // libhami.so needs libjsig.so (else the loader skips the preload); the JVM itself is what is missing
        Files.copy(NativeHarness.DIST.resolve("runtime/lib/libjsig.so"), runtimeLib.resolve("libjsig.so"));
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", lib.resolve("libhami.so").toString());
        env.put("CUDA_DEVICE_MEMORY_LIMIT", "64m");
        env.putAll(extra);
        return run(env, 60, bin("alloc_until_oom").toString(), "--mode", "direct", "--chunk", "1m");
    }

    private static List<String> hamiLines(String text) {
        return text.lines().filter(line -> line.startsWith("[hami-ffm ")).toList();
    }

    @Test
    void errorsGoToTheLogFileWithThePidEvenAtLevelZeroAndNothingToStdoutOrStderr() throws Exception {
        Path log = dir.resolve("hami.log");
        Result r = allocateWithoutRuntime(Map.of("HAMI_LOG_FILE", log.toString(), "LIBCUDA_LOG_LEVEL", "0"));
        NativeHarness.assertOnlyProgramOutput(r);
        assertThat(hamiLines(r.stderr())).isEmpty();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).isNotEmpty().allMatch(line -> line.matches("\\[hami-ffm \\d+] error: .+"));
        assertThat(String.join("\n", lines)).contains("the bundled Java runtime is missing",
                "memory limit cannot be enforced");
    }

    @Test
    void withoutAFileTheLinesGoToStderr() throws Exception {
        Result r = allocateWithoutRuntime(Map.of());
        NativeHarness.assertOnlyProgramOutput(r);
        assertThat(hamiLines(r.stderr())).anySatisfy(line -> assertThat(line).matches(
                "\\[hami-ffm \\d+] error: the bundled Java runtime is missing.*"));
    }

    @Test
    void aLogFileThatCannotBeOpenedFallsBackToStderr() throws Exception {
        Result r = allocateWithoutRuntime(Map.of("HAMI_LOG_FILE", dir.resolve("no/such/dir/hami.log").toString()));
        assertThat(hamiLines(r.stderr())).anySatisfy(line -> assertThat(line).contains("error: memory limit"));
    }
}
