package io.hami.cli;

/**
 * A launch that cannot go on. The message is one line that names the problem and the fix; {@link #exitCode()} is
 * the status hami-run ends with (see {@link ExitCodes}).
 */
public final class LaunchException extends Exception {
    private final int exitCode;

    public LaunchException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public LaunchException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
