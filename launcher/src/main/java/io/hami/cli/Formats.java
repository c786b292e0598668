package io.hami.cli;

import io.hami.limits.ByteSize;
import io.hami.region.Region;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Locale;

/** Text for humans shared by set, status and top: sizes, priorities, device lists, columns that never overflow. */
final class Formats {
    static final String ELLIPSIS = "\u2026";
    static final String ASCII_ELLIPSIS = "...";

    private Formats() {}

    /** The ellipsis this output can show: {@code …} where the charset encodes it, else {@code ...}. */
    static String ellipsis(Charset charset) {
        return charset.newEncoder().canEncode(ELLIPSIS) ? ELLIPSIS : ASCII_ELLIPSIS;
    }

    /** {@code 8.0 GiB}, {@code 0 B}, {@code -1.0 MiB} (a negative count is a bug elsewhere, shown as it is). */
    static String size(long bytes) {
        if (bytes >= 0) {
            return ByteSize.format(bytes);
        }
        return bytes == Long.MIN_VALUE ? "-8.0 EiB" : "-" + ByteSize.format(-bytes);
    }

    /** A memory limit: {@code none} for 0. */
    static String limit(long bytes) {
        return bytes == 0 ? "none" : size(bytes);
    }

    /** An SM share: {@code 30%}, {@code none} for 0. */
    static String smShare(int percent) {
        return percent == 0 ? "none" : percent + "%";
    }

    /** A percent measured by the device: {@code 61%}; {@code -} when there is no reading. */
    static String measured(double percent) {
        return isMeasured(percent) ? Math.round(percent) + "%" : "-";
    }

    /** False for a device percent that is no reading: negative ({@code Reading.NONE}) or NaN. */
    static boolean isMeasured(double percent) {
        return percent >= 0;
    }

    /** A count, exact below 100000, else 3 significant digits: {@code 99999}, {@code 120.4k}, {@code 9.1M}. */
    static String count(long count) {
        if (Math.abs((double) count) < 100_000) {
            return Long.toString(count);
        }
        String[] units = {"k", "M", "G", "T", "P", "E"};
        double value = count / 1000.0;
        int i = 0;
        while (Math.abs(value) >= 999.95 && i + 1 < units.length) {
            value /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f%s", value, units[i]);
    }

    /** A duration: {@code 0 s}, {@code 350 ms}, {@code 9.1 s}, {@code 12.5 min}, {@code 3.2 h}, {@code 41 d}. */
    static String duration(long nanos) {
        double seconds = nanos / 1e9;
        double abs = Math.abs(seconds);
        if (nanos == 0) {
            return "0 s";
        } else if (abs < 1) {
            return Math.round(seconds * 1000) + " ms";
        } else if (abs < 99.95) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        } else if (abs < 99.95 * 60) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        } else if (abs < 99.95 * 3600) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.0f d", seconds / 86400);
    }

    /** {@code high}, {@code normal}, {@code low}, or the stored number when it is none of them. */
    static String priority(int priority) {
        return switch (priority) {
            case Region.PRIORITY_HIGH -> "high";
            case Region.PRIORITY_NORMAL -> "normal";
            case Region.PRIORITY_LOW -> "low";
            default -> Integer.toString(priority);
        };
    }

    /** Devices as ranges: {@code 0-3,5,7-15}. */
    static String devices(List<Integer> devices) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < devices.size(); i++) {
            int first = devices.get(i);
            int last = first;
            while (i + 1 < devices.size() && devices.get(i + 1) == last + 1) {
                last = devices.get(++i);
            }
            text.append(text.isEmpty() ? "" : ",").append(first);
            if (last > first) {
                text.append('-').append(last);
            }
        }
        return text.toString();
    }

    /**
     * Text read from a region made safe for a terminal: control characters (an escape sequence in a forged command
     * would drive the terminal) become {@code ?}.
     */
    static String printable(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        text.codePoints().forEach(c -> safe.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return safe.toString();
    }

    /** At most {@code width} code points: longer text keeps its start and ends with the ellipsis. */
    static String truncate(String text, int width, String ellipsis) {
        int length = text.codePointCount(0, text.length());
        if (length <= width) {
            return text;
        }
        int keep = Math.max(0, width - ellipsis.length());
        return text.substring(0, text.offsetByCodePoints(0, keep)) + ellipsis.substring(0, Math.min(width,
                ellipsis.length()));
    }

    /** At most {@code width} code points: longer text keeps its end and starts with the ellipsis (paths). */
    static String truncateStart(String text, int width, String ellipsis) {
        int length = text.codePointCount(0, text.length());
        if (length <= width) {
            return text;
        }
        int keep = Math.max(0, width - ellipsis.length());
        return ellipsis.substring(0, Math.min(width, ellipsis.length()))
                + text.substring(text.offsetByCodePoints(0, length - keep));
    }

    static String left(String text, int width, String ellipsis) {
        String cut = truncate(text, width, ellipsis);
        return cut + " ".repeat(width - cut.codePointCount(0, cut.length()));
    }

    static String right(String text, int width, String ellipsis) {
        String cut = truncate(text, width, ellipsis);
        return " ".repeat(width - cut.codePointCount(0, cut.length())) + cut;
    }

    static int columns(String line) {
        return line.codePointCount(0, line.length());
    }
}
