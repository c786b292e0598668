package io.hami.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a launch needs from the process it runs in, behind one seam so that the command line can be tested without
 * replacing the test's JVM. {@link PosixHost} is the real one.
 *
 * <p>Strings handed to {@link #exec} are <em>native strings</em>: one char per byte (ISO-8859-1), so that arguments
 * and environment values reach the command byte for byte, whatever the locale made of them in Java.
 */
public interface Host {
    /** The launcher's environment as Java reads it (PATH, the default region). */
    Map<String, String> environment();

    /** The environment the command inherits, as native strings. */
    default Map<String, String> nativeEnvironment() {
        return environment();
    }

    /** A Java string as a native string, encoded the way the platform encodes file names and arguments. */
    default String toNative(String text) {
        return text;
    }

    /** The native form of {@code command}, which is the tail of hami-run's own arguments. */
    default List<String> nativeArguments(List<String> command) {
        return command;
    }

    /**
     * The UUIDs of the GPUs the command will see, by visible index ({@link VisibleGpus}); null where the driver cannot
     * say. Asked only when a launch's limits differ between devices.
     */
    default List<byte[]> visibleGpus() {
        return null;
    }

    /** hami-run's pid, which becomes the command's pid. */
    long pid();

    /** The directory relative paths are resolved against. */
    Path workingDirectory();

    /** The distribution's root directory ({@code bin/ lib/ runtime/}). */
    Path dist();

    /** A system path such as /dev or /etc/ld.so.preload as this host sees it (tests: under a directory of theirs). */
    default Path systemPath(String absolute) {
        return Path.of(absolute);
    }

    /**
     * Replaces this process with {@code program}; returns only where the host does not (tests). Throws with 126 or
     * 127 when the program cannot be executed.
     */
    void exec(String program, List<String> argv, Map<String, String> environment) throws LaunchException;
}
