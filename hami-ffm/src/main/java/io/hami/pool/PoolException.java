package io.hami.pool;

/** A pool could not be created; {@link #result()} is the CUresult the C ABI returns for it. */
public final class PoolException extends Exception {
    private final int result;

    public PoolException(int result, String message) {
        super(message);
        this.result = result;
    }

    public int result() {
        return result;
    }
}
