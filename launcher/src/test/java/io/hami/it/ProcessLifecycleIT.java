package io.hami.it;

import static io.hami.it.NativeHarness.MIB;
import static io.hami.it.NativeHarness.command;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import io.hami.region.Region;
import io.hami.region.RegionLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract with the host process and with the other tenants: fork before/during/after boot, exit() whose
 * destructors still free, processes frozen at each step of the memory protocol, processes SIGKILLed at random.
 * Invariants, not timings: the fake driver's cross-process high-water mark never exceeds the limit, nobody waits on
 * a frozen or dead process, and every byte comes back.
 */
class ProcessLifecycleIT {
    private static final long LIMIT_MIB = 32;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    private Map<String, String> limited() {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.DIST.resolve("lib/libhami.so").toString());
        env.put("CUDA_DEVICE_MEMORY_LIMIT", LIMIT_MIB + "m");
        return env;
    }

    private long hwm() throws Exception {
        return Long.parseLong(NativeHarness.ledger(dir).get("dev0.hwm"));
    }

    @ParameterizedTest
    @CsvSource({"before,32", "during,0", "after,0"})
    void fork_children_boot_afresh_or_fail_fast_never_hang(String when, long childAllocated) throws Exception {
        Result r = run(limited(), 90, command("fork_host", "--mode", "direct", "--when", when, "--chunk", "1m")
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("child.status")).as("the child exits on its own (alarm would kill it)").isZero();
        assertThat(r.number("child.allocated")).isEqualTo(childAllocated);
        if (childAllocated == 0) {
            assertThat(r.number("child.first")).isEqualTo(2); // refused under a limit, with a message
            assertThat(r.stderr()).contains("forked from one whose JVM was running");
        }
        assertThat(r.number("parent.allocated")).isEqualTo(LIMIT_MIB);
        assertThat(hwm()).isLessThanOrEqualTo(LIMIT_MIB * MIB);
    }

    @Test
    void exit_releases_the_slot_at_once_and_later_frees_only_reach_the_driver() throws Exception {
        Result r = run(limited(), 60, command("exit_host", "--mode", "direct", "--chunk", "1m", "--count", "8")
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(8);
        assertThat(r.stderr()).doesNotContain("error").doesNotContain("failed");
        try (Region region = Region.open(dir.resolve("test.region"))) {
            int tenant = region.findTenant("default");
            assertThat(region.used(tenant, 0)).as("given back by the exit handler, not by reclamation").isZero();
            for (int s = 0; s < RegionLayout.SLOT_CAPACITY; s++) {
                assertThat(region.slotState(s)).as("slot %d", s).isEqualTo(RegionLayout.STATE_FREE);
            }
        }
        assertThat(Long.parseLong(NativeHarness.ledger(dir).get("dev0.live"))).isZero();
    }

    @ParameterizedTest
    @CsvSource({"reserved,31", "committed,31", "freeing,0"})
    void a_process_frozen_at_any_step_never_stops_the_others(String step, long othersGet) throws Exception {
        Map<String, String> frozenEnv = limited();
        frozenEnv.put("HAMI_TEST_PAUSE_AT", step);
        Process frozen = start(frozenEnv, command("alloc_until_oom", "--mode", "direct", "--chunk", "1m"));
        try {
            awaitStopped(frozen);
            // the frozen process holds 1 MiB (reserved/committed) or everything (stopped in its first free)
            Result other = run(limited(), 60, command("alloc_until_oom", "--mode", "procaddr", "--chunk", "1m",
                    "--threads", "4").toArray(String[]::new));
            assertThat(other.exit()).as(other.stderr()).isZero();
            assertThat(other.number("allocated")).isEqualTo(othersGet);
            assertThat(other.number("free_errors")).isZero();
            ProcessHandle.of(frozen.pid()).ifPresent(h -> signal(h.pid(), "CONT"));
            assertThat(frozen.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(frozen.exitValue()).isZero();
        } finally {
            frozen.destroyForcibly();
        }
        assertThat(hwm()).isLessThanOrEqualTo(LIMIT_MIB * MIB);
    }

    @Test
    void a_frozen_process_killed_with_its_reservation_gives_it_back() throws Exception {
        Map<String, String> frozenEnv = limited();
        frozenEnv.put("HAMI_TEST_PAUSE_AT", "reserved");
        Process frozen = start(frozenEnv, command("alloc_until_oom", "--mode", "direct", "--chunk", "1m"));
        awaitStopped(frozen);
        frozen.destroyForcibly().waitFor();
        Result next = run(limited(), 60, command("alloc_until_oom", "--mode", "direct", "--chunk", "1m")
                .toArray(String[]::new));
        assertThat(next.number("allocated")).isEqualTo(LIMIT_MIB);
    }

    @ParameterizedTest
    @ValueSource(ints = {7})
    void processes_killed_at_random_never_let_the_limit_overshoot_and_their_usage_comes_back(int seed)
            throws Exception {
        Random random = new Random(seed);
        List<Process> running = new ArrayList<>();
        int killed = 0;
        for (int round = 0; round < 10; round++) {
            while (running.size() < 6) {
                running.add(start(limited(), command("stress", "--mode", random.nextBoolean() ? "direct" : "procaddr",
                        "--threads", "4", "--iters", "200000", "--chunk-min", "4k", "--chunk-max", "3m", "--seed",
                        Integer.toString(random.nextInt(1000)))));
            }
            Thread.sleep(200 + random.nextInt(400));
            Process victim = running.remove(random.nextInt(running.size()));
            victim.destroyForcibly().waitFor(); // SIGKILL, wherever it was in the protocol
            killed++;
        }
        for (Process p : running) {
            p.destroyForcibly().waitFor();
            killed++;
        }
        long killedAt = System.nanoTime();
        // whoever notices first reclaims: a fresh process gets the whole limit back
        Result fresh = run(limited(), 60, command("alloc_until_oom", "--mode", "direct", "--chunk", "1m")
                .toArray(String[]::new));
        long seconds = Duration.ofNanos(System.nanoTime() - killedAt).toSeconds();
        assertThat(fresh.exit()).as(fresh.stderr()).isZero();
        // the fresh process's own primary context is charged too: its size is measured once while the stress runs,
        // so other processes' allocations can show up in it (docs/memory.md, context overhead)
        long context;
        try (Region region = Region.open(dir.resolve("test.region"))) {
            context = region.contextBytes(0);
        }
        assertThat(fresh.number("allocated")).as("after %d kills, a context of %d bytes", killed, context)
                .isEqualTo((LIMIT_MIB * MIB - context) / MIB);
        assertThat(seconds).as("usage back within the generous bound").isLessThanOrEqualTo(10);
        Map<String, String> ledger = NativeHarness.ledger(dir);
        assertThat(Long.parseLong(ledger.get("dev0.hwm"))).as("the driver never held more than the limit")
                .isLessThanOrEqualTo(LIMIT_MIB * MIB);
        assertThat(Long.parseLong(ledger.get("dev0.allocs"))).as("the stress really ran").isGreaterThan(1000);
    }

    private static Process start(Map<String, String> env, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private static void awaitStopped(Process process) throws Exception {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(stat);
            if (text.charAt(text.lastIndexOf(')') + 2) == 'T') {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("process " + process.pid() + " never reached its pause point");
    }

    private static void signal(long pid, String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
