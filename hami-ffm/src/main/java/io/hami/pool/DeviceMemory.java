package io.hami.pool;

/**
 * Where a pool's chunks get device memory: the driver calls of one pool on one device, in that device's primary
 * context. Called only under the pool's growth lock, never on the block hot path. Two kinds: {@link VmmMemory}
 * (one address range reserved for the whole pool, chunks mapped into it and unmapped again, so the pool grows and
 * shrinks without copying) and {@link PlainMemory} (one {@code cuMemAlloc} per chunk, where VMM is unavailable).
 */
public interface DeviceMemory {
    /** Bytes that every chunk's backing must be a multiple of (a power of two). */
    long granularity();

    /** True when chunk {@code c} lives at {@code base() + c * chunkBytes} of one reserved range. */
    boolean contiguous();

    /** The start of the reserved range when {@link #contiguous()}, else 0. */
    long base();

    /**
     * Opens the memory for a pool of this geometry (VMM reserves {@link PoolGeometry#spanBytes()} of address space).
     * Returns a CUresult.
     */
    int open(PoolGeometry geometry);

    /**
     * Backs {@code bytes} for {@code chunk}. On success {@code out[0]} is the chunk's device address and
     * {@code out[1]} the bytes the driver really holds for it (never less than {@code bytes}). Returns a CUresult.
     */
    int commit(int chunk, long bytes, long[] out);

    /** Gives a chunk's backing back to the driver (waits for the device first). Returns a CUresult. */
    int decommit(int chunk, long address, long bytes);

    /** Releases what {@link #open} took. Every chunk was decommitted before. */
    void close();

    /** "vmm" or "plain", for stats and messages. */
    String kind();
}
