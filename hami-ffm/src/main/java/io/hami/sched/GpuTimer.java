package io.hami.sched;

/** Marks on a stream around one launch, read back later without blocking (CUDA events; a fake in tests). */
public interface GpuTimer {
    long NOT_READY = -1;
    long FAILED = -2;

    /** Records the start mark on {@code stream}; a token, or 0 when none could be recorded. */
    long begin(long stream, boolean perThreadStream);

    /** Records the end mark after the launch; false when it could not be (the token is then released). */
    boolean end(long token, long stream, boolean perThreadStream);

    /** Nanoseconds between the marks, {@link #NOT_READY} while the GPU has not passed the end, or {@link #FAILED}. */
    long poll(long token);

    void release(long token);
}
