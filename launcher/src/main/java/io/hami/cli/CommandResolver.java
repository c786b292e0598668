package io.hami.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Finds the program to execute the way a shell does: a name with a slash as a path, else on {@code PATH}. */
public final class CommandResolver {
    /** What glibc's execvp searches when PATH is unset. */
    static final String DEFAULT_PATH = "/bin:/usr/bin";

    private CommandResolver() {}

    /**
     * The file to execute for {@code command}. Fails with 127 when there is none, 126 when the file found cannot be
     * executed (a directory, no execute permission).
     */
    public static Path resolve(String command, String pathVariable, Path workingDirectory) throws LaunchException {
        if (command.isEmpty()) {
            throw new LaunchException(ExitCodes.NOT_FOUND, "command not found: the command name is empty");
        }
        try {
            if (command.indexOf('/') >= 0) {
                return checkPath(workingDirectory.resolve(command), command);
            }
            String search = pathVariable == null ? DEFAULT_PATH : pathVariable;
            Path denied = null;
            for (String dir : search.split(":", -1)) {
                Path candidate = (dir.isEmpty() ? workingDirectory : workingDirectory.resolve(dir)).resolve(command);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
                if (denied == null && Files.isRegularFile(candidate)) {
                    denied = candidate;
                }
            }
            if (denied != null) {
                throw new LaunchException(ExitCodes.NOT_EXECUTABLE, "cannot execute " + denied
                        + ": permission denied (make it executable with chmod +x, or fix PATH)");
            }
        } catch (InvalidPathException e) {
            // a name the file system cannot hold (a NUL byte): no such command
        }
        throw new LaunchException(ExitCodes.NOT_FOUND, "command not found: " + command
                + " (check the name and PATH, or give its path)");
    }

    private static Path checkPath(Path file, String command) throws LaunchException {
        if (!Files.exists(file)) {
            throw new LaunchException(ExitCodes.NOT_FOUND, "command not found: " + command
                    + ": no such file (check the path)");
        }
        if (Files.isDirectory(file)) {
            throw new LaunchException(ExitCodes.NOT_EXECUTABLE, "cannot execute " + command
                    + ": it is a directory (name the program inside it)");
        }
        if (!Files.isExecutable(file)) {
            throw new LaunchException(ExitCodes.NOT_EXECUTABLE, "cannot execute " + command
                    + ": permission denied (make it executable with chmod +x)");
        }
        return file;
    }
}
