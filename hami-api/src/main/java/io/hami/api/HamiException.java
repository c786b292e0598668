package io.hami.api;

/** A region, tenant or pool operation that failed; the message names the problem and the fix. */
public final class HamiException extends RuntimeException {
    public HamiException(String message) {
        super(message);
    }

    public HamiException(String message, Throwable cause) {
        super(message, cause);
    }
}
