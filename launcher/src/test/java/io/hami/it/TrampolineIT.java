package io.hami.it;

import static io.hami.it.NativeHarness.MIB;
import static io.hami.it.NativeHarness.assertOnlyProgramOutput;
import static io.hami.it.NativeHarness.bin;
import static io.hami.it.NativeHarness.command;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole path without a GPU: C program → libhami.so (at -O0 and -O2) → JVM booted in the process → Java hooks →
 * fake driver. The fake driver keeps a cross-process ledger with the high-water mark of live bytes, the ground truth
 * that a limit never overshoots.
 */
class TrampolineIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    private Map<String, String> limited(String optimization, String limit) throws Exception {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.dist(optimization).resolve("lib/libhami.so").toString());
        env.put("CUDA_DEVICE_MEMORY_LIMIT", limit);
        return env;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"O2,direct", "O2,dlsym", "O2,procaddr", "O2,procaddr-ptsz", "O0,direct", "O0,dlsym", "O0,procaddr",
            "O0,procaddr-ptsz"})
    void every_way_to_reach_the_driver_meets_the_exact_limit(String optimization, String mode) throws Exception {
        Result r = run(limited(optimization, "32m"), 120,
                command("alloc_until_oom", "--mode", mode, "--chunk", "1m").toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(32);
        assertThat(r.number("first_oom")).isEqualTo(2); // CUDA_ERROR_OUT_OF_MEMORY
        assertThat(r.number("total")).isEqualTo(32 * MIB);
        assertThat(r.number("free")).isZero();
        assertThat(r.number("devtotal")).isEqualTo(32 * MIB);
        assertThat(r.number("free_errors")).isZero();
        assertThat(r.number("free_after")).isEqualTo(32 * MIB);
        assertThat(r.get("resolved.cuMemAlloc_v2.lib")).isEqualTo("libhami.so");
        if (mode.equals("procaddr-ptsz")) {
            assertThat(r.get("resolved.cuLaunchKernel.sym")).isEqualTo("cuLaunchKernel_ptsz");
            assertThat(r.get("resolved.cuLaunchKernel.lib")).isEqualTo("libhami.so");
        }
        assertThat(Long.parseLong(NativeHarness.ledger(dir).get("dev0.hwm"))).isEqualTo(32 * MIB);
        assertOnlyProgramOutput(r);
    }

    @Test
    void accounts_the_size_the_driver_really_reserves() throws Exception {
        Map<String, String> env = limited("O2", "32m");
        env.put("FAKECUDA_GRANULE", "64k");
        // 1 MiB + 1 byte occupies 1 MiB + 64 KiB in this driver: floor(32 MiB / 1088 KiB) = 30
        Result r = run(env, 120, command("alloc_until_oom", "--mode", "direct", "--chunk", "1048577")
                .toArray(String[]::new));
        assertThat(r.number("allocated")).isEqualTo(30);
        assertThat(r.number("free")).isEqualTo(32 * MIB - 30 * (MIB + 64 * 1024));
        assertThat(Long.parseLong(NativeHarness.ledger(dir).get("dev0.hwm"))).isLessThanOrEqualTo(32 * MIB);
    }

    @ParameterizedTest
    @ValueSource(strings = {"O2", "O0"})
    void many_threads_never_overshoot(String optimization) throws Exception {
        Result r = run(limited(optimization, "64m"), 120,
                command("alloc_until_oom", "--mode", "procaddr", "--chunk", "256k", "--threads", "16")
                        .toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(256);
        assertThat(Long.parseLong(NativeHarness.ledger(dir).get("dev0.hwm"))).isEqualTo(64 * MIB);
    }

    @Test
    void several_processes_share_one_tenant_limit_exactly() throws Exception {
        Map<String, String> env = limited("O2", "48m");
        List<CompletableFuture<Result>> runs = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return run(env, 180, command("alloc_until_oom", "--mode", "dlsym", "--chunk", "512k",
                            "--threads", "4", "--hold-ms", "1500").toArray(String[]::new));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        long total = 0;
        for (CompletableFuture<Result> run : runs) {
            Result r = run.get();
            assertThat(r.exit()).as(r.stderr()).isZero();
            total += r.number("allocated");
        }
        // the holds overlap, so together they fill the limit; the driver never saw more than it
        assertThat(total).isGreaterThanOrEqualTo(96);
        Map<String, String> ledger = NativeHarness.ledger(dir);
        assertThat(Long.parseLong(ledger.get("dev0.hwm"))).isLessThanOrEqualTo(48 * MIB);
        assertThat(Long.parseLong(ledger.get("dev0.live"))).isZero();
    }

    @Test
    void random_sizes_many_threads_and_frees_end_balanced() throws Exception {
        Map<String, String> env = limited("O2", "40m");
        Result r = run(env, 180, command("stress", "--mode", "procaddr", "--threads", "8", "--iters", "3000",
                "--chunk-min", "1", "--chunk-max", "3m", "--seed", "7").toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("errors")).isZero();
        assertThat(r.number("free_errors")).isZero();
        assertThat(r.number("oom")).isPositive();
        assertThat(r.number("free_after")).isEqualTo(40 * MIB); // every byte given back
        assertThat(Long.parseLong(NativeHarness.ledger(dir).get("dev0.hwm"))).isLessThanOrEqualTo(40 * MIB);
    }

    @Test
    void the_driver_picks_versions_and_we_swap_in_exactly_our_exports() throws Exception {
        Map<String, String> env = limited("O2", "32m");
        Result r = run(env, 60, bin("procaddr_probe").toString(), "--init");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.get("resolver.lib")).isEqualTo("libhami.so");
        assertThat(r.get("q.cuGetProcAddress.12000.0.sym")).isEqualTo("cuGetProcAddress_v2");
        assertThat(r.get("q.cuGetProcAddress.12000.0.lib")).isEqualTo("libhami.so");
        assertThat(r.get("q.cuGetProcAddress.11030.0.sym")).isEqualTo("cuGetProcAddress");
        assertThat(r.get("q.cuGetProcAddress.11030.0.lib")).isEqualTo("libhami.so");
        assertThat(r.get("q.cuGetProcAddress.11000.0.result")).isEqualTo("500");
        assertThat(r.get("q.cuMemAlloc.13000.0.lib")).isEqualTo("libhami.so");
        assertThat(r.get("q.cuMemAlloc.13000.0.sym")).isEqualTo("cuMemAlloc_v2");
        assertThat(r.get("q.cuMemAlloc.3000.0.lib")).isEqualTo("libcuda.so.1"); // v1: not ours, the driver's
        assertThat(r.get("q.cuCtxCreate.13000.0.sym")).isEqualTo("cuCtxCreate_v4");
        assertThat(r.get("q.cuCtxCreate.13000.0.lib")).isEqualTo("libhami.so"); // exported: starts the boot early
        assertThat(r.get("q.cuCtxCreate.11040.0.sym")).isEqualTo("cuCtxCreate_v3");
        assertThat(r.get("q.cuLaunchKernel.13000.2.sym")).isEqualTo("cuLaunchKernel_ptsz");
        assertThat(r.get("q.cuLaunchKernel.13000.2.lib")).isEqualTo("libhami.so");
        assertThat(r.get("q.cuLaunchKernel.13000.1.sym")).isEqualTo("cuLaunchKernel");
        assertThat(r.get("q.cuLaunchKernel.13000.1.lib")).isEqualTo("libhami.so");
    }

    @ParameterizedTest
    @ValueSource(strings = {"O2", "O0"})
    void rtld_next_stays_relative_to_the_caller(String optimization) throws Exception {
        Path hami = NativeHarness.dist(optimization).resolve("lib/libhami.so");
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.libnext() + " " + hami);
        Result before = run(env, 60, bin("rtldnext_host").toString());
        assertThat(before.exit()).as(before.stderr()).isZero();
        assertThat(before.get("fopen_ok")).isEqualTo("1");
        assertThat(before.number("next_fopen_calls")).isPositive();
        assertThat(before.get("next_cuMemAlloc_v2_lib")).isEqualTo("libhami.so"); // next after libnext: us

        env.put("LD_PRELOAD", hami + " " + NativeHarness.libnext());
        Result after = run(env, 60, bin("rtldnext_host").toString());
        assertThat(after.exit()).as(after.stderr()).isZero();
        assertThat(after.get("fopen_ok")).isEqualTo("1");
        assertThat(after.get("next_cuMemAlloc_v2_lib")).isEqualTo("libcuda.so.1"); // next after libnext: the driver
        assertThat(after.get("default_cuMemAlloc_v2_lib")).isEqualTo("libhami.so");
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "procaddr"})
    void host_signal_handlers_keep_working_before_and_after_boot(String mode) throws Exception {
        Result r = run(limited("O2", "32m"), 60, bin("sighandler_host").toString(), "--mode", mode);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.get("usr1_handled")).isEqualTo("1");
        assertThat(r.get("segv_handled")).isEqualTo("1");
        assertThat(r.get("usr1_handled2")).isEqualTo("1");
        assertThat(r.get("segv_handled2")).isEqualTo("1");
    }

    @Test
    void without_a_limit_everything_passes_through_and_no_jvm_starts() throws Exception {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        env.put("FAKECUDA_TOTAL_MB", "16");
        Result r = run(env, 60, command("alloc_until_oom", "--mode", "procaddr", "--chunk", "1m")
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(16); // the driver's own limit
        assertThat(r.number("total")).isEqualTo(16 * MIB);
        assertThat(r.stderr()).isEmpty();
        assertThat(dir.resolve("test.region")).doesNotExist(); // the JVM would have joined the region
    }

    @ParameterizedTest
    @CsvSource({"32m,33554432", "536870912,536870912", "256MiB,268435456", "4g,1073741824"})
    void questions_see_the_limit_and_start_no_jvm(String limit, long expected) throws Exception {
        Result r = run(limited("O2", limit), 60, bin("query_only").toString());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("devtotal")).isEqualTo(expected);
        assertThat(r.number("threads")).as("no JVM threads").isEqualTo(1);
        assertThat(dir.resolve("test.region")).doesNotExist();
    }

    @Test
    void an_unreadable_limit_refuses_allocations_with_a_message_naming_it() throws Exception {
        Result r = run(limited("O2", "10xb"), 60, command("alloc_until_oom", "--mode", "direct", "--chunk", "1m")
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isZero();
        assertThat(r.number("first_oom")).isEqualTo(2);
        assertThat(r.stderr()).contains("CUDA_DEVICE_MEMORY_LIMIT=10xb").contains("suffix");
        assertOnlyProgramOutput(r);
    }

    @Test
    void a_missing_runtime_refuses_allocations_and_says_how_to_fix_it() throws Exception {
        Path broken = dir.resolve("broken-dist");
        Files.createDirectories(broken.resolve("lib"));
        Files.copy(NativeHarness.DIST.resolve("lib/libhami.so"), broken.resolve("lib/libhami.so"));
        Files.createSymbolicLink(broken.resolve("runtime-lib"), NativeHarness.DIST.resolve("runtime/lib"));
        Map<String, String> env = limited("O2", "32m");
        env.put("LD_PRELOAD", broken.resolve("lib/libhami.so").toString());
        // libjsig is a dependency of the trampoline: give the loader its directory, but no runtime/ to boot
        env.put("LD_LIBRARY_PATH", env.get("LD_LIBRARY_PATH") + ":" + broken.resolve("runtime-lib"));
        Result r = run(env, 60, command("alloc_until_oom", "--mode", "direct", "--chunk", "1m")
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isZero();
        assertThat(r.stderr()).contains("runtime is missing").contains("reinstall");
    }

    @Test
    void a_dead_process_usage_comes_back_to_the_tenant() throws Exception {
        Map<String, String> env = limited("O2", "32m");
        ProcessBuilder builder = new ProcessBuilder(command("alloc_until_oom", "--mode", "direct", "--chunk", "1m",
                "--hold-ms", "60000"));
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        Process holder = builder.start();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))) {
            String line;
            while ((line = reader.readLine()) != null && !line.startsWith("devtotal=")) {
                // wait until it holds the whole limit
            }
            holder.destroyForcibly().waitFor(); // SIGKILL: no atexit, no free
        }
        Result next = run(env, 60, command("alloc_until_oom", "--mode", "direct", "--chunk", "1m")
                .toArray(String[]::new));
        assertThat(next.number("allocated")).isEqualTo(32);
    }
}
