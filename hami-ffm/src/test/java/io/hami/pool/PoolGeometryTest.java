package io.hami.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoolGeometryTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    @Test
    void blocks_are_256_byte_aligned_and_chunks_fill_whole_granules() {
        PoolGeometry g = PoolGeometry.of(1000, 100, 0, 2 * MIB);
        assertThat(g.stride()).isEqualTo(1024);
        assertThat(g.chunkBytes() % (2 * MIB)).isZero();
        assertThat(g.chunkBlocks()).isEqualTo(2048); // 2 MiB / 1 KiB: the granule decides, not 100 / 16
        assertThat(g.chunks()).isEqualTo(1);
        assertThat(g.blocksIn(0)).isEqualTo(100);
        assertThat(g.backingBytes(0)).isEqualTo(2 * MIB); // 100 KiB rounded up to the granule
    }

    @Test
    void a_big_pool_grows_in_about_sixteen_steps() {
        PoolGeometry g = PoolGeometry.of(256 * KIB, 320_000, 0, 2 * MIB);
        assertThat(g.chunkBlocks()).isEqualTo(32768); // 320000 / 16 = 20000, rounded up to a power of two
        assertThat(g.chunks()).isEqualTo(10);
        assertThat(g.blocksIn(9)).isEqualTo(320_000 - 9 * 32768);
        assertThat(g.spanBytes()).isEqualTo(9 * g.chunkBytes() + g.backingBytes(9));
        assertThat(g.backingBytes(9) % (2 * MIB)).isZero();
    }

    @Test
    void odd_block_sizes_still_fill_granules() {
        PoolGeometry g = PoolGeometry.of(3 * MIB, 10, 1, 2 * MIB);
        assertThat(g.chunkBlocks()).isEqualTo(1 << 1); // 3 MiB alone is not a multiple of 2 MiB, 6 MiB is
        assertThat(g.chunkBytes() % (2 * MIB)).isZero();
        PoolGeometry small = PoolGeometry.of(768, 64, 1, 2 * MIB);
        assertThat(small.chunkBytes() % (2 * MIB)).isZero();
    }

    @Test
    void an_explicit_chunk_size_is_kept_within_the_chunk_cap() {
        assertThat(PoolGeometry.of(MIB, 64, 4, 256).chunkBlocks()).isEqualTo(4);
        assertThat(PoolGeometry.of(MIB, 64, 5, 256).chunkBlocks()).isEqualTo(8);
        PoolGeometry capped = PoolGeometry.of(MIB, 10_000, 1, 256);
        assertThat(capped.chunks()).isLessThanOrEqualTo(PoolGeometry.MAX_CHUNKS);
    }

    @Test
    void out_of_range_requests_have_no_geometry() {
        assertThat(PoolGeometry.of(0, 10, 0, 256)).isNull();
        assertThat(PoolGeometry.of(MIB, 0, 0, 256)).isNull();
        assertThat(PoolGeometry.of(MIB, PoolGeometry.MAX_BLOCKS + 1L, 0, 256)).isNull();
        assertThat(PoolGeometry.of(MIB, 10, -1, 256)).isNull();
        assertThat(PoolGeometry.of(MIB, 10, 0, 3000)).isNull(); // not a power of two
        assertThat(PoolGeometry.of(MIB, 10, 0, 256)).isNotNull();
    }
}
