package io.hami.limits;

/**
 * Memory sizes as users write them: {@code 8g}, {@code 512m}, {@code 1073741824}.
 *
 * <p>Suffixes are binary (k = 1024), case-insensitive, with an optional {@code b}/{@code ib}: {@code 8g}, {@code 8G},
 * {@code 8gb}, {@code 8GiB} are all 8 GiB. No suffix means bytes, as in HAMi. HAMi reads {@code 10gb} as 10 bytes;
 * here it is 10 GiB, and anything else unknown is an error naming the accepted forms.
 */
public final class ByteSize {
    public static final long KIB = 1L << 10;
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    public static final long TIB = 1L << 40;

    private ByteSize() {}

    /** Parses a size; throws {@link IllegalArgumentException} with a message that names the problem and the fix. */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty size: write a number of bytes or a number with k/m/g/t, e.g. 8g");
        }
        String s = text.strip();
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size: it must start with a number, e.g. 8g or 512m");
        }
        String number = s.substring(0, end);
        long unit = unit(s.substring(end).strip().toLowerCase(java.util.Locale.ROOT), text);
        try {
            if (number.indexOf('.') >= 0) {
                java.math.BigDecimal bytes = new java.math.BigDecimal(number).multiply(java.math.BigDecimal.valueOf(unit));
                return bytes.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            }
            return Math.multiplyExact(Long.parseLong(number), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size that fits in 64 bits");
        }
    }

    private static long unit(String suffix, String text) {
        return switch (suffix) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> KIB;
            case "m", "mb", "mib" -> MIB;
            case "g", "gb", "gib" -> GIB;
            case "t", "tb", "tib" -> TIB;
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown size suffix '" + suffix
                    + "': use k, m, g or t (binary units), or no suffix for bytes");
        };
    }

    /** A short human form: {@code 8.0 GiB}, {@code 512.0 MiB}, {@code 17 B}. */
    public static String format(long bytes) {
        if (bytes < KIB) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int i = -1;
        while (value >= 1024 && i < units.length - 1) {
            value /= 1024;
            i++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[i]);
    }
}
