package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_ERROR_NOT_READY;
import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static io.hami.bindings.cuda.CudaDriver.CU_EVENT_DEFAULT;
import static io.hami.bindings.cuda.CudaDriver.CU_STREAM_CAPTURE_MODE_RELAXED;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.sched.GpuTimer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;

/**
 * {@link GpuTimer} on CUDA events: a pair recorded around a launch on its stream, queried later with
 * {@code cuEventQuery} (never a synchronizing call). Pairs are created once per context and reused. Our own event
 * calls run in the relaxed stream-capture mode, so that they never disturb a capture another thread is making.
 */
final class EventTimer implements GpuTimer {
    /** CU_STREAM_PER_THREAD: the per-thread default stream, what stream 0 means to a _ptsz launch. */
    static final long PER_THREAD_STREAM = 0x2;
    static final int CAPACITY = 512;

    private static final Downcall CTX_GET_CURRENT =
            Accounting.real(CudaDriver.cuCtxGetCurrent.NAME, CudaDriver.cuCtxGetCurrent.DESC);
    private static final Downcall CREATE =
            Accounting.real(CudaDriver.cuEventCreate.NAME, CudaDriver.cuEventCreate.DESC);
    private static final Downcall RECORD =
            Accounting.real(CudaDriver.cuEventRecord.NAME, CudaDriver.cuEventRecord.DESC);
    private static final Downcall RECORD_PTSZ =
            Accounting.real(CudaDriver.cuEventRecord_ptsz.NAME, CudaDriver.cuEventRecord_ptsz.DESC);
    private static final Downcall QUERY =
            Accounting.real(CudaDriver.cuEventQuery.NAME, CudaDriver.cuEventQuery.DESC);
    private static final Downcall ELAPSED =
            Accounting.real(CudaDriver.cuEventElapsedTime_v2.NAME, CudaDriver.cuEventElapsedTime_v2.DESC);
    private static final Downcall EXCHANGE_MODE = Accounting.real(
            CudaDriver.cuThreadExchangeStreamCaptureMode.NAME, CudaDriver.cuThreadExchangeStreamCaptureMode.DESC);
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    // pair i: events start[i], end[i] of context ctx[i]; free pairs per context in one list (few contexts)
    private final long[] start = new long[CAPACITY];
    private final long[] end = new long[CAPACITY];
    private final long[] ctx = new long[CAPACITY];
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int created;

    @Override
    public long begin(long stream, boolean perThreadStream) {
        MemorySegment scratch = SCRATCH.get();
        int saved = relaxed(scratch);
        try {
            if (CTX_GET_CURRENT.call(scratch.address()) != CUDA_SUCCESS) {
                return 0;
            }
            long context = scratch.get(ValueLayout.JAVA_LONG, 0);
            int pair = take(context, scratch);
            if (pair < 0) {
                return 0;
            }
            if (record(start[pair], stream, perThreadStream) != CUDA_SUCCESS) {
                give(pair);
                return 0;
            }
            return pair + 1;
        } catch (Throwable t) {
            return 0;
        } finally {
            restore(scratch, saved);
        }
    }

    @Override
    public boolean end(long token, long stream, boolean perThreadStream) {
        int pair = (int) token - 1;
        MemorySegment scratch = SCRATCH.get();
        int saved = relaxed(scratch);
        try {
            if (record(end[pair], stream, perThreadStream) == CUDA_SUCCESS) {
                return true;
            }
        } catch (Throwable ignored) {
            // released below
        } finally {
            restore(scratch, saved);
        }
        give(pair);
        return false;
    }

    @Override
    public long poll(long token) {
        int pair = (int) token - 1;
        MemorySegment scratch = SCRATCH.get();
        int saved = relaxed(scratch);
        try {
            int state = QUERY.call(end[pair]);
            if (state == CUDA_ERROR_NOT_READY) {
                return NOT_READY;
            }
            if (state != CUDA_SUCCESS
                    || ELAPSED.call(scratch.address() + 8, start[pair], end[pair]) != CUDA_SUCCESS) {
                return FAILED;
            }
            float ms = scratch.get(ValueLayout.JAVA_FLOAT, 8);
            return ms < 0 ? FAILED : (long) (ms * 1_000_000.0);
        } catch (Throwable t) {
            return FAILED;
        } finally {
            restore(scratch, saved);
        }
    }

    @Override
    public void release(long token) {
        give((int) token - 1);
    }

    private static int record(long event, long stream, boolean perThreadStream) throws Throwable {
        return perThreadStream ? RECORD_PTSZ.call(event, stream == 0 ? PER_THREAD_STREAM : stream)
                : RECORD.call(event, stream);
    }

    /** A free pair of this context, creating one while under capacity; -1 when none. */
    private synchronized int take(long context, MemorySegment scratch) throws Throwable {
        for (int i = 0, n = free.size(); i < n; i++) {
            int pair = free.pollFirst();
            if (ctx[pair] == context) {
                return pair;
            }
            free.addLast(pair);
        }
        if (created == CAPACITY) {
            return -1;
        }
        if (CREATE.call(scratch.address(), CU_EVENT_DEFAULT) != CUDA_SUCCESS) {
            return -1;
        }
        long first = scratch.get(ValueLayout.JAVA_LONG, 0);
        if (CREATE.call(scratch.address(), CU_EVENT_DEFAULT) != CUDA_SUCCESS) {
            return -1; // one event leaks: creation fails only when the context is in trouble
        }
        int pair = created++;
        start[pair] = first;
        end[pair] = scratch.get(ValueLayout.JAVA_LONG, 0);
        ctx[pair] = context;
        return pair;
    }

    private synchronized void give(int pair) {
        free.addLast(pair);
    }

    /** Switches this thread to the relaxed capture mode; returns the mode to restore, or -1. */
    private static int relaxed(MemorySegment scratch) {
        try {
            scratch.set(ValueLayout.JAVA_INT, 12, CU_STREAM_CAPTURE_MODE_RELAXED);
            if (EXCHANGE_MODE.call(scratch.address() + 12) == CUDA_SUCCESS) {
                return scratch.get(ValueLayout.JAVA_INT, 12);
            }
        } catch (Throwable ignored) {
            // no such call: nothing to restore
        }
        return -1;
    }

    private static void restore(MemorySegment scratch, int mode) {
        if (mode < 0) {
            return;
        }
        try {
            scratch.set(ValueLayout.JAVA_INT, 12, mode);
            int ignored = EXCHANGE_MODE.call(scratch.address() + 12);
        } catch (Throwable ignored) {
            // best effort
        }
    }
}
