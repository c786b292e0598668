package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_INVALID_VALUE;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Device memory without a device: addresses are numbers (never dereferenced). Contiguous like VMM (one reserved
 * range) or not (each chunk its own "allocation" at a scattered address); can round what it holds up, refuse a
 * commit, or refuse everything after N commits, to test the pool's reactions.
 */
final class FakeMemory implements DeviceMemory {
    private static final AtomicLong NEXT = new AtomicLong(0x7f00_0000_0000L);

    final boolean contiguous;
    final long granularity;
    /** Extra bytes the "driver" holds per commit (its rounding). */
    volatile long rounding;
    /** Commits left before they fail with CUDA_ERROR_OUT_OF_MEMORY (the device is full); -1 = unlimited. */
    volatile int commitsLeft = -1;
    final AtomicLong live = new AtomicLong();
    final AtomicLong highWater = new AtomicLong();
    final AtomicLong commits = new AtomicLong();
    final AtomicLong decommits = new AtomicLong();
    final Map<Integer, long[]> chunks = new ConcurrentHashMap<>();
    volatile boolean closed;
    private long base;

    FakeMemory(boolean contiguous, long granularity) {
        this.contiguous = contiguous;
        this.granularity = granularity;
    }

    @Override
    public long granularity() {
        return granularity;
    }

    @Override
    public boolean contiguous() {
        return contiguous;
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public int open(PoolGeometry geometry) {
        chunkBytes = geometry.chunkBytes();
        if (contiguous) {
            base = NEXT.getAndAdd((geometry.spanBytes() + (1L << 30)) & -(1L << 21));
        }
        return CUDA_SUCCESS;
    }

    @Override
    public int commit(int chunk, long bytes, long[] out) {
        if (closed || chunks.containsKey(chunk)) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        if (commitsLeft == 0) {
            return CUDA_ERROR_OUT_OF_MEMORY;
        }
        if (commitsLeft > 0) {
            commitsLeft--;
        }
        long held = bytes + rounding;
        long address = contiguous ? -1 : NEXT.getAndAdd(held + (1L << 24)); // gaps between chunks
        out[0] = contiguous ? base + chunk * (long) chunkBytes : address;
        out[1] = held;
        chunks.put(chunk, new long[] {out[0], held});
        highWater.accumulateAndGet(live.addAndGet(held), Math::max);
        commits.incrementAndGet();
        return CUDA_SUCCESS;
    }

    private long chunkBytes;

    @Override
    public int decommit(int chunk, long address, long bytes) {
        long[] c = chunks.remove(chunk);
        if (c == null || c[0] != address || c[1] != bytes) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        live.addAndGet(-bytes);
        decommits.incrementAndGet();
        return CUDA_SUCCESS;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String kind() {
        return contiguous ? "fake-vmm" : "fake-plain";
    }
}
