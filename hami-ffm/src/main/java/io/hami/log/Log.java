package io.hami.log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line per event, {@code [hami-ffm PID] warn: ...} or {@code [hami-ffm PID dev N] warn: ...}, on stderr or
 * appended to {@code HAMI_LOG_FILE}; never on the host's stdout. Levels are HAMi-core's {@code LIBCUDA_LOG_LEVEL}:
 * errors always, warnings from 2 (the default), information from 3, debug from 4; the names error, warn, info and
 * debug are read too. The C trampoline's {@code hami_log_at} reads both variables the same way.
 */
public final class Log {
    public static final int ERROR = 0;
    public static final int WARN = 2;
    public static final int INFO = 3;
    public static final int DEBUG = 4;
    public static final String LEVEL_VARIABLE = "LIBCUDA_LOG_LEVEL";
    public static final String FILE_VARIABLE = "HAMI_LOG_FILE";
    /** No device: the line names only the pid. */
    public static final int NO_DEVICE = -1;

    private static final Pattern INTEGER = Pattern.compile("\\s*([+-]?)0*(\\d+)");
    private static final String[] TAGS = {"error", "error", "warn", "info", "debug"};
    private static final PrintStream ERR = System.err;
    private static final Path FILE = file(System.getenv(FILE_VARIABLE));
    private static final AtomicBoolean FILE_FAILED = new AtomicBoolean();
    private static volatile int level = parseLevel(System.getenv(LEVEL_VARIABLE));

    private Log() {}

    /** The level {@code text} names, or empty when it names none (unset, blank or unreadable). */
    public static OptionalInt level(String text) {
        if (text == null || text.isBlank()) {
            return OptionalInt.empty();
        }
        Matcher integer = INTEGER.matcher(text);
        if (integer.matches()) { // as the trampoline's strtol: a negative level is 0, a large one 9
            String digits = integer.group(2);
            return OptionalInt.of(integer.group(1).equals("-") ? 0 : digits.length() > 1 ? 9 : digits.charAt(0) - '0');
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "error" -> OptionalInt.of(ERROR);
            case "warn" -> OptionalInt.of(WARN);
            case "info" -> OptionalInt.of(INFO);
            case "debug" -> OptionalInt.of(DEBUG);
            default -> OptionalInt.empty();
        };
    }

    /** {@code LIBCUDA_LOG_LEVEL}'s level, warnings where it names none (HAMi's default). */
    public static int parseLevel(String text) {
        return level(text).orElse(WARN);
    }

    /** {@code HAMI_LOG_FILE} as a path, or null for stderr. */
    public static Path file(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    public static boolean enabled(int at) {
        return at == ERROR || at <= level;
    }

    public static void error(String message) {
        log(ERROR, NO_DEVICE, message);
    }

    public static void warn(String message) {
        log(WARN, NO_DEVICE, message);
    }

    public static void info(String message) {
        log(INFO, NO_DEVICE, message);
    }

    public static void debug(String message) {
        log(DEBUG, NO_DEVICE, message);
    }

    public static void error(int device, String message) {
        log(ERROR, device, message);
    }

    public static void warn(int device, String message) {
        log(WARN, device, message);
    }

    public static void info(int device, String message) {
        log(INFO, device, message);
    }

    public static void debug(int device, String message) {
        log(DEBUG, device, message);
    }

    private static void log(int at, int device, String message) {
        if (enabled(at)) {
            write(FILE, ERR, line(at, ProcessHandle.current().pid(), device, message));
        }
    }

    /** One event as one line: its own line breaks become spaces, so a reader can split the log on newlines. */
    static String line(int at, long pid, int device, String message) {
        return "[hami-ffm " + pid + (device >= 0 ? " dev " + device : "") + "] " + TAGS[Math.clamp(at, 0, 4)] + ": "
                + message.replaceAll("\\s*[\\r\\n]+\\s*", " ") + "\n";
    }

    /**
     * The line in one write: appended to {@code file} (opened per line, like the trampoline does), else on
     * {@code err}; a file that cannot be written sends this and later lines to {@code err}, said once.
     */
    static void write(Path file, PrintStream err, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (file != null) {
            try {
                Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                        StandardOpenOption.WRITE);
                return;
            } catch (IOException | RuntimeException e) {
                if (FILE_FAILED.compareAndSet(false, true)) {
                    byte[] note = line(WARN, ProcessHandle.current().pid(), NO_DEVICE, "cannot append to "
                            + FILE_VARIABLE + "=" + file + " (" + e + "): logging to stderr; make the file "
                            + "writable or point " + FILE_VARIABLE + " elsewhere").getBytes(StandardCharsets.UTF_8);
                    err.write(note, 0, note.length);
                }
            }
        }
        err.write(bytes, 0, bytes.length);
        err.flush();
    }
}
