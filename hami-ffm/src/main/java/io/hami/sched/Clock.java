package io.hami.sched;

import java.util.concurrent.locks.LockSupport;

/** Time for the scheduler: the monotonic clock every process of the host shares, and waiting on it. */
public interface Clock {
    long nanoTime();

    /** Returns at {@code deadline} or a little after; never much before. */
    void sleepUntil(long deadline);

    /** {@code System.nanoTime()} (CLOCK_MONOTONIC on Linux): parks while far off, then spins the last stretch. */
    Clock SYSTEM = new Clock() {
        /** Timer slack and wake-up latency of a park: spinning covers the last of it. */
        private static final long SPIN_NANOS = 80_000;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) {
            long left;
            while ((left = deadline - System.nanoTime()) > SPIN_NANOS) {
                LockSupport.parkNanos(left - SPIN_NANOS);
            }
            while (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    };
}
