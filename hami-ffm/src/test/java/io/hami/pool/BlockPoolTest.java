package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_INVALID_VALUE;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pool over fake device memory (VMM-like contiguous, and one allocation per chunk) and a fake tenant limit. */
class BlockPoolTest {
    private static final long MIB = 1 << 20;

    private FakeMemory memory;
    private TestAccount account;

    private BlockPool pool(boolean contiguous, long limit, long blockBytes, long maxBlocks, long chunkBlocks)
            throws PoolException {
        memory = new FakeMemory(contiguous, contiguous ? 2 * MIB : 256);
        account = new TestAccount(limit);
        return BlockPool.create(memory, account, 0, blockBytes, maxBlocks, chunkBlocks);
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void creation_backs_and_counts_the_first_chunk_only(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 0, MIB, 64, 4);
        PoolStats s = pool.stats();
        assertThat(s.capacityBlocks()).isEqualTo(4);
        assertThat(s.reservedBytes()).isEqualTo(4 * MIB).isEqualTo(account.used.get()).isEqualTo(memory.live.get());
        assertThat(s.growthSteps()).isEqualTo(1);
        assertThat(s.vmm()).isEqualTo(contiguous);
        assertThat(PoolRegistry.find(pool.handle())).isSameAs(pool);
        assertThat(pool.destroy()).isEqualTo(CUDA_SUCCESS);
        assertThat(PoolRegistry.find(pool.handle())).isNull();
        assertThat(account.used.get()).isZero();
        assertThat(memory.live.get()).isZero();
        assertThat(memory.closed).isTrue();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void the_limit_stops_growth_exactly_and_says_so(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 10 * MIB, MIB, 64, 2);
        List<Long> pressure = new ArrayList<>();
        assertThat(pool.onPressure(80, (p, free) -> pressure.add(free))).isEqualTo(CUDA_SUCCESS);
        List<Long> blocks = new ArrayList<>();
        for (long b = pool.allocate(); b != 0; b = pool.allocate()) {
            blocks.add(b);
        }
        assertThat(blocks).hasSize(10).doesNotHaveDuplicates();
        assertThat(account.highWater.get()).isEqualTo(10 * MIB);
        assertThat(memory.highWater.get()).isEqualTo(10 * MIB);
        // the threshold (8 of the 10 the limit allows) once, then the refusal
        assertThat(pressure).containsExactly(2L, 0L);
        PoolStats s = pool.stats();
        assertThat(s.failedAllocations()).isEqualTo(1);
        assertThat(s.pressureEvents()).isEqualTo(2);
        assertThat(s.blocksInUse()).isEqualTo(10);
        for (long b : blocks) {
            assertThat(pool.free(b)).isEqualTo(CUDA_SUCCESS);
        }
        assertThat(pool.reserve(0)).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.stats().capacityBlocks()).isZero();
        assertThat(account.used.get()).isZero();
        assertThat(memory.live.get()).isZero();
        pool.destroy();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void max_blocks_caps_the_pool(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 0, MIB, 10, 4); // chunks of 4, 4, 2
        int n = 0;
        while (pool.allocate() != 0) {
            n++;
        }
        assertThat(n).isEqualTo(10);
        assertThat(pool.stats().growthSteps()).isEqualTo(3);
        long lastChunk = contiguous ? 2 * MIB : 2 * MIB; // 2 blocks of 1 MiB, a whole number of granules
        assertThat(account.used.get()).isEqualTo(8 * MIB + lastChunk);
        pool.destroy();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void bad_frees_change_nothing(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 0, MIB, 64, 4);
        long a = pool.allocate();
        long b = pool.allocate();
        assertThat(pool.free(a)).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.free(a)).as("double free").isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.free(b + 1)).as("misaligned").isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.free(b + MIB / 2)).as("inside a block").isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.free(0)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.free(0x1234_0000L)).as("foreign").isEqualTo(CUDA_ERROR_INVALID_VALUE);
        long beyond = contiguous ? b + 64 * MIB : b + 4 * MIB; // past the range / past its chunk
        assertThat(pool.free(beyond)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.stats().blocksInUse()).isEqualTo(1);
        assertThat(pool.free(b)).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.stats().blocksInUse()).isZero();
        // the list is intact: all four blocks come back, each once
        List<Long> all = List.of(pool.allocate(), pool.allocate(), pool.allocate(), pool.allocate());
        assertThat(all).doesNotHaveDuplicates().doesNotContain(0L);
        pool.destroy();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void batches_are_all_or_nothing(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 16 * MIB, MIB, 64, 4);
        long[] blocks = new long[20];
        assertThat(pool.allocate(blocks, 0, 12)).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.stats().blocksInUse()).isEqualTo(12);
        long[] more = new long[8];
        assertThat(pool.allocate(more, 0, 5)).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(more).containsOnly(0L);
        assertThat(pool.stats().blocksInUse()).isEqualTo(12);
        assertThat(pool.allocate(blocks, 12, 4)).isEqualTo(CUDA_SUCCESS);
        assertThat(java.util.Arrays.stream(blocks, 0, 16).boxed().toList()).doesNotHaveDuplicates().doesNotContain(0L);
        assertThat(pool.allocate(blocks, 18, 3)).as("out of the array").isEqualTo(CUDA_ERROR_INVALID_VALUE);
        // one bad entry: the rest are freed, the call says so
        long[] mixed = {blocks[0], blocks[1], blocks[1], 42};
        assertThat(pool.free(mixed, 0, 4)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.stats().blocksInUse()).isEqualTo(14);
        assertThat(pool.free(blocks, 2, 14)).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.stats().blocksInUse()).isZero();
        pool.destroy();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void reserve_grows_ahead_and_gives_back_what_is_not_used(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 0, MIB, 64, 4);
        assertThat(pool.reserve(17)).isEqualTo(CUDA_SUCCESS);
        PoolStats s = pool.stats();
        assertThat(s.capacityBlocks()).isEqualTo(20);
        assertThat(s.reservedBlocks()).isEqualTo(17);
        long growth = s.growthSteps();
        long[] blocks = new long[17];
        assertThat(pool.allocate(blocks, 0, 17)).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.stats().growthSteps()).as("no growth for reserved blocks").isEqualTo(growth);
        assertThat(pool.free(blocks, 0, 17)).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.reserve(5)).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.stats().capacityBlocks()).isEqualTo(8); // two whole chunks keep >= 5 free
        assertThat(account.used.get()).isEqualTo(8 * MIB).isEqualTo(memory.live.get());
        assertThat(pool.reserve(65)).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(pool.reserve(-1)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.trim()).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.stats().capacityBlocks()).isZero();
        assertThat(account.used.get()).isZero();
        assertThat(pool.allocate()).as("grows again after a trim to nothing").isNotZero();
        pool.destroy();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void a_chunk_with_a_block_in_use_is_never_given_back(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 0, MIB, 64, 4);
        long[] blocks = new long[12];
        pool.allocate(blocks, 0, 12);
        long kept = blocks[5];
        for (long b : blocks) {
            if (b != kept) {
                pool.free(b);
            }
        }
        assertThat(pool.trim()).isEqualTo(CUDA_SUCCESS);
        assertThat(pool.stats().capacityBlocks()).isEqualTo(4);
        assertThat(pool.free(kept)).isEqualTo(CUDA_SUCCESS);
        for (long b : blocks) {
            if (b != kept) {
                assertThat(pool.free(b)).as("a block of a chunk given back").isEqualTo(CUDA_ERROR_INVALID_VALUE);
            }
        }
        pool.destroy();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void destroy_with_blocks_outstanding_gives_everything_back(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 0, MIB, 64, 4);
        long[] blocks = new long[9];
        pool.allocate(blocks, 0, 9);
        assertThat(pool.destroy()).isEqualTo(CUDA_SUCCESS);
        assertThat(account.used.get()).isZero();
        assertThat(memory.live.get()).isZero();
        assertThat(pool.free(blocks[0])).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.free(blocks, 0, 9)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.allocate()).isZero();
        assertThat(pool.reserve(1)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.destroy()).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(pool.onPressure(50, (p, f) -> {})).isEqualTo(CUDA_ERROR_INVALID_VALUE);
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void the_driver_rounding_is_what_is_counted(boolean contiguous) throws Exception {
        memory = new FakeMemory(contiguous, 256);
        memory.rounding = 64 * 1024;
        account = new TestAccount(0);
        BlockPool pool = BlockPool.create(memory, account, 0, MIB, 8, 4);
        assertThat(account.used.get()).isEqualTo(4 * MIB + 64 * 1024);
        assertThat(pool.stats().reservedBytes()).isEqualTo(4 * MIB + 64 * 1024);
        pool.destroy();
        assertThat(account.used.get()).isZero();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void a_driver_refusal_is_pressure_and_nothing_stays_counted(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 0, MIB, 64, 4);
        memory.commitsLeft = 0;
        AtomicInteger told = new AtomicInteger();
        pool.onPressure(0, (p, free) -> told.incrementAndGet());
        long[] blocks = new long[5];
        assertThat(pool.allocate(blocks, 0, 5)).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(told.get()).isEqualTo(1);
        assertThat(account.used.get()).isEqualTo(4 * MIB);
        assertThat(pool.allocate(blocks, 0, 4)).isEqualTo(CUDA_SUCCESS);
        pool.destroy();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void pressure_fires_once_per_crossing(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 0, MIB, 10, 2);
        AtomicInteger told = new AtomicInteger();
        pool.onPressure(50, (p, free) -> {
            told.incrementAndGet();
            throw new IllegalStateException("a listener that throws is logged and ignored");
        });
        long[] blocks = new long[6];
        for (int i = 0; i < 6; i++) {
            blocks[i] = pool.allocate();
        }
        assertThat(told.get()).isEqualTo(1); // at 5 of 10
        pool.free(blocks[5]);
        assertThat(told.get()).isEqualTo(1);
        blocks[5] = pool.allocate(); // 6 in use again, but it never fell below 50 %: no second call
        assertThat(told.get()).isEqualTo(1);
        pool.free(blocks[5]);
        pool.free(blocks[4]); // 4 in use: below 50 %, armed again
        blocks[4] = pool.allocate();
        assertThat(told.get()).isEqualTo(2);
        assertThat(pool.stats().pressureEvents()).isEqualTo(2);
        assertThat(pool.onPressure(101, null)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        pool.destroy();
    }

    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void a_pool_that_cannot_get_its_first_chunk_is_not_made(boolean contiguous) {
        memory = new FakeMemory(contiguous, 256);
        account = new TestAccount(MIB);
        assertThatThrownBy(() -> BlockPool.create(memory, account, 0, MIB, 64, 4))
                .isInstanceOf(PoolException.class)
                .satisfies(e -> assertThat(((PoolException) e).result()).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY));
        assertThat(account.used.get()).isZero();
        assertThat(memory.closed).isTrue();
        assertThatThrownBy(() -> BlockPool.create(new FakeMemory(contiguous, 256), account, 0, 0, 64, 4))
                .isInstanceOf(PoolException.class);
    }

    /**
     * 8 threads allocate, batch-allocate, free and batch-free at random under a limit that makes growth fail now and
     * then, while a ninth keeps reserving and trimming: no block is ever held twice, the limit is never passed, and
     * at the end every byte is back.
     */
    @ParameterizedTest(name = "contiguous={0}")
    @ValueSource(booleans = {true, false})
    void many_threads_with_growth_and_shrink_under_a_limit(boolean contiguous) throws Exception {
        BlockPool pool = pool(contiguous, 40 * MIB, MIB / 4, 256, 8);
        Map<Long, Integer> owners = new ConcurrentHashMap<>();
        AtomicLong violations = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 1; t <= 8; t++) {
            int me = t;
            threads.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long[] held = new long[64];
                int n = 0;
                await(start);
                for (int i = 0; i < 20_000; i++) {
                    if (n < 48 && random.nextBoolean()) {
                        int want = random.nextInt(4) == 0 ? 1 + random.nextInt(8) : 1;
                        int result;
                        if (want == 1) {
                            long b = pool.allocate();
                            result = b == 0 ? CUDA_ERROR_OUT_OF_MEMORY : CUDA_SUCCESS;
                            held[n] = b;
                        } else {
                            result = pool.allocate(held, n, want);
                        }
                        if (result == CUDA_SUCCESS) {
                            for (int k = n; k < n + want; k++) {
                                if (owners.putIfAbsent(held[k], me) != null) {
                                    violations.incrementAndGet();
                                }
                            }
                            n += want;
                        } else {
                            refusals.incrementAndGet();
                        }
                    } else if (n > 0) {
                        int give = random.nextInt(3) == 0 ? n : 1;
                        for (int k = n - give; k < n; k++) {
                            if (!owners.remove(held[k], me)) {
                                violations.incrementAndGet();
                            }
                        }
                        int result = give == 1 ? pool.free(held[n - 1]) : pool.free(held, n - give, give);
                        if (result != CUDA_SUCCESS) {
                            violations.incrementAndGet();
                        }
                        n -= give;
                    }
                }
                for (int k = 0; k < n; k++) {
                    owners.remove(held[k]);
                }
                if (n > 0 && pool.free(held, 0, n) != CUDA_SUCCESS) {
                    violations.incrementAndGet();
                }
            }));
        }
        Thread shrinker = Thread.ofPlatform().start(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            await(start);
            while (threads.stream().anyMatch(Thread::isAlive)) {
                pool.reserve(random.nextInt(64));
                Thread.onSpinWait();
            }
        });
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        shrinker.join();
        assertThat(violations.get()).isZero();
        assertThat(account.highWater.get()).isLessThanOrEqualTo(40 * MIB);
        assertThat(memory.highWater.get()).isLessThanOrEqualTo(40 * MIB);
        PoolStats s = pool.stats();
        assertThat(s.blocksInUse()).isZero();
        assertThat(s.shrinkSteps()).isPositive();
        assertThat(s.reservedBytes()).isEqualTo(account.used.get()).isEqualTo(memory.live.get());
        assertThat(pool.trim()).isEqualTo(CUDA_SUCCESS);
        assertThat(account.used.get()).isZero();
        assertThat(memory.live.get()).isZero();
        pool.destroy();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
