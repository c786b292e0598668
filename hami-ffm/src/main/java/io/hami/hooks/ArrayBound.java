package io.hami.hooks;

/**
 * What is reserved for a CUDA array before the driver creates it, from its descriptor alone: the elements'
 * raw bytes. The driver's layout (row padding, tiling) can take more; the hook tops the reservation up to what the
 * driver then reports.
 */
final class ArrayBound {
    /** CUDA_ARRAY3D_LAYERED: depth counts layers, which mip levels do not shrink. */
    static final int LAYERED = 0x01;
    /** The largest element any format has (4 channels × 32 bit): the bound for a format this code does not know. */
    static final long LARGEST_ELEMENT = 16;
    private static final int MAX_LEVELS = 32;

    private ArrayBound() {}

    /**
     * The raw bytes of an array's elements over {@code levels} mip levels (each halves width, height and, unless
     * layered, depth; never below 1). 0 for a descriptor the driver will refuse (width 0, no channels, no levels, or a
     * size past 64 bits): the driver then gives its own answer, uncounted.
     */
    static long of(long width, long height, long depth, int format, int channels, int flags, int levels) {
        if (width <= 0 || height < 0 || depth < 0 || channels <= 0 || channels > 4 || levels <= 0
                || levels > MAX_LEVELS) {
            return 0;
        }
        long element = channelBytes(format) == 0 ? LARGEST_ELEMENT : channelBytes(format) * channels;
        boolean layered = (flags & LAYERED) != 0;
        try {
            long total = 0;
            for (int level = 0; level < levels; level++) {
                long w = Math.max(1, width >> level);
                long h = Math.max(1, height >> level);
                long d = layered ? Math.max(1, depth) : Math.max(1, depth >> level);
                total = Math.addExact(total, Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(w, h), d), element));
            }
            return total;
        } catch (ArithmeticException tooLarge) {
            return 0;
        }
    }

    /** Bytes per channel of the plain CUarray_format values; 0 for the packed, compressed and video formats. */
    static long channelBytes(int format) {
        return switch (format) {
            case 0x01, 0x08 -> 1; // UNSIGNED_INT8, SIGNED_INT8
            case 0x02, 0x09, 0x10 -> 2; // UNSIGNED_INT16, SIGNED_INT16, HALF
            case 0x03, 0x0a, 0x20 -> 4; // UNSIGNED_INT32, SIGNED_INT32, FLOAT
            default -> 0;
        };
    }
}
