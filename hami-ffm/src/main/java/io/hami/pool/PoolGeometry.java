package io.hami.pool;

/**
 * How a pool's blocks sit in device memory. Blocks are {@code stride} bytes apart; chunks of {@code 1 << chunkShift}
 * blocks are the unit of growth, shrink and accounting; a chunk's bytes are a multiple of the driver's granularity
 * (VMM maps whole granules). The last chunk may hold fewer blocks. Block {@code i} is block {@code i & mask} of chunk
 * {@code i >>> chunkShift}.
 *
 * @param stride bytes per block as handed out: the requested size rounded up to {@link #ALIGNMENT}
 * @param maxBlocks the cap
 * @param chunkShift log2 of the blocks per chunk
 * @param chunks how many chunks cover {@code maxBlocks}
 * @param granularity bytes every chunk's backing is rounded to
 */
public record PoolGeometry(long stride, int maxBlocks, int chunkShift, int chunks, long granularity) {
    /** Blocks start on this boundary (what cudaMalloc guarantees). */
    public static final long ALIGNMENT = 256;
    /** The most blocks one pool may have: its free list keeps 4 bytes of Java heap per backed block. */
    public static final int MAX_BLOCKS = 1 << 22;
    /** A pool grows in at least this many steps from empty to full, unless its granularity needs bigger chunks. */
    public static final int DEFAULT_STEPS = 16;
    /** Without VMM each chunk is its own allocation, found by a scan on free: keep the scan short. */
    public static final int MAX_CHUNKS = 64;

    /**
     * The geometry for {@code maxBlocks} blocks of {@code blockBytes}, or null when the request is out of range.
     *
     * @param chunkBlocks blocks per growth step wanted (0: {@code maxBlocks / 16}); rounded up to a power of two
     *                    whose bytes are a multiple of {@code granularity}
     * @param granularity a power of two
     */
    public static PoolGeometry of(long blockBytes, long maxBlocks, long chunkBlocks, long granularity) {
        if (blockBytes <= 0 || blockBytes > (1L << 40) || maxBlocks <= 0 || maxBlocks > MAX_BLOCKS
                || chunkBlocks < 0 || granularity <= 0 || Long.bitCount(granularity) != 1) {
            return null;
        }
        long stride = (blockBytes + ALIGNMENT - 1) & -ALIGNMENT;
        // the fewest blocks whose bytes fill whole granules: granularity / gcd(stride, granularity), a power of two
        long minimum = granularity / Math.min(granularity, Long.lowestOneBit(stride));
        long wanted = chunkBlocks > 0 ? chunkBlocks : (maxBlocks + DEFAULT_STEPS - 1) / DEFAULT_STEPS;
        wanted = Math.max(wanted, (maxBlocks + MAX_CHUNKS - 1) / MAX_CHUNKS);
        long blocks = Math.max(minimum, wanted);
        int shift = 64 - Long.numberOfLeadingZeros(blocks - 1); // ceil(log2(blocks))
        if (shift > 30) {
            return null;
        }
        int chunks = (int) ((maxBlocks + (1L << shift) - 1) >>> shift);
        return new PoolGeometry(stride, (int) maxBlocks, shift, chunks, granularity);
    }

    public int chunkBlocks() {
        return 1 << chunkShift;
    }

    public int mask() {
        return (1 << chunkShift) - 1;
    }

    /** Bytes between the starts of two chunks in one address range (VMM). */
    public long chunkBytes() {
        return stride << chunkShift;
    }

    /** Blocks in {@code chunk}: a full chunk, or what is left of {@code maxBlocks} for the last one. */
    public int blocksIn(int chunk) {
        return Math.min(chunkBlocks(), maxBlocks - (chunk << chunkShift));
    }

    /** Device bytes that back {@code chunk}: its blocks, rounded up to the granularity. */
    public long backingBytes(int chunk) {
        return roundUp(blocksIn(chunk) * stride, granularity);
    }

    /** Bytes of address space that hold every chunk one after another. */
    public long spanBytes() {
        return (long) (chunks - 1) * chunkBytes() + backingBytes(chunks - 1);
    }

    static long roundUp(long bytes, long granularity) {
        return (bytes + granularity - 1) & -granularity;
    }
}
