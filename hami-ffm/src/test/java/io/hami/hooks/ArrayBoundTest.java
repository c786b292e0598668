package io.hami.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArrayBoundTest {
    private static final int FLOAT = 0x20;
    private static final int UINT8 = 0x01;
    private static final int HALF = 0x10;

    @Test
    void a_2d_array_is_width_times_height_times_element() {
        assertThat(ArrayBound.of(1000, 64, 0, FLOAT, 1, 0, 1)).isEqualTo(1000L * 64 * 4);
        assertThat(ArrayBound.of(1000, 64, 0, HALF, 4, 0, 1)).isEqualTo(1000L * 64 * 8);
        assertThat(ArrayBound.of(1000, 0, 0, UINT8, 2, 0, 1)).as("1D: height 0 counts one row").isEqualTo(2000);
    }

    @Test
    void mip_levels_halve_every_dimension_down_to_one() {
        // 8×4×2 floats, then 4×2×1, 2×1×1, 1×1×1
        assertThat(ArrayBound.of(8, 4, 2, FLOAT, 1, 0, 4)).isEqualTo(4L * (64 + 8 + 2 + 1));
    }

    @Test
    void layered_arrays_keep_their_layers_at_every_level() {
        assertThat(ArrayBound.of(8, 4, 3, FLOAT, 1, ArrayBound.LAYERED, 2)).isEqualTo(4L * (8 * 4 * 3 + 4 * 2 * 3));
    }

    @Test
    void an_unknown_format_takes_the_largest_element() {
        assertThat(ArrayBound.of(10, 10, 0, 0x91, 4, 0, 1)).isEqualTo(100 * ArrayBound.LARGEST_ELEMENT);
    }

    @Test
    void what_the_driver_will_refuse_is_left_to_it() {
        assertThat(ArrayBound.of(0, 10, 0, FLOAT, 1, 0, 1)).isZero();
        assertThat(ArrayBound.of(10, 10, 0, FLOAT, 0, 0, 1)).isZero();
        assertThat(ArrayBound.of(10, 10, 0, FLOAT, 1, 0, 0)).isZero();
        assertThat(ArrayBound.of(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, 0, FLOAT, 1, 0, 1)).as("overflow").isZero();
    }
}
