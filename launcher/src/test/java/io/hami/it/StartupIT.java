package io.hami.it;

import static io.hami.it.NativeHarness.MIB;
import static io.hami.it.NativeHarness.assertOnlyProgramOutput;
import static io.hami.it.NativeHarness.command;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The startup contract (docs/startup.md) against the fake driver: the AOT cache ships and is accepted; a process that
 * only asks questions never starts a JVM; context creation starts the boot in the background without waiting for it;
 * a program may exit while the JVM is still booting; nothing reaches stdout, whether the cache is used or rejected.
 */
class StartupIT {
    private static Path probe;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
        Path out = NativeHarness.OUT.resolve("startup");
        Files.createDirectories(out);
        probe = out.resolve("startup_probe");
        String include = System.getenv().getOrDefault("CUDA_INCLUDE", "/usr/local/cuda/include");
        Result gcc = run(Map.of("PATH", System.getenv("PATH")), 120, "gcc", "-O2", "-Wall", "-Wextra", "-Werror",
                "-I" + include, "-o", probe.toString(),
                NativeHarness.REPO.resolve("benchmarks/native/startup_probe.c").toString(),
                "-L" + NativeHarness.fakeDriverDir(), "-lcuda");
        assertThat(gcc.exit()).as("gcc startup_probe.c: %s", gcc.stderr()).isZero();
    }

    private Map<String, String> limited(String limit) {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        env.put("CUDA_DEVICE_MEMORY_LIMIT", limit);
        return env;
    }

    private static String[] probe(String... args) {
        List<String> command = new ArrayList<>();
        command.add(probe.toString());
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    @Test
    void the_aot_cache_ships_and_is_accepted() throws Exception {
        assertThat(NativeHarness.DIST.resolve("lib/hami.aot")).isRegularFile();
        Map<String, String> env = limited("32m");
        env.put("HAMI_JVM_OPTIONS", "-XX:AOTMode=on"); // a rejected cache ends the JVM's creation, loudly
        Result r = run(env, 120, command("alloc_until_oom", "--mode", "procaddr", "--chunk", "1m")
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(32);
        assertThat(r.number("total")).isEqualTo(32 * MIB);
        assertThat(r.stderr()).doesNotContain("[aot").doesNotContain("Error occurred");
        assertOnlyProgramOutput(r);
    }

    @Test
    void a_rejected_cache_is_said_on_stderr_never_on_stdout_and_the_limit_still_holds() throws Exception {
        Path junk = dir.resolve("foreign.aot");
        byte[] bytes = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(junk, bytes);
        Map<String, String> env = limited("32m");
        env.put("HAMI_JVM_OPTIONS", "-XX:AOTCache=" + junk); // the default mode: the JVM goes on without it
        Result r = run(env, 120, command("alloc_until_oom", "--mode", "direct", "--chunk", "1m")
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(32);
        assertThat(r.stderr()).contains("[aot");
        assertThat(r.stdout()).doesNotContain("aot").doesNotContain("AOT");
        assertOnlyProgramOutput(r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"32m", ""})
    void a_process_that_only_asks_questions_never_starts_a_jvm(String limit) throws Exception {
        Map<String, String> env = limit.isEmpty() ? NativeHarness.env(dir) : limited(limit);
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        Result r = run(env, 60, probe("--only-init", "--settle-ms", "300"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("devices")).isPositive();
        assertThat(r.number("jvm_loaded")).isZero();
        assertThat(r.number("threads")).isEqualTo(1);
        assertThat(r.stderr()).isEmpty();
        assertThat(dir.resolve("test.region")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"primary", "create"})
    void context_creation_boots_in_the_background(String ctx) throws Exception {
        // the context call returns at once; by the end of the pause the JVM is up, so the allocation finds it ready
        Result r = run(limited("32m"), 120, probe("--ctx", ctx, "--gap-ms", "3000", "--settle-ms", "0"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("jvm_loaded")).isEqualTo(1);
        assertThat(r.number("threads")).isGreaterThan(1);
        assertThat(r.number("ctx_ns")).as("the context call waited for the JVM").isLessThan(50_000_000L);
        assertThat(r.number("alloc_ns")).as("the allocation waited for a boot started early").isLessThan(50_000_000L);
        assertThat(dir.resolve("test.region")).exists();
        assertOnlyProgramOutput(r);
    }

    @Test
    void a_call_that_needs_a_decision_goes_on_once_its_own_hook_is_in() throws Exception {
        // the boot holds 4 s after its memory hooks are in, before its verdict: the allocation does not wait for it,
        // and the limit already holds (a 64 MiB allocation under 32m is refused, as quickly)
        Map<String, String> env = limited("32m");
        env.put("HAMI_TEST_BOOT_PAUSE_MS", "4000");
        Result fits = run(env, 120, probe("--settle-ms", "0"));
        assertThat(fits.exit()).as(fits.stderr()).isZero();
        assertThat(fits.number("alloc_ns")).as("went on before the verdict").isLessThan(2_500_000_000L);
        Result over = run(env, 120, probe("--bytes", Long.toString(64L << 20), "--settle-ms", "0"));
        assertThat(over.number("error")).as(over.stderr()).isEqualTo(2); // CUDA_ERROR_OUT_OF_MEMORY
        assertThat(over.number("alloc_ns")).as("refused by its hook, before the verdict").isLessThan(2_500_000_000L);
    }

    @Test
    void without_a_limit_context_creation_starts_nothing() throws Exception {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        for (String ctx : List.of("primary", "create")) {
            Result r = run(env, 60, probe("--ctx", ctx, "--gap-ms", "300", "--settle-ms", "0"));
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.number("jvm_loaded")).isZero();
            assertThat(r.number("threads")).isEqualTo(1);
            assertThat(r.stderr()).isEmpty();
        }
        assertThat(dir.resolve("test.region")).doesNotExist();
    }

    @Test
    void a_hami_run_tenant_without_a_limit_is_tracked_from_its_first_context() throws Exception {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        env.put("HAMI_TENANT", "startup-it");
        Result r = run(env, 120, probe("--exit-after-ctx", "--gap-ms", "3000", "--settle-ms", "0"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("jvm_loaded")).isEqualTo(1);
        assertThat(dir.resolve("test.region")).exists();
    }

    @Test
    void a_program_may_exit_while_the_jvm_is_still_booting() throws Exception {
        Map<String, String> env = limited("32m");
        for (int gap : new int[] {0, 5, 20, 40, 80, 0, 10, 60}) {
            Result r = run(env, 60, probe("--exit-after-ctx", "--gap-ms", Integer.toString(gap)));
            assertThat(r.exit()).as("gap %d ms: %s", gap, r.stderr()).isZero();
            assertThat(r.stderr()).as("gap %d ms", gap).isEmpty();
            assertOnlyProgramOutput(r);
        }
    }
}
