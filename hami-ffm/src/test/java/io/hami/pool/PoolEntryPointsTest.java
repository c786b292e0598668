package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_INVALID_DEVICE;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_INVALID_VALUE;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The C ABI's Java side with real native out-parameters and a real C function pointer as the pressure callback (an
 * upcall stub standing in for C), over fake device memory.
 */
class PoolEntryPointsTest {
    private static final long MIB = 1 << 20;
    private static final AtomicLong CALLS = new AtomicLong();
    private static final AtomicLong LAST_FREE = new AtomicLong();
    private static final AtomicLong LAST_USER = new AtomicLong();

    private PoolRuntime previous;
    private TestAccount account;
    private Arena arena;

    @BeforeEach
    void runtime() {
        previous = PoolRuntime.current();
        account = new TestAccount(8 * MIB);
        PoolRuntime.use(new PoolRuntime(device -> new FakeMemory(true, 2 * MIB), account));
        arena = Arena.ofConfined();
    }

    @AfterEach
    void restore() {
        PoolRuntime.use(previous);
        arena.close();
    }

    public static void onPressure(long pool, long freeBlocks, long user) {
        CALLS.incrementAndGet();
        LAST_FREE.set(freeBlocks);
        LAST_USER.set(user);
    }

    @Test
    void the_whole_abi_through_native_memory() throws Exception {
        MemorySegment handle = arena.allocate(ValueLayout.JAVA_LONG);
        assertThat(PoolEntryPoints.create(0, MIB, 16, handle.address())).isEqualTo(CUDA_SUCCESS);
        long pool = handle.get(ValueLayout.JAVA_LONG, 0);
        assertThat(pool >>> 48).as("a tagged, non-canonical handle").isEqualTo(0x4850);

        FunctionDescriptor fd = FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG);
        MemorySegment callback = Linker.nativeLinker().upcallStub(MethodHandles.lookup()
                .findStatic(PoolEntryPointsTest.class, "onPressure", fd.toMethodType()), fd, arena);
        assertThat(PoolEntryPoints.setPressureCallback(pool, callback.address(), 0, 0xBEEF)).isEqualTo(CUDA_SUCCESS);

        MemorySegment blocks = arena.allocate(ValueLayout.JAVA_LONG, 16);
        assertThat(PoolEntryPoints.allocBatch(pool, 6, blocks.address())).isEqualTo(CUDA_SUCCESS);
        MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
        assertThat(PoolEntryPoints.alloc(pool, one.address())).isEqualTo(CUDA_SUCCESS);
        assertThat(PoolEntryPoints.alloc(pool, one.address() + 0)).isEqualTo(CUDA_SUCCESS);
        // 8 MiB limit, 1 MiB blocks: the ninth is refused, and the callback hears it
        long before = CALLS.get();
        assertThat(PoolEntryPoints.alloc(pool, one.address())).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(CALLS.get()).isEqualTo(before + 1);
        assertThat(LAST_USER.get()).isEqualTo(0xBEEF);
        assertThat(LAST_FREE.get()).isZero();

        MemorySegment stats = arena.allocate(PoolStatsLayout.SIZE);
        assertThat(PoolEntryPoints.stats(pool, stats.address())).isEqualTo(CUDA_SUCCESS);
        assertThat(stats.get(ValueLayout.JAVA_LONG, PoolStatsLayout.offset("blocks_in_use"))).isEqualTo(8);
        assertThat(stats.get(ValueLayout.JAVA_LONG, PoolStatsLayout.offset("reserved_bytes"))).isEqualTo(8 * MIB);
        assertThat(stats.get(ValueLayout.JAVA_INT, PoolStatsLayout.offset("flags"))).isEqualTo(PoolStats.VMM);

        long first = blocks.get(ValueLayout.JAVA_LONG, 0);
        assertThat(PoolEntryPoints.free(pool, first)).isEqualTo(CUDA_SUCCESS);
        assertThat(PoolEntryPoints.free(pool, first)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(PoolEntryPoints.freeBatch(pool, 5, blocks.address() + 8)).isEqualTo(CUDA_SUCCESS);
        assertThat(PoolEntryPoints.reserve(pool, 0)).isEqualTo(CUDA_SUCCESS);
        assertThat(PoolEntryPoints.destroy(pool)).isEqualTo(CUDA_SUCCESS);
        assertThat(account.used.get()).isZero();

        // a stale handle, a made-up one, and null out-parameters: refused, never a crash
        assertThat(PoolEntryPoints.alloc(pool, one.address())).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(PoolEntryPoints.free(0x4850_0000_0000_0001L, first)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(PoolEntryPoints.free(0x1234, first)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(PoolEntryPoints.destroy(pool)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(PoolEntryPoints.stats(pool, stats.address())).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(PoolEntryPoints.create(0, MIB, 16, 0)).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(PoolEntryPoints.create(99, MIB, 16, handle.address())).isEqualTo(CUDA_ERROR_INVALID_DEVICE);
        assertThat(PoolEntryPoints.create(0, -1, 16, handle.address())).isEqualTo(CUDA_ERROR_INVALID_VALUE);
        assertThat(PoolEntryPoints.create(0, MIB, 1L << 40, handle.address())).isEqualTo(CUDA_ERROR_INVALID_VALUE);
    }

    @Test
    void a_refused_first_chunk_is_out_of_memory_and_leaves_nothing_counted() {
        MemorySegment handle = arena.allocate(ValueLayout.JAVA_LONG);
        assertThat(PoolEntryPoints.create(0, 16 * MIB, 4, handle.address())).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(account.used.get()).isZero();
    }

    @Test
    void exit_detaches_a_region_account_only() {
        PoolEntryPoints.exit(); // a TestAccount: nothing to detach, nothing thrown
        assertThat(account.used.get()).isZero();
    }
}
