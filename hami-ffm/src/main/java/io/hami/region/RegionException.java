package io.hami.region;

/** A region that cannot be used; the message names the problem and the fix. */
public final class RegionException extends Exception {
    public RegionException(String message) {
        super(message);
    }

    public RegionException(String message, Throwable cause) {
        super(message, cause);
    }
}
