package io.hami.cli;

/** hami-run's own exit statuses, the same as {@code env}, {@code nohup} and {@code chroot} use. */
public final class ExitCodes {
    /** hami-run itself failed: a bad option, the region, the tenant. The command never ran. */
    public static final int FAILED = 125;
    /** The command was found but could not be executed. */
    public static final int NOT_EXECUTABLE = 126;
    /** The command was not found. */
    public static final int NOT_FOUND = 127;

    private ExitCodes() {}
}
