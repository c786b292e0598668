package io.hami.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The real host: this Linux process, replaced by the command through execve(2). */
final class PosixHost implements Host {
    /** The charset the JVM decoded arguments, the environment and file names with (the locale's). */
    private static final Charset PLATFORM = platformCharset();
    private static final int FALLBACK_FD_LIMIT = 4096;

    @Override
    public List<byte[]> visibleGpus() {
        return VisibleGpus.query();
    }

    @Override
    public Map<String, String> environment() {
        return System.getenv();
    }

    /**
     * The environment byte for byte from /proc/self/environ: under a C locale Java turns every non-ASCII byte into
     * '?', and the command must get what its caller gave. Falls back to Java's view if the two disagree on names.
     */
    @Override
    public Map<String, String> nativeEnvironment() {
        Map<String, String> raw = new LinkedHashMap<>();
        for (String entry : readNulSeparated(Path.of("/proc/self/environ"))) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                raw.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        Map<String, String> java = System.getenv();
        boolean sameNames = raw.size() == java.size()
                && raw.keySet().stream().map(this::fromNative).collect(Collectors.toSet()).equals(java.keySet());
        if (sameNames) {
            return raw;
        }
        Map<String, String> converted = new LinkedHashMap<>();
        java.forEach((name, value) -> converted.put(toNative(name), toNative(value)));
        return converted;
    }

    @Override
    public String toNative(String text) {
        return new String(text.getBytes(PLATFORM), StandardCharsets.ISO_8859_1);
    }

    private String fromNative(String nativeText) {
        return new String(nativeText.getBytes(StandardCharsets.ISO_8859_1), PLATFORM);
    }

    /**
     * The command's arguments byte for byte: they are the last entries of /proc/self/cmdline (the java launcher
     * passes the arguments after the main class through unchanged). Falls back to Java's strings if the tail does
     * not line up with them.
     */
    @Override
    public List<String> nativeArguments(List<String> command) {
        List<String> cmdline = readNulSeparated(Path.of("/proc/self/cmdline"));
        if (cmdline.size() >= command.size()) {
            List<String> tail = cmdline.subList(cmdline.size() - command.size(), cmdline.size());
            boolean linesUp = true;
            for (int i = 0; i < command.size() && linesUp; i++) {
                linesUp = skeleton(fromNative(tail.get(i))).equals(skeleton(command.get(i)));
            }
            if (linesUp) {
                return List.copyOf(tail);
            }
        }
        return command.stream().map(this::toNative).toList();
    }

    /** The ASCII a string keeps whatever charset decoded it (undecodable bytes become '?' or U+FFFD). */
    private static String skeleton(String text) {
        StringBuilder kept = new StringBuilder();
        text.chars().filter(c -> c < 0x80 && c != '?').forEach(c -> kept.append((char) c));
        return kept.toString();
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public Path workingDirectory() {
        return Path.of("").toAbsolutePath();
    }

    /** {@code -Dhami.dist} from bin/hami-run, else the directory above the jar holding this class (lib/). */
    @Override
    public Path dist() {
        String configured = System.getProperty("hami.dist");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(HamiRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.toAbsolutePath().getParent().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    @Override
    public void exec(String program, List<String> argv, Map<String, String> environment) throws LaunchException {
        List<String> envp = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        System.out.flush();
        System.err.flush();
        markCloseOnExec();
        Posix.unblockAllSignals();
        int errno = Posix.execve(program, argv, envp);
        if (errno == Posix.ENOEXEC) { // no #! line: run it with the shell, as execvp(3) and shells do
            List<String> shell = new ArrayList<>(List.of("/bin/sh", program));
            shell.addAll(argv.subList(1, argv.size()));
            errno = Posix.execve("/bin/sh", shell, envp);
        }
        throw failure(fromNative(program), errno);
    }

    /** Every descriptor above stderr is closed on exec: the JVM's jars, the region, whatever the caller leaked. */
    static void markCloseOnExec() {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path entry : entries) {
                fds.add(Integer.parseInt(entry.getFileName().toString()));
            }
        } catch (IOException | NumberFormatException e) {
            fds.clear();
            for (int fd = 3; fd < FALLBACK_FD_LIMIT; fd++) {
                fds.add(fd);
            }
        }
        for (int fd : fds) {
            if (fd > 2) {
                Posix.closeOnExec(fd); // the directory stream's own descriptor is closed by now: ignored
            }
        }
    }

    private static LaunchException failure(String program, int errno) {
        return switch (errno) {
            case Posix.ENOENT -> {
                String interpreter = interpreter(Path.of(program));
                yield interpreter == null
                        ? new LaunchException(ExitCodes.NOT_FOUND, "command not found: " + program)
                        : new LaunchException(ExitCodes.NOT_EXECUTABLE, "cannot execute " + program
                                + ": its interpreter " + interpreter + " was not found (fix its #! line)");
            }
            case Posix.EACCES -> new LaunchException(ExitCodes.NOT_EXECUTABLE, "cannot execute " + program
                    + ": permission denied (make it executable with chmod +x, and check the mount is not noexec)");
            default -> new LaunchException(ExitCodes.NOT_EXECUTABLE, "cannot execute " + program + ": "
                    + Posix.strerror(errno));
        };
    }

    /** The #! interpreter of an existing script, or null. */
    private static String interpreter(Path program) {
        try (InputStream in = Files.newInputStream(program)) {
            byte[] head = in.readNBytes(256);
            String line = new String(head, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            return line.startsWith("#!") ? line.substring(2).strip() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> readNulSeparated(Path file) {
        try {
            String all = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            List<String> entries = new ArrayList<>(List.of(all.split("\0", -1)));
            if (!entries.isEmpty() && entries.getLast().isEmpty()) {
                entries.removeLast();
            }
            return entries;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Charset platformCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
