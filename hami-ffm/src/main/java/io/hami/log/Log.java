package io.hami.log;

import java.io.PrintStream;

/**
 * One line per event on stderr, never on the host's stdout. Levels follow HAMi's {@code LIBCUDA_LOG_LEVEL}: 0 errors,
 * 1 warnings (default), 2 information, 3 and up debug.
 */
public final class Log {
    public static final int ERROR = 0;
    public static final int WARN = 1;
    public static final int INFO = 2;
    public static final int DEBUG = 3;

    private static final PrintStream OUT = System.err;
    private static volatile int level = parseLevel(System.getenv("LIBCUDA_LOG_LEVEL"));

    private Log() {}

    static int parseLevel(String text) {
        if (text == null || text.isBlank()) {
            return WARN;
        }
        try {
            return Math.max(ERROR, Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return WARN;
        }
    }

    public static boolean enabled(int at) {
        return at <= level;
    }

    public static void error(String message) {
        log(ERROR, "error", message);
    }

    public static void warn(String message) {
        log(WARN, "warn", message);
    }

    public static void info(String message) {
        log(INFO, "info", message);
    }

    public static void debug(String message) {
        log(DEBUG, "debug", message);
    }

    private static void log(int at, String tag, String message) {
        if (at <= level) {
            OUT.println("[hami-ffm " + ProcessHandle.current().pid() + "] " + tag + ": " + message);
        }
    }
}
