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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block pool's C ABI end to end without a GPU: {@code pool_host} (hami-ffm/src/test/c/programs) → the
 * {@code hami_pool_*} exports of libhami.so (at -O2 and -O0) → the JVM they boot → io.hami.pool → the fake driver,
 * whose ledger of live bytes and high-water mark is the ground truth that the pool is counted once and never passes
 * the limit. Pools take VMM where the fake driver offers it and one cuMemAlloc per chunk with
 * {@code HAMI_POOL_VMM=0} (or a fake driver without VMM); the main scenarios run both ways.
 */
class PoolIT {
    private static final int CUDA_ERROR_INVALID_VALUE = 1;
    private static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    private static final int CUDA_ERROR_NOT_INITIALIZED = 3;
    private static final int CUDA_ERROR_INVALID_DEVICE = 101;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    /** True when the fake driver offers VMM (then "vmm" runs take it). */
    private static boolean fakeHasVmm() throws Exception {
        byte[] driver = Files.readAllBytes(NativeHarness.fakeDriverDir().resolve("libcuda.so.1"));
        return new String(driver, java.nio.charset.StandardCharsets.ISO_8859_1).contains("cuMemAddressReserve");
    }

    /** "vmm": the default (VMM where the driver has it); "plain": HAMI_POOL_VMM=0. */
    private Map<String, String> env(String optimization, String limit, String memory) throws Exception {
        Map<String, String> env = env(optimization, limit);
        if (memory.equals("plain")) {
            env.put("HAMI_POOL_VMM", "0");
        }
        return env;
    }

    private static long expectedFlags(String memory) throws Exception {
        return memory.equals("vmm") && fakeHasVmm() ? 1 : 0;
    }

    private Map<String, String> env(String optimization, String limit) throws Exception {
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", NativeHarness.dist(optimization).resolve("lib/libhami.so").toString());
        if (limit != null) {
            env.put("CUDA_DEVICE_MEMORY_LIMIT", limit);
        }
        return env;
    }

    private Result pool(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(command("pool_host"));
        command.addAll(List.of(args));
        Result r = run(env, 180, command.toArray(String[]::new));
        assertThat(r.exit()).as("pool_host %s\nstderr: %s", String.join(" ", args), r.stderr()).isZero();
        assertThat(r.get("done")).isEqualTo("1");
        assertOnlyProgramOutput(r);
        return r;
    }

    private Map<String, String> ledger() throws Exception {
        return NativeHarness.ledger(dir);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"O2,vmm", "O2,plain", "O0,vmm", "O0,plain"})
    void exhaustion_stops_at_the_limit_and_the_pool_is_counted_once(String optimization, String memory)
            throws Exception {
        Result r = pool(env(optimization, "32m", memory), "--scenario", "exhaust", "--block", "1m", "--max", "64");
        assertThat(r.number("exhaust.allocated")).isEqualTo(32);
        assertThat(r.number("exhaust.first_fail")).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        // the callback: at 75 % of what the limit lets the pool reach, then at the refusal, on the allocating thread
        assertThat(r.number("exhaust.pressure_first_at")).isEqualTo(24);
        assertThat(r.number("exhaust.pressure_calls")).isEqualTo(2);
        assertThat(r.number("exhaust.pressure_last_free")).isZero();
        assertThat(r.get("exhaust.pressure_pool_ok")).isEqualTo("1");
        assertThat(r.number("exhaust.full.reserved_bytes")).isEqualTo(32 * MIB);
        assertThat(r.number("exhaust.full.capacity_blocks")).isEqualTo(32);
        assertThat(r.number("exhaust.full.failed_allocs")).isEqualTo(1);
        assertThat(r.number("exhaust.full.pressure_events")).isEqualTo(2);
        assertThat(r.number("exhaust.full.flags")).as("VMM flag").isEqualTo(expectedFlags(memory));
        // counted once: cuMemGetInfo under the limit sees the pool's 32 MiB, and a plain allocation finds no room
        assertThat(r.number("exhaust.full.total")).isEqualTo(32 * MIB);
        assertThat(r.number("exhaust.full.free")).isZero();
        assertThat(r.number("exhaust.plain_alloc")).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(r.number("exhaust.free_errors")).isZero();
        assertThat(r.number("exhaust.freed.blocks_in_use")).isZero();
        assertThat(r.number("exhaust.trim")).isZero();
        assertThat(r.number("exhaust.trimmed.capacity_blocks")).isZero();
        assertThat(r.number("exhaust.trimmed.reserved_bytes")).isZero();
        assertThat(r.number("exhaust.trimmed.shrink_steps")).isEqualTo(8);
        assertThat(r.number("exhaust.trimmed.free")).isEqualTo(32 * MIB);
        assertThat(r.number("exhaust.destroy")).isZero();
        Map<String, String> ledger = ledger();
        assertThat(Long.parseLong(ledger.get("dev0.hwm"))).as("the driver never held more").isEqualTo(32 * MIB);
        assertThat(Long.parseLong(ledger.get("dev0.live"))).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmm", "plain"})
    void the_pool_grows_by_chunks_shrinks_to_nothing_and_reserves_ahead(String memory) throws Exception {
        Result r = pool(env("O2", "64m", memory), "--scenario", "grow-shrink", "--block", "1m", "--max", "32");
        assertThat(r.number("grow.created.flags")).isEqualTo(expectedFlags(memory));
        assertThat(r.number("grow.created.chunk_blocks")).isEqualTo(2); // 32 / 16
        assertThat(r.number("grow.created.capacity_blocks")).isEqualTo(2);
        assertThat(r.number("grow.created.reserved_bytes")).isEqualTo(2 * MIB);
        assertThat(r.number("grow.allocated")).isEqualTo(17);
        assertThat(r.number("grow.half.capacity_blocks")).isEqualTo(18);
        assertThat(r.number("grow.half.growth_steps")).isEqualTo(9);
        assertThat(r.number("grow.half.reserved_bytes")).isEqualTo(18 * MIB);
        assertThat(r.number("grow.trimmed.capacity_blocks")).isZero();
        assertThat(r.number("grow.trimmed.shrink_steps")).isEqualTo(9);
        assertThat(r.number("grow.trimmed.reserved_bytes")).isZero();
        assertThat(r.number("grow.trimmed.free")).isEqualTo(64 * MIB);
        assertThat(r.number("grow.ahead")).isEqualTo(9);
        assertThat(r.number("grow.reserve")).isZero();
        assertThat(r.number("grow.reserved.capacity_blocks")).isEqualTo(10);
        assertThat(r.number("grow.reserved.reserved_blocks")).isEqualTo(9);
        assertThat(r.number("grow.after_reserve_allocated")).isEqualTo(9);
        assertThat(r.number("grow.used.growth_steps")).as("reserved blocks need no growth")
                .isEqualTo(r.number("grow.reserved.growth_steps"));
        assertThat(r.number("grow.small.capacity_blocks")).isEqualTo(2);
        assertThat(r.number("grow.small.reserved_bytes")).isEqualTo(2 * MIB);
        assertThat(r.number("grow.reserve_too_many")).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(r.number("grow.destroy")).isZero();
        assertThat(Long.parseLong(ledger().get("dev0.live"))).isZero();
    }

    @Test
    void batches_are_all_or_nothing() throws Exception {
        Result r = pool(env("O2", "128m"), "--scenario", "batch", "--block", "1m", "--max", "64");
        assertThat(r.number("batch.alloc")).isZero();
        assertThat(r.get("batch.distinct")).isEqualTo("1");
        assertThat(r.number("batch.half.blocks_in_use")).isEqualTo(32);
        assertThat(r.number("batch.too_many")).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(r.number("batch.refused.blocks_in_use")).isEqualTo(32);
        assertThat(r.number("batch.rest")).isZero();
        assertThat(r.number("batch.zero")).isZero();
        assertThat(r.number("batch.free")).isZero();
        assertThat(r.number("batch.free_rest")).isZero();
        assertThat(r.number("batch.freed.blocks_in_use")).isZero();
        assertThat(r.number("batch.mixed")).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(r.number("batch.mixed.blocks_in_use")).isZero();
        assertThat(r.number("batch.destroy")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmm", "plain"})
    void double_and_foreign_frees_and_bad_handles_are_refused_without_damage(String memory) throws Exception {
        Result r = pool(env("O2", "32m", memory), "--scenario", "invalid", "--block", "1m", "--max", "64");
        assertThat(r.number("invalid.free_once")).isZero();
        for (String key : List.of("double_free", "foreign", "misaligned", "inside", "zero", "null_pool", "bogus_pool",
                "bogus_alloc", "null_out", "null_stats", "threshold", "create_zero_block", "create_zero_max",
                "create_null", "create_huge", "destroy_again", "stats_destroyed")) {
            assertThat(r.number("invalid." + key)).as(key).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        }
        assertThat(r.number("invalid.foreign_driver_free")).as("the foreign pointer is still the driver's").isZero();
        assertThat(r.number("invalid.create_device")).isEqualTo(CUDA_ERROR_INVALID_DEVICE);
        assertThat(r.number("invalid.callback_off")).isZero();
        assertThat(r.number("invalid.after.blocks_in_use")).isEqualTo(1);
        assertThat(r.number("invalid.free_q")).isZero();
        assertThat(r.number("invalid.destroy")).isZero();
        assertThat(Long.parseLong(ledger().get("dev0.live"))).isZero();
    }

    @Test
    void destroy_with_blocks_outstanding_gives_everything_back() throws Exception {
        Result r = pool(env("O2", "32m"), "--scenario", "outstanding", "--block", "1m", "--max", "64");
        assertThat(r.number("outstanding.alloc")).isZero();
        assertThat(r.number("outstanding.held.free")).isEqualTo(24 * MIB); // two chunks of 4 blocks
        assertThat(r.number("outstanding.destroy")).isZero();
        assertThat(r.number("outstanding.destroyed.free")).isEqualTo(32 * MIB);
        for (String key : List.of("free_stale", "free_batch_stale", "alloc_stale", "reserve_stale",
                "free_stale_after_reuse")) {
            assertThat(r.number("outstanding." + key)).as(key).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        }
        assertThat(r.get("outstanding.distinct_handles")).isEqualTo("1");
        assertThat(Long.parseLong(ledger().get("dev0.live"))).isZero();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"O2,vmm", "O2,plain", "O0,vmm"})
    void many_threads_never_share_a_block_or_pass_the_limit(String optimization, String memory) throws Exception {
        Result r = pool(env(optimization, "48m", memory), "--scenario", "threads", "--block", "256k", "--max", "256",
                "--threads", "16", "--iters", "5000");
        assertThat(r.number("threads.operations")).isEqualTo(16 * 5000);
        assertThat(r.number("threads.duplicates")).isZero();
        assertThat(r.number("threads.errors")).isZero();
        assertThat(r.number("threads.end.blocks_in_use")).isZero();
        assertThat(r.number("threads.end.reserved_bytes")).isLessThanOrEqualTo(48 * MIB);
        assertThat(r.number("threads.trimmed.reserved_bytes")).isZero();
        assertThat(r.number("threads.destroy")).isZero();
        Map<String, String> ledger = ledger();
        assertThat(Long.parseLong(ledger.get("dev0.hwm"))).isLessThanOrEqualTo(48 * MIB);
        assertThat(Long.parseLong(ledger.get("dev0.live"))).isZero();
    }

    @Test
    void without_a_limit_the_first_pool_call_starts_the_jvm() throws Exception {
        Result r = pool(env("O2", null), "--scenario", "basic", "--block", "2m", "--max", "8");
        assertThat(r.number("basic.create")).isZero();
        assertThat(r.number("basic.alloc")).isZero();
        assertThat(r.get("basic.aligned")).isEqualTo("1");
        assertThat(r.number("basic.held.blocks_in_use")).isEqualTo(1);
        assertThat(r.number("basic.held.block_bytes")).isEqualTo(2 * MIB);
        assertThat(r.number("basic.free")).isZero();
        assertThat(r.number("basic.destroy")).isZero();
        assertThat(dir.resolve("test.region")).as("the JVM joined the region").exists();
    }

    @Test
    void pools_left_at_exit_are_counted_neither_twice_nor_after() throws Exception {
        Map<String, String> env = env("O2", "32m");
        // destroyed by an atexit handler of the program that runs after hami-ffm released the slot
        Result first = pool(env, "--scenario", "keep", "--destroy-at-exit", "--block", "1m", "--max", "64");
        assertThat(first.number("keep.held.reserved_bytes")).isEqualTo(4 * MIB);
        assertThat(first.number("keep.destroy_at_exit")).isZero();
        // never destroyed: the slot's release at exit gives its memory back
        pool(env, "--scenario", "keep", "--block", "1m", "--max", "64");
        Result next = pool(env, "--scenario", "exhaust", "--block", "1m", "--max", "64");
        assertThat(next.number("exhaust.allocated")).as("the whole limit, no more, no less").isEqualTo(32);
    }

    @Test
    void the_python_binding_drives_the_same_abi() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(python), "python3 is not installed");
        Result r = run(env("O2", "20m"), 120, python.toString(),
                NativeHarness.REPO.resolve("hami-ffm/src/test/python/check_hami_pool.py").toString(),
                NativeHarness.REPO.resolve("hami-ffm/src/main/python").toString());
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(20);
        assertThat(r.number("distinct")).isEqualTo(20);
        assertThat(r.get("events")).isEqualTo("10,0"); // at 50 % of the 20 the limit allows, then the refusal
        assertThat(r.number("exhausted")).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(r.number("double_free")).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(r.number("batch")).isEqualTo(5);
        assertThat(r.number("reserved_blocks")).isEqualTo(7);
        assertThat(r.number("block_bytes")).isEqualTo(MIB);
        assertThat(r.number("capacity_blocks")).isZero();
        assertThat(r.number("blocks_in_use")).isZero();
        assertThat(r.number("reserved_bytes")).isZero();
        assertThat(r.number("stale")).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(r.get("done")).isEqualTo("1");
    }

    @Test
    void without_the_jvm_the_pool_refuses_and_says_why() throws Exception {
        Path broken = dir.resolve("broken-dist");
        Files.createDirectories(broken.resolve("lib"));
        Files.copy(NativeHarness.DIST.resolve("lib/libhami.so"), broken.resolve("lib/libhami.so"));
        Files.createSymbolicLink(broken.resolve("runtime-lib"), NativeHarness.DIST.resolve("runtime/lib"));
        Map<String, String> env = NativeHarness.env(dir);
        env.put("LD_PRELOAD", broken.resolve("lib/libhami.so").toString());
        env.put("LD_LIBRARY_PATH", env.get("LD_LIBRARY_PATH") + ":" + broken.resolve("runtime-lib"));
        Result r = run(env, 60, command("pool_host", "--scenario", "basic").toArray(String[]::new));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.number("basic.create")).isEqualTo(CUDA_ERROR_NOT_INITIALIZED);
        assertThat(r.stderr()).contains("block pool needs hami-ffm's JVM").contains("runtime is missing");
    }
}
