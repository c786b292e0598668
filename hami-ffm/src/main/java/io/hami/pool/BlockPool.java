package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_INVALID_DEVICE;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_INVALID_VALUE;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_OUT_OF_MEMORY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.log.Log;
import io.hami.region.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool of fixed-size device-memory blocks for one tenant on one device: the KV-cache block pool (docs/pool.md).
 *
 * <ul>
 *   <li>Blocks come and go in O(1) through a lock-free {@link FreeList}; batch calls take or return N blocks with
 *       one compare-and-set. No lock, no allocation, no driver call on that path.</li>
 *   <li>The pool grows by chunks ({@link PoolGeometry}) up to {@code maxBlocks}: each chunk is reserved against the
 *       tenant's limit ({@link PoolAccount}) before the driver backs it, and released when it is given back, so the
 *       pool's memory is counted exactly once. Growth, {@link #reserve} and {@link #destroy} take the pool's lock;
 *       they are rare.</li>
 *   <li>Pressure instead of OOM: a refused allocation returns 0 (or {@code CUDA_ERROR_OUT_OF_MEMORY}), counts in the
 *       stats, and calls the {@link PressureListener} on the allocating thread, which also hears when use crosses a
 *       threshold of what the pool can still reach.</li>
 *   <li>Never corrupted by a bad call: a double free, a foreign pointer or a call on a destroyed pool returns
 *       {@code CUDA_ERROR_INVALID_VALUE} and changes nothing.</li>
 * </ul>
 *
 * <p>Thread-safe; methods never throw (codes are CUresult values).
 */
public final class BlockPool implements AutoCloseable {
    private static final VarHandle PRESSURED;
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Batch allocations wait this many spins for blocks in flight between other threads before growing. */
    private static final int CHAIN_RETRIES = 100;

    static {
        try {
            PRESSURED = MethodHandles.lookup().findVarHandle(BlockPool.class, "pressured", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- read on the hot path, fixed at creation ----
    private final FreeList free;
    private final long stride;
    private final int strideShift; // log2(stride), or -1 when stride is not a power of two
    private final int shift;
    private final int mask;
    private final boolean contiguous;
    private final long base;
    private final long span;
    private final long chunkBytes;
    /** Device address of each chunk; for a non-contiguous pool 0 while the chunk has no backing. */
    private final long[] chunkBase;
    private final AtomicLong inUse = new AtomicLong();

    private final PoolGeometry geometry;
    private final DeviceMemory memory;
    private final PoolAccount account;
    private final int device;
    private final long handle;

    // ---- changed under the lock, read anywhere ----
    private final ReentrantLock lock = new ReentrantLock();
    /** Bytes counted for each chunk (what the driver holds); 0 while it has none. */
    private final long[] chunkHeld;
    private volatile long capacity;
    private volatile long reservedBytes;
    private volatile long growthSteps;
    private volatile long shrinkSteps;
    private volatile long reservedBlocks;
    private volatile boolean closed;

    // ---- pressure ----
    private record Watch(PressureListener listener, int percent) {}

    private volatile Watch watch;
    @SuppressWarnings("unused") // through PRESSURED
    private volatile boolean pressured;
    private final AtomicLong pressureEvents = new AtomicLong();
    private final AtomicLong failedAllocations = new AtomicLong();
    private final AtomicBoolean listenerFailureShown = new AtomicBoolean();

    private BlockPool(long handle, int device, PoolGeometry geometry, DeviceMemory memory, PoolAccount account) {
        this.handle = handle;
        this.device = device;
        this.geometry = geometry;
        this.memory = memory;
        this.account = account;
        this.free = new FreeList(geometry.chunkShift(), geometry.chunks());
        this.stride = geometry.stride();
        this.strideShift = Long.bitCount(stride) == 1 ? Long.numberOfTrailingZeros(stride) : -1;
        this.shift = geometry.chunkShift();
        this.mask = geometry.mask();
        this.chunkBytes = geometry.chunkBytes();
        this.contiguous = memory.contiguous();
        this.base = memory.base();
        this.span = geometry.spanBytes();
        this.chunkBase = new long[geometry.chunks()];
        this.chunkHeld = new long[geometry.chunks()];
        if (contiguous) {
            for (int c = 0; c < chunkBase.length; c++) {
                chunkBase[c] = base + c * chunkBytes;
            }
        }
    }

    /**
     * Creates a pool in the process's runtime ({@link PoolRuntime#current()}): the trampoline's when this JVM was
     * booted by it, else the one set with {@link PoolRuntime#use}.
     *
     * @param chunkBlocks blocks per growth step (0: {@code maxBlocks / 16}, rounded as {@link PoolGeometry} says)
     * @throws PoolException with the CUresult when the pool cannot be made or its first chunk is refused
     */
    public static BlockPool create(int device, long blockBytes, long maxBlocks, long chunkBlocks)
            throws PoolException {
        PoolRuntime runtime = PoolRuntime.current();
        if (runtime == null) {
            throw new PoolException(io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_NOT_INITIALIZED,
                    "no pool runtime in this JVM: call PoolRuntime.use(PoolRuntime.standalone(System.getenv())) first");
        }
        return create(runtime, device, blockBytes, maxBlocks, chunkBlocks);
    }

    /** Creates a pool whose memory and accounting come from {@code runtime}. */
    public static BlockPool create(PoolRuntime runtime, int device, long blockBytes, long maxBlocks,
                                   long chunkBlocks) throws PoolException {
        if (device < 0 || device >= RegionLayout.DEVICE_CAPACITY) {
            throw new PoolException(CUDA_ERROR_INVALID_DEVICE, "device " + device + " is out of range");
        }
        if (blockBytes <= 0 || maxBlocks <= 0 || maxBlocks > PoolGeometry.MAX_BLOCKS || chunkBlocks < 0) {
            throw new PoolException(CUDA_ERROR_INVALID_VALUE, "a pool needs 1.." + PoolGeometry.MAX_BLOCKS
                    + " blocks of at least 1 byte (asked: " + maxBlocks + " of " + blockBytes + ")");
        }
        return create(runtime.memory(device), runtime.account(), device, blockBytes, maxBlocks, chunkBlocks);
    }

    /**
     * Creates a pool over {@code memory} (which it then owns and closes) and {@code account}; backs and reserves the
     * first chunk.
     */
    public static BlockPool create(DeviceMemory memory, PoolAccount account, int device, long blockBytes,
                                   long maxBlocks, long chunkBlocks) throws PoolException {
        PoolGeometry geometry = PoolGeometry.of(blockBytes, maxBlocks, chunkBlocks, memory.granularity());
        if (geometry == null) {
            memory.close();
            throw new PoolException(CUDA_ERROR_INVALID_VALUE, "no pool of " + maxBlocks + " blocks of " + blockBytes
                    + " bytes fits (at most " + PoolGeometry.MAX_BLOCKS + " blocks)");
        }
        int opened = memory.open(geometry);
        if (opened != CUDA_SUCCESS) {
            memory.close();
            throw new PoolException(opened, "the driver refused the pool's " + memory.kind() + " memory ("
                    + opened + ")");
        }
        long handle = PoolRegistry.reserve();
        if (handle == 0) {
            memory.close();
            throw new PoolException(CUDA_ERROR_OUT_OF_MEMORY, "this process has " + PoolRegistry.CAPACITY
                    + " pools already");
        }
        BlockPool pool = new BlockPool(handle, device, geometry, memory, account);
        int grown;
        pool.lock.lock();
        try {
            grown = pool.growLocked();
        } finally {
            pool.lock.unlock();
        }
        if (grown != CUDA_SUCCESS) {
            pool.destroy();
            PoolRegistry.unreserve(handle);
            throw new PoolException(grown, "the pool's first chunk of "
                    + geometry.backingBytes(0) + " bytes was refused (" + grown + ")");
        }
        PoolRegistry.publish(handle, pool);
        return pool;
    }

    // ---- the hot path -----------------------------------------------------------------------------------------

    /** A block's device address, or 0 when the pool can neither hand one out nor grow (pressure). */
    public long allocate() {
        long result = allocateRaw();
        return result > 0 ? result : 0;
    }

    /** A block's device address, or the refusal as a negative CUresult. */
    long allocateRaw() {
        int block = free.pop();
        if (block < 0) {
            return allocateSlow();
        }
        long used = inUse.incrementAndGet();
        if (watch != null) {
            checkPressure(used);
        }
        return addressOf(block);
    }

    private long allocateSlow() {
        int result;
        int block = FreeList.END;
        lock.lock();
        try {
            while (true) {
                block = free.pop();
                if (block >= 0) {
                    result = CUDA_SUCCESS;
                    break;
                }
                result = closed ? CUDA_ERROR_INVALID_VALUE : growLocked();
                if (result != CUDA_SUCCESS) {
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        if (result != CUDA_SUCCESS) {
            return -refused(result);
        }
        long used = inUse.incrementAndGet();
        if (watch != null) {
            checkPressure(used);
        }
        return addressOf(block);
    }

    /**
     * Takes {@code count} blocks at once into {@code blocks[offset…]}: all of them, or none and the refusal.
     *
     * @return {@code CUDA_SUCCESS}, {@code CUDA_ERROR_OUT_OF_MEMORY} (pressure) or {@code CUDA_ERROR_INVALID_VALUE}
     */
    public int allocate(long[] blocks, int offset, int count) {
        if (blocks == null || offset < 0 || count < 0 || count > blocks.length - offset) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        return allocateBatch(MemorySegment.ofArray(blocks), (long) offset * Long.BYTES, count);
    }

    /** The C ABI's batch: {@code count} addresses into native memory at {@code address}. */
    int allocateBatch(long address, long count) {
        return allocateBatch(NATIVE, address, count);
    }

    private int allocateBatch(MemorySegment out, long offset, long count) {
        if (count == 0) {
            return closed ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
        }
        if (count < 0 || count > geometry.maxBlocks()) {
            return count < 0 ? CUDA_ERROR_INVALID_VALUE : (int) refused(CUDA_ERROR_OUT_OF_MEMORY);
        }
        int n = (int) count;
        int block = free.popChain(n);
        if (block < 0) {
            int result = popChainSlow(n);
            if (result < 0) {
                return (int) refused(-result);
            }
            block = result;
        }
        for (int k = 0; k < n; k++) {
            out.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + (long) k * Long.BYTES, addressOf(block));
            block = free.take(block);
        }
        long used = inUse.addAndGet(n);
        if (watch != null) {
            checkPressure(used);
        }
        return CUDA_SUCCESS;
    }

    /** The first block of a detached chain of {@code n}, or a negative CUresult. */
    private int popChainSlow(int n) {
        lock.lock();
        try {
            int retries = 0;
            while (true) {
                if (closed) {
                    return -CUDA_ERROR_INVALID_VALUE;
                }
                int block = free.popChain(n);
                if (block >= 0) {
                    return block;
                }
                // blocks that the counters call free may be in flight between other threads' CAS and count: wait
                // for them a little, then grow rather than refuse
                if (capacity - inUse.get() < n || ++retries > CHAIN_RETRIES) {
                    int grown = growLocked();
                    if (grown != CUDA_SUCCESS) {
                        return -grown;
                    }
                    retries = 0;
                } else {
                    Thread.onSpinWait();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a block. {@code CUDA_ERROR_INVALID_VALUE}, and nothing changes, for a block that is not handed out by
     * this pool: a double free, a foreign or misaligned pointer, or any free after {@link #destroy}.
     */
    public int free(long block) {
        int index = indexOf(block);
        if (index < 0 || closed || !free.release(index)) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        long used = inUse.decrementAndGet();
        if (pressured) {
            rearm(used);
        }
        return CUDA_SUCCESS;
    }

    /**
     * Returns {@code count} blocks with one compare-and-set. Every block that is handed out is freed; if any is not
     * (double, foreign), that one is left alone and the call returns {@code CUDA_ERROR_INVALID_VALUE}.
     */
    public int free(long[] blocks, int offset, int count) {
        if (blocks == null || offset < 0 || count < 0 || count > blocks.length - offset) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        return freeBatch(MemorySegment.ofArray(blocks), (long) offset * Long.BYTES, count);
    }

    /** The C ABI's batch: {@code count} addresses in native memory at {@code address}. */
    int freeBatch(long address, long count) {
        return freeBatch(NATIVE, address, count);
    }

    private int freeBatch(MemorySegment in, long offset, long count) {
        if (count < 0 || closed) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        int first = FreeList.END;
        int last = FreeList.END;
        long released = 0;
        boolean invalid = false;
        for (long k = 0; k < count; k++) {
            int index = indexOf(in.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + k * Long.BYTES));
            if (index < 0 || !free.claim(index)) {
                invalid = true;
                continue;
            }
            if (first == FreeList.END) {
                first = index;
            } else {
                free.link(last, index);
            }
            last = index;
            released++;
        }
        if (released > 0) {
            free.pushChain(first, last);
            long used = inUse.addAndGet(-released);
            if (pressured) {
                rearm(used);
            }
        }
        return invalid ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
    }

    private long addressOf(int block) {
        return chunkBase[block >>> shift] + (block & mask) * stride;
    }

    /** The block at {@code address}, or -1 when no block of this pool starts there. */
    int indexOf(long address) {
        long offset;
        int chunk;
        if (contiguous) {
            offset = address - base;
            if (offset < 0 || offset >= span) {
                return -1;
            }
            chunk = (int) (offset / chunkBytes);
            offset -= chunk * chunkBytes;
        } else {
            chunk = -1;
            offset = -1;
            for (int c = 0; c < chunkBase.length; c++) {
                long start = chunkBase[c];
                if (start != 0 && address - start >= 0 && address - start < chunkBytes) {
                    chunk = c;
                    offset = address - start;
                    break;
                }
            }
            if (chunk < 0) {
                return -1;
            }
        }
        long within;
        if (strideShift >= 0) {
            if ((offset & (stride - 1)) != 0) {
                return -1;
            }
            within = offset >>> strideShift;
        } else {
            if (offset % stride != 0) {
                return -1;
            }
            within = offset / stride;
        }
        return within < geometry.blocksIn(chunk) ? (chunk << shift) | (int) within : -1;
    }

    // ---- growth, reservation, shrink: under the lock -----------------------------------------------------------

    /** Backs the lowest chunk without memory: reserve against the limit, then the driver. Lock held. */
    private int growLocked() {
        if (closed) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        int chunk = -1;
        for (int c = 0; c < chunkHeld.length && chunk < 0; c++) {
            if (chunkHeld[c] == 0) {
                chunk = c;
            }
        }
        if (chunk < 0) {
            return CUDA_ERROR_OUT_OF_MEMORY; // at max_blocks
        }
        if (!free.prepare(chunk)) {
            return CUDA_ERROR_OUT_OF_MEMORY; // no Java heap for the chunk's free-list words
        }
        long bytes = geometry.backingBytes(chunk);
        if (!account.tryReserve(device, bytes)) {
            return CUDA_ERROR_OUT_OF_MEMORY; // the tenant's limit
        }
        long[] out = new long[2];
        int result;
        try {
            result = memory.commit(chunk, bytes, out);
        } catch (Throwable t) {
            Log.error("the pool's driver call failed: " + t);
            result = io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_UNKNOWN;
        }
        if (result != CUDA_SUCCESS) {
            account.release(device, bytes);
            return result;
        }
        long held = Math.max(bytes, out[1]);
        if (held > bytes && !account.tryReserve(device, held - bytes)) {
            memory.decommit(chunk, out[0], held);
            account.release(device, bytes);
            return CUDA_ERROR_OUT_OF_MEMORY;
        }
        chunkHeld[chunk] = held;
        chunkBase[chunk] = out[0]; // published by the free list's push below
        reservedBytes += held;
        capacity += geometry.blocksIn(chunk);
        growthSteps++;
        free.addChunk(chunk, geometry.blocksIn(chunk));
        return CUDA_SUCCESS;
    }

    /**
     * Predictive reservation: after success at least {@code blocks} more blocks can be handed out without growing
     * (so without meeting the limit), and wholly free chunks beyond that are given back. {@code reserve(0)} returns
     * every wholly free chunk.
     *
     * @return {@code CUDA_SUCCESS}; {@code CUDA_ERROR_OUT_OF_MEMORY} when the cap or the limit stops it (what could
     *     be grown stays, and the listener hears of it); {@code CUDA_ERROR_INVALID_VALUE} for a negative count or a
     *     destroyed pool
     */
    public int reserve(long blocks) {
        if (blocks < 0) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        int result = CUDA_SUCCESS;
        lock.lock();
        try {
            if (closed) {
                return CUDA_ERROR_INVALID_VALUE;
            }
            reservedBlocks = blocks;
            if (blocks > geometry.maxBlocks() - inUse.get()) {
                result = CUDA_ERROR_OUT_OF_MEMORY;
            }
            while (result == CUDA_SUCCESS && capacity - inUse.get() < blocks) {
                result = growLocked();
            }
            if (result == CUDA_SUCCESS) {
                trimLocked(blocks);
            }
        } finally {
            lock.unlock();
        }
        return result == CUDA_SUCCESS ? CUDA_SUCCESS : (int) refused(result);
    }

    /** Gives back every wholly free chunk: {@code reserve(0)}. */
    public int trim() {
        return reserve(0);
    }

    /** Gives back wholly free chunks, highest first, while at least {@code keep} free blocks remain. Lock held. */
    private void trimLocked(long keep) {
        int first = free.drain();
        if (first == FreeList.END) {
            return;
        }
        int chunks = geometry.chunks();
        int[] freeIn = new int[chunks];
        long freeTotal = 0;
        for (int b = first; b != FreeList.END; b = free.next(b)) {
            freeIn[b >>> shift]++;
            freeTotal++;
        }
        boolean[] drop = new boolean[chunks];
        boolean any = false;
        for (int c = chunks - 1; c >= 0; c--) {
            int blocks = geometry.blocksIn(c);
            if (chunkHeld[c] != 0 && freeIn[c] == blocks && freeTotal - blocks >= keep) {
                drop[c] = true;
                freeTotal -= blocks;
                any = true;
            }
        }
        int keptFirst = FreeList.END;
        int keptLast = FreeList.END;
        for (int b = first; b != FreeList.END; ) {
            int next = free.next(b);
            if (drop[b >>> shift]) {
                free.markAbsent(b);
            } else {
                if (keptFirst == FreeList.END) {
                    keptFirst = b;
                } else {
                    free.link(keptLast, b);
                }
                keptLast = b;
            }
            b = next;
        }
        if (keptFirst != FreeList.END) {
            free.pushChain(keptFirst, keptLast);
        }
        if (any) {
            for (int c = 0; c < chunks; c++) {
                if (drop[c]) {
                    capacity -= geometry.blocksIn(c);
                    giveBack(c);
                    shrinkSteps++;
                }
            }
        }
    }

    /** Decommits a chunk whose blocks are all marked absent and releases its reservation. Lock held. */
    private void giveBack(int chunk) {
        long held = chunkHeld[chunk];
        int result;
        try {
            result = memory.decommit(chunk, chunkBase[chunk], held);
        } catch (Throwable t) {
            result = io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_UNKNOWN;
        }
        if (result != CUDA_SUCCESS) {
            // the driver may still hold it: keep counting it and never reuse the chunk
            Log.error("the driver refused to give back a pool chunk of " + held + " bytes (" + result
                    + "): it stays counted against the limit");
            return;
        }
        if (!contiguous) {
            chunkBase[chunk] = 0;
        }
        chunkHeld[chunk] = 0;
        reservedBytes -= held;
        account.release(device, held);
    }

    /**
     * Gives every chunk back and invalidates the pool: later calls return {@code CUDA_ERROR_INVALID_VALUE}. Blocks
     * still handed out become invalid with it, as after {@code cudaFree} (they are counted in the stats before).
     */
    public int destroy() {
        long outstanding;
        lock.lock();
        try {
            if (closed) {
                return CUDA_ERROR_INVALID_VALUE;
            }
            closed = true;
            PoolRegistry.remove(handle, this);
            for (int b = free.drain(); b != FreeList.END; ) {
                int next = free.next(b);
                free.markAbsent(b);
                b = next;
            }
            outstanding = inUse.get();
            for (int c = 0; c < chunkHeld.length; c++) {
                if (chunkHeld[c] != 0) {
                    capacity -= geometry.blocksIn(c);
                    giveBack(c);
                }
            }
            memory.close();
        } finally {
            lock.unlock();
        }
        if (outstanding > 0 && Log.enabled(Log.INFO)) {
            Log.info("pool destroyed with " + outstanding + " blocks still handed out");
        }
        return CUDA_SUCCESS;
    }

    @Override
    public void close() {
        destroy();
    }

    // ---- pressure -----------------------------------------------------------------------------------------------

    /**
     * Calls {@code listener} on the allocating thread when blocks in use reach {@code thresholdPercent} % of what the
     * pool can reach (0: only when an allocation or reservation is refused), and on every refusal. It fires once per
     * crossing: use must fall below the threshold again first. A null listener removes it.
     *
     * @return {@code CUDA_SUCCESS}, or {@code CUDA_ERROR_INVALID_VALUE} for a percentage above 100 or a destroyed pool
     */
    public int onPressure(int thresholdPercent, PressureListener listener) {
        if (thresholdPercent < 0 || thresholdPercent > 100 || closed) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        watch = listener == null ? null : new Watch(listener, thresholdPercent);
        pressured = false;
        return CUDA_SUCCESS;
    }

    private void checkPressure(long used) {
        Watch w = watch;
        if (w == null || w.percent == 0 || pressured) {
            return;
        }
        long cap = capacity;
        if (used * 100 < (long) w.percent * cap) {
            return; // below the threshold of what is backed: below it of anything the pool can reach
        }
        long reach = reachable(cap);
        if (used * 100 >= (long) w.percent * reach && PRESSURED.compareAndSet(this, false, true)) {
            pressureEvents.incrementAndGet();
            tell(w, reach - used);
        }
    }

    private void rearm(long used) {
        Watch w = watch;
        if (w == null || w.percent == 0 || used * 100 < (long) w.percent * reachable(capacity)) {
            pressured = false;
        }
    }

    /** Blocks the pool could hold: what is backed plus the whole chunks the cap and the tenant's headroom allow. */
    private long reachable(long cap) {
        long unbacked = geometry.maxBlocks() - cap;
        long headroom = account.headroom(device);
        if (headroom == Long.MAX_VALUE) {
            return cap + unbacked;
        }
        long growable = (Math.max(0, headroom) / chunkBytes) * geometry.chunkBlocks();
        return cap + Math.min(unbacked, growable);
    }

    /** A refusal: counted, and told to the listener when it is pressure. Returns {@code result}. */
    private long refused(int result) {
        failedAllocations.incrementAndGet();
        if (result == CUDA_ERROR_OUT_OF_MEMORY) {
            pressureEvents.incrementAndGet();
            pressured = true;
            Watch w = watch;
            if (w != null) {
                tell(w, Math.max(0, reachable(capacity) - inUse.get()));
            }
        }
        return result;
    }

    private void tell(Watch w, long freeBlocks) {
        try {
            w.listener.onPressure(this, freeBlocks);
        } catch (Throwable t) {
            if (listenerFailureShown.compareAndSet(false, true)) {
                Log.error("a pool's pressure listener threw (ignored): " + t);
            }
        }
    }

    // ---- what it is ---------------------------------------------------------------------------------------------

    public PoolStats stats() {
        return new PoolStats(stride, geometry.maxBlocks(), capacity, inUse.get(), reservedBytes, growthSteps,
                shrinkSteps, pressureEvents.get(), failedAllocations.get(), geometry.chunkBlocks(), reservedBlocks,
                device, contiguous ? PoolStats.VMM : 0);
    }

    /** The opaque value the C ABI knows this pool by ({@code void *pool}). */
    public long handle() {
        return handle;
    }

    public int device() {
        return device;
    }

    public PoolGeometry geometry() {
        return geometry;
    }

    public boolean destroyed() {
        return closed;
    }

    @Override
    public String toString() {
        PoolStats s = stats();
        return "BlockPool[device " + device + ", " + s.blocksInUse() + "/" + s.capacityBlocks() + " of "
                + s.maxBlocks() + " blocks of " + s.blockBytes() + " B, " + memory.kind() + ", "
                + s.reservedBytes() + " B reserved" + (closed ? ", destroyed" : "") + "]";
    }
}
