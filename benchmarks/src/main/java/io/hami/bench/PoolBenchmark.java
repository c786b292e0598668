package io.hami.bench;

import io.hami.pool.BlockPool;
import io.hami.pool.DeviceMemory;
import io.hami.pool.FreeList;
import io.hami.pool.PoolAccount;
import io.hami.pool.PoolEntryPoints;
import io.hami.pool.PoolGeometry;
import io.hami.pool.PoolRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The block pool's hot path without a GPU (device addresses are numbers, never dereferenced):
 *
 * <ul>
 *   <li>{@code freeList*}: the lock-free Treiber stack alone, one block and a chain of 8;</li>
 *   <li>{@code lockedStack}: the same pop + push on an int stack under {@code synchronized}, the obvious
 *       alternative;</li>
 *   <li>{@code pool*}: {@link BlockPool} through its Java API (free list + in-use counter + pointer validation);</li>
 *   <li>{@code abi*}: the C ABI's Java side as the trampoline reaches it: a downcall into the upcall stubs of
 *       {@link PoolEntryPoints} with native out-parameters (what {@code hami_pool_alloc} adds over C is one more
 *       indirect call and an atomic load).</li>
 * </ul>
 *
 * <p>Every thread takes a block and gives it back, so the pool never grows during measurement. Run with several
 * thread counts for contention, {@code -prof gc} for allocation (expected 0 B/op), {@code -bm sample} for
 * percentiles:
 *
 * <pre>for t in 1 2 4; do java --enable-native-access=ALL-UNNAMED \
 *   -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" org.openjdk.jmh.Main Pool -t $t; done</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PoolBenchmark {
    private static final long BLOCK = 256 << 10;
    private static final int BLOCKS = 4096;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private FreeList freeList;
    private LockedStack locked;
    private BlockPool pool;
    private long handle;
    private MethodHandle abiAlloc;
    private MethodHandle abiFree;
    private MethodHandle abiAllocBatch;
    private MethodHandle abiFreeBatch;

    /** Per-thread room for out-parameters, as a C caller has on its stack. */
    @State(Scope.Thread)
    public static class Scratch {
        final long[] blocks = new long[8];
        final int[] chain = new int[8];
        MemorySegment out;
        MemorySegment batch;

        @Setup(Level.Trial)
        public void setUp() {
            out = Arena.ofAuto().allocate(8, 8);
            batch = Arena.ofAuto().allocate(8 * 8, 8);
        }
    }

    /** Addresses without a device: one reserved "range", chunks committed in place. */
    static final class NumbersOnly implements DeviceMemory {
        private static final AtomicLong NEXT = new AtomicLong(0x7f00_0000_0000L);
        private long base;
        private long chunkBytes;

        @Override
        public long granularity() {
            return 2 << 20;
        }

        @Override
        public boolean contiguous() {
            return true;
        }

        @Override
        public long base() {
            return base;
        }

        @Override
        public int open(PoolGeometry geometry) {
            chunkBytes = geometry.chunkBytes();
            base = NEXT.getAndAdd((geometry.spanBytes() + (1L << 30)) & -(1L << 21));
            return 0;
        }

        @Override
        public int commit(int chunk, long bytes, long[] out) {
            out[0] = base + chunk * chunkBytes;
            out[1] = bytes;
            return 0;
        }

        @Override
        public int decommit(int chunk, long address, long bytes) {
            return 0;
        }

        @Override
        public void close() {}

        @Override
        public String kind() {
            return "numbers";
        }
    }

    /** The alternative: the same LIFO of block indices, under a lock. */
    static final class LockedStack {
        private final int[] stack;
        private int top;

        LockedStack(int blocks) {
            stack = new int[blocks];
            for (int i = 0; i < blocks; i++) {
                stack[i] = i;
            }
            top = blocks;
        }

        synchronized int pop() {
            return top == 0 ? -1 : stack[--top];
        }

        synchronized void push(int block) {
            stack[top++] = block;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        freeList = new FreeList(12, 1);
        freeList.prepare(0);
        freeList.addChunk(0, BLOCKS);
        locked = new LockedStack(BLOCKS);
        pool = BlockPool.create(new NumbersOnly(), PoolAccount.UNLIMITED, 0, BLOCK, BLOCKS, BLOCKS);

        PoolRuntime.use(new PoolRuntime(device -> new NumbersOnly(), PoolAccount.UNLIMITED));
        MemorySegment handleOut = Arena.global().allocate(8, 8);
        int created = PoolEntryPoints.create(0, BLOCK, BLOCKS, handleOut.address());
        if (created != 0) {
            throw new IllegalStateException("create: " + created);
        }
        handle = handleOut.get(ValueLayout.JAVA_LONG, 0);
        if (PoolEntryPoints.reserve(handle, BLOCKS) != 0) {
            throw new IllegalStateException("reserve");
        }
        ValueLayout.OfLong j = ValueLayout.JAVA_LONG;
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        abiAlloc = abi("alloc", FunctionDescriptor.of(i, j, j));
        abiFree = abi("free", FunctionDescriptor.of(i, j, j));
        abiAllocBatch = abi("allocBatch", FunctionDescriptor.of(i, j, j, j));
        abiFreeBatch = abi("freeBatch", FunctionDescriptor.of(i, j, j, j));
    }

    private static MethodHandle abi(String method, FunctionDescriptor descriptor) throws ReflectiveOperationException {
        MemorySegment stub = LINKER.upcallStub(MethodHandles.publicLookup().findStatic(PoolEntryPoints.class, method,
                descriptor.toMethodType()), descriptor, Arena.global());
        return LINKER.downcallHandle(stub, descriptor);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.destroy();
        PoolEntryPoints.destroy(handle);
    }

    @Benchmark
    public int freeListPopPush() {
        int block = freeList.pop();
        freeList.release(block);
        return block;
    }

    @Benchmark
    public int freeListChain8(Scratch scratch) {
        int[] chain = scratch.chain;
        int block = freeList.popChain(8);
        for (int k = 0; k < 8; k++) {
            chain[k] = block;
            block = freeList.take(block);
        }
        // back with one compare-and-set: claim each, link them, push the chain
        for (int k = 0; k < 8; k++) {
            freeList.claim(chain[k]);
            if (k > 0) {
                freeList.link(chain[k - 1], chain[k]);
            }
        }
        freeList.pushChain(chain[0], chain[7]);
        return chain[0];
    }

    @Benchmark
    public int lockedStack() {
        int block = locked.pop();
        locked.push(block);
        return block;
    }

    @Benchmark
    public long poolAllocFree() {
        long block = pool.allocate();
        pool.free(block);
        return block;
    }

    @Benchmark
    public int poolBatch8(Scratch scratch) {
        int result = pool.allocate(scratch.blocks, 0, 8);
        return result + pool.free(scratch.blocks, 0, 8);
    }

    @Benchmark
    public int abiAllocFree(Scratch scratch) throws Throwable {
        int result = (int) abiAlloc.invokeExact(handle, scratch.out.address());
        long block = scratch.out.get(ValueLayout.JAVA_LONG, 0);
        return result + (int) abiFree.invokeExact(handle, block);
    }

    @Benchmark
    public int abiBatch8(Scratch scratch) throws Throwable {
        long address = scratch.batch.address();
        int result = (int) abiAllocBatch.invokeExact(handle, 8L, address);
        return result + (int) abiFreeBatch.invokeExact(handle, 8L, address);
    }
}
