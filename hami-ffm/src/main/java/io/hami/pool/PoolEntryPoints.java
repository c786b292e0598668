package io.hami.pool;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_INVALID_VALUE;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_NOT_INITIALIZED;
import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_UNKNOWN;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;

import io.hami.log.Log;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The C ABI of {@code include/hami.h}, as upcall targets: {@code libhami.so}'s {@code hami_pool_*} exports forward
 * here (pool.c). Static, pointers as {@code long}, no allocation on the block paths, and never an exception out of an
 * upcall (that would kill the host): every failure becomes a CUresult. A {@code void *pool} is a
 * {@link PoolRegistry} handle, so a stale or made-up one is {@code CUDA_ERROR_INVALID_VALUE}, never a crash.
 */
public final class PoolEntryPoints {
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final AtomicBoolean FAILURE_SHOWN = new AtomicBoolean();

    /** {@code void (*fn)(void *pool, size_t free_blocks, void *user)}, called by address. */
    private static final MethodHandle PRESSURE_CALLBACK = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));

    private PoolEntryPoints() {}

    /** {@code int hami_pool_create(int device, size_t block_bytes, size_t max_blocks, void **pool)} */
    public static int create(int device, long blockBytes, long maxBlocks, long poolOut) {
        try {
            if (poolOut == 0) {
                return CUDA_ERROR_INVALID_VALUE;
            }
            PoolRuntime runtime = PoolRuntime.current();
            if (runtime == null) {
                return CUDA_ERROR_NOT_INITIALIZED;
            }
            BlockPool pool = BlockPool.create(runtime, device, blockBytes, maxBlocks, 0);
            NATIVE.set(ValueLayout.JAVA_LONG, poolOut, pool.handle());
            if (Log.enabled(Log.INFO)) {
                Log.info("hami_pool_create: " + pool);
            }
            return CUDA_SUCCESS;
        } catch (PoolException e) {
            if (Log.enabled(Log.INFO)) {
                Log.info("hami_pool_create refused: " + e.getMessage());
            }
            return e.result();
        } catch (Throwable t) {
            return failure("hami_pool_create", t);
        }
    }

    /** {@code int hami_pool_alloc(void *pool, CUdeviceptr *block)} */
    public static int alloc(long pool, long blockOut) {
        try {
            BlockPool p = PoolRegistry.find(pool);
            if (p == null || blockOut == 0) {
                return CUDA_ERROR_INVALID_VALUE;
            }
            long block = p.allocateRaw();
            if (block < 0) {
                return (int) -block;
            }
            NATIVE.set(ValueLayout.JAVA_LONG, blockOut, block);
            return CUDA_SUCCESS;
        } catch (Throwable t) {
            return failure("hami_pool_alloc", t);
        }
    }

    /** {@code int hami_pool_alloc_batch(void *pool, size_t n, CUdeviceptr *blocks)} */
    public static int allocBatch(long pool, long n, long blocks) {
        try {
            BlockPool p = PoolRegistry.find(pool);
            if (p == null || (blocks == 0 && n != 0)) {
                return CUDA_ERROR_INVALID_VALUE;
            }
            return p.allocateBatch(blocks, n);
        } catch (Throwable t) {
            return failure("hami_pool_alloc_batch", t);
        }
    }

    /** {@code int hami_pool_free(void *pool, CUdeviceptr block)} */
    public static int free(long pool, long block) {
        try {
            BlockPool p = PoolRegistry.find(pool);
            return p == null ? CUDA_ERROR_INVALID_VALUE : p.free(block);
        } catch (Throwable t) {
            return failure("hami_pool_free", t);
        }
    }

    /** {@code int hami_pool_free_batch(void *pool, size_t n, const CUdeviceptr *blocks)} */
    public static int freeBatch(long pool, long n, long blocks) {
        try {
            BlockPool p = PoolRegistry.find(pool);
            if (p == null || (blocks == 0 && n != 0)) {
                return CUDA_ERROR_INVALID_VALUE;
            }
            return p.freeBatch(blocks, n);
        } catch (Throwable t) {
            return failure("hami_pool_free_batch", t);
        }
    }

    /** {@code int hami_pool_reserve(void *pool, size_t n_blocks)} */
    public static int reserve(long pool, long blocks) {
        try {
            BlockPool p = PoolRegistry.find(pool);
            return p == null ? CUDA_ERROR_INVALID_VALUE : p.reserve(blocks);
        } catch (Throwable t) {
            return failure("hami_pool_reserve", t);
        }
    }

    /**
     * {@code int hami_pool_set_pressure_callback(void *pool, void (*fn)(void *, size_t, void *), unsigned
     * threshold_pct, void *user)}; a NULL {@code fn} removes the callback.
     */
    public static int setPressureCallback(long pool, long fn, int thresholdPercent, long user) {
        try {
            BlockPool p = PoolRegistry.find(pool);
            if (p == null) {
                return CUDA_ERROR_INVALID_VALUE;
            }
            if (fn == 0) {
                return p.onPressure(0, null);
            }
            return p.onPressure(thresholdPercent, new NativeCallback(MemorySegment.ofAddress(fn), pool, user));
        } catch (Throwable t) {
            return failure("hami_pool_set_pressure_callback", t);
        }
    }

    /** {@code int hami_pool_stats(void *pool, hami_pool_stats *out)} */
    public static int stats(long pool, long out) {
        try {
            BlockPool p = PoolRegistry.find(pool);
            if (p == null || out == 0) {
                return CUDA_ERROR_INVALID_VALUE;
            }
            PoolStatsLayout.write(p.stats(), NATIVE.asSlice(out, PoolStatsLayout.SIZE));
            return CUDA_SUCCESS;
        } catch (Throwable t) {
            return failure("hami_pool_stats", t);
        }
    }

    /** {@code int hami_pool_destroy(void *pool)} */
    public static int destroy(long pool) {
        try {
            BlockPool p = PoolRegistry.find(pool);
            return p == null ? CUDA_ERROR_INVALID_VALUE : p.destroy();
        } catch (Throwable t) {
            return failure("hami_pool_destroy", t);
        }
    }

    /**
     * {@code void hami_pool_exit(void)}: run by pool.c's atexit handler just before the agent's own, which releases
     * the slot and with it everything the pools counted; from then on pools count nothing.
     */
    public static void exit() {
        try {
            PoolRuntime runtime = PoolRuntime.current();
            if (runtime != null && runtime.account() instanceof RegionAccount account) {
                account.detach();
            }
        } catch (Throwable t) {
            Log.error("detaching the pools at exit failed: " + t);
        }
    }

    /** A C pressure callback: {@code fn(pool, free_blocks, user)} on the allocating thread. */
    private record NativeCallback(MemorySegment fn, long pool, long user) implements PressureListener {
        @Override
        public void onPressure(BlockPool ignored, long freeBlocks) {
            try {
                PRESSURE_CALLBACK.invokeExact(fn, pool, freeBlocks, user);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    private static int failure(String entry, Throwable t) {
        if (FAILURE_SHOWN.compareAndSet(false, true)) {
            Log.error(entry + " failed inside hami-ffm, the call is refused: " + t);
        }
        return CUDA_ERROR_UNKNOWN;
    }
}
