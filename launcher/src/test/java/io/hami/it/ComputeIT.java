package io.hami.it;

import static io.hami.it.NativeHarness.bin;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compute sharing end to end: the real trampoline and JVM, the fake driver's timeline standing for the GPU (each
 * kernel 1 ms of it, FAKECUDA_KERNEL_NS). A share is a rate of GPU time on every launch path; a capture still
 * captures; no share, no hooks in the way; a share given to a running job applies to it.
 */
class ComputeIT {
    private static final String KERNEL_NS = "1000000";
    /** Kernels per second of a saturating stream with no limit (1 ms each). */
    private static final double FULL = 1000;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    private Map<String, String> env() {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("FAKECUDA_KERNEL_NS", KERNEL_NS);
        return env;
    }

    private Map<String, String> preloaded() {
        Map<String, String> env = env();
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        return env;
    }

    private static double rate(Result r) {
        assertThat(r.exit()).as(r.stderr()).isZero();
        return r.number("launched") * 1e6 / r.number("micros");
    }

    private static Result loop(Map<String, String> env, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = bin("launch_loop").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return run(env, 120, command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "ptsz", "ex", "coop", "graph"})
    void a_share_limits_every_launch_path_to_its_rate(String api) throws Exception {
        Map<String, String> env = preloaded();
        env.put("CUDA_DEVICE_SM_LIMIT", "25");
        double rate = rate(loop(env, "--api", api, "--warmup", "1.5", "--seconds", "2"));
        // generous below: a loaded CI machine may not keep the stream saturated; unthrottled would be 1.0
        assertThat(rate / FULL).as("%s at a 25 %% share", api).isBetween(0.15, 0.30);
    }

    @Test
    void without_a_share_launches_are_not_slowed_and_a_capture_still_records() throws Exception {
        double nativeRate = rate(loop(env(), "--seconds", "1"));
        Map<String, String> env = preloaded();
        env.put("CUDA_DEVICE_MEMORY_LIMIT", "64m");
        Result r = loop(env, "--seconds", "1", "--capture");
        assertThat(r.get("capture")).isEqualTo("ok");
        assertThat(rate(r) / nativeRate).isGreaterThan(0.9);
        env.put("CUDA_DEVICE_SM_LIMIT", "50");
        Result limited = loop(env, "--seconds", "2", "--warmup", "1.5", "--capture");
        assertThat(limited.get("capture")).as("a capture under a share").isEqualTo("ok");
        assertThat(rate(limited) / FULL).isBetween(0.35, 0.55);
    }

    @Test
    void a_share_set_on_a_running_job_applies_to_it() throws Exception {
        Map<String, String> env = preloaded();
        env.put("HAMI_TENANT", "live");
        CompletableFuture<Result> job = CompletableFuture.supplyAsync(() -> {
            try {
                return loop(env, "--warmup", "3", "--seconds", "3");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500); // the job runs unlimited, its JVM up; the set (a JVM of its own) has 1.5 s to land
        Result set = run(Map.of("PATH", System.getenv("PATH")), 60,
                NativeHarness.DIST.resolve("bin/hami-run").toString(), "set", "--region",
                dir.resolve("test.region").toString(), "--tenant", "live", "--sm", "20");
        assertThat(set.exit()).as(set.stderr()).isZero();
        assertThat(rate(job.get()) / FULL).as("unthrottled would be 1.0").isBetween(0.10, 0.30);
    }
}
