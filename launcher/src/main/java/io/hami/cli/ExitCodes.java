package io.hami.cli;

/** hami-run's own exit statuses, the same as {@code env}, {@code nohup} and {@code chroot} use. */
public final class ExitCodes {
    /** hami-run itself failed: a bad option, the region, the tenant. The command never ran. */
    public static final int FAILED = 125;
    /** The command was found but could not be executed. */
    public static final int NOT_EXECUTABLE = 126;
    /** The command was not found. */
    public static final int NOT_FOUND = 127;
    /** doctor: the CUDA driver cannot be used here (no libcuda.so.1, cuInit fails, no device). */
    public static final int DOCTOR_DRIVER = 3;
    /** doctor: the distribution is incomplete or damaged (runtime, AOT cache, trampoline, libjsig). */
    public static final int DOCTOR_DISTRIBUTION = 4;
    /** doctor: the environment defeats the trampoline (another CUDA interposer, a region jobs cannot use). */
    public static final int DOCTOR_ENVIRONMENT = 5;

    private ExitCodes() {}
}
