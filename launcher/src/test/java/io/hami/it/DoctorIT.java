package io.hami.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.hami.it.NativeHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/hami-run doctor} of the assembled distribution: with the fake {@code libcuda.so.1} on
 * LD_LIBRARY_PATH it passes (the real runtime, trampoline and AOT cache are checked for real); without any driver it
 * says why CUDA cannot run and exits 3, without a crash.
 */
class DoctorIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    private Result doctor(Map<String, String> extra) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.putAll(extra);
        return NativeHarness.run(env, 120, NativeHarness.DIST.resolve("bin/hami-run").toString(), "doctor",
                "--region", dir.resolve("test.region").toString());
    }

    private static String line(Result result, String check) {
        return result.stdout().lines().filter(l -> l.matches("^(ok|warn|FAIL) +" + check + ": .*")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + check + " line in:\n" + result.stdout()
                        + "\nstderr: " + result.stderr()));
    }

    @Test
    void withTheFakeDriverEveryCheckOfTheRealDistributionPasses() throws Exception {
        Path log = dir.resolve("hami.log");
        Result r = doctor(Map.of("LD_LIBRARY_PATH", NativeHarness.fakeDriverDir().toString(), "FAKECUDA_DEVICES",
                "2", "FAKECUDA_TOTAL_MB", "2048", "HAMI_LOG_FILE", log.toString()));
        assertThat(r.exit()).as("exit; stdout:\n%s\nstderr: %s", r.stdout(), r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(line(r, "driver")).startsWith("ok").contains(NativeHarness.fakeDriverDir().toString(), "2 devices");
        assertThat(line(r, "device 1")).startsWith("ok").endsWith(", 2.0 GiB");
        assertThat(line(r, "trampoline")).startsWith("ok");
        assertThat(line(r, "aot cache")).as("the shipped cache, tried with the options libhami.so exports")
                .startsWith("ok").contains("accepted");
        assertThat(line(r, "runtime")).startsWith("ok").contains("Java 25");
        assertThat(line(r, "signals")).startsWith("ok");
        assertThat(line(r, "region")).startsWith("ok").contains("will be created");
        assertThat(line(r, "logging")).startsWith("ok").contains("appended to " + log);
        assertThat(dir.resolve("test.region")).as("doctor creates nothing").doesNotExist();
        assertThat(log).as("not even a line in the log file (the AOT check's agent logs, into doctor's pipe)")
                .doesNotExist();
    }

    @Test
    void withoutADriverItSaysWhyCudaCannotRunAndExits3() throws Exception {
        assumeThat(Path.of("/dev/nvidiactl")).as("a machine without a GPU, like CI").doesNotExist();
        Result r = doctor(Map.of("LD_LIBRARY_PATH", dir.toString()));
        assumeThat(r.stdout()).as("no libcuda.so.1 installed system-wide").doesNotContain("ok    driver");
        assertThat(r.exit()).as("stdout:\n%s\nstderr: %s", r.stdout(), r.stderr()).isEqualTo(3);
        assertThat(r.stderr()).isEmpty();
        assertThat(line(r, "driver")).startsWith("FAIL  driver: cannot run CUDA: libcuda.so.1 cannot be loaded (")
                .contains("no /dev/nvidia*", "fix: ");
        assertThat(line(r, "aot cache")).as("the distribution is still checked").startsWith("ok");
    }

    @Test
    void aDamagedDistributionIsExit4() throws Exception {
        Path copy = dir.resolve("dist");
        Files.createDirectories(copy.resolve("lib"));
        Files.createDirectories(copy.resolve("bin"));
        Files.copy(NativeHarness.DIST.resolve("bin/hami-run"), copy.resolve("bin/hami-run"));
        Files.createSymbolicLink(copy.resolve("runtime"), NativeHarness.DIST.resolve("runtime"));
        try (var jars = Files.newDirectoryStream(NativeHarness.DIST.resolve("lib"), "*.jar")) {
            for (Path jar : jars) {
                Files.copy(jar, copy.resolve("lib").resolve(jar.getFileName()));
            }
        }
        Files.writeString(copy.resolve("lib/libhami.so"), "not a library");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("LD_LIBRARY_PATH", NativeHarness.fakeDriverDir().toString());
        Result r = NativeHarness.run(env, 120, copy.resolve("bin/hami-run").toString(), "doctor", "--region",
                dir.resolve("test.region").toString());
        assertThat(r.exit()).as("stdout:\n%s", r.stdout()).isEqualTo(4);
        assertThat(line(r, "trampoline")).startsWith("FAIL").contains("cannot be loaded");
        assertThat(line(r, "aot cache")).startsWith("warn").contains("missing");
    }
}
