package io.hami.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BusyCorrectionTest {
    /** The device's busy time for a tenant alone at {@code share} whose estimates are {@code inflation} too high. */
    private static double busy(int share, int scale, double inflation) {
        return Math.min(100, share * (double) BusyCorrection.FULL / scale / inflation);
    }

    /** Costs 30 % high (as the PyTorch loop's were on the H200): the busy time converges to the share. */
    @Test
    void costs_that_run_high_are_scaled_until_the_device_is_busy_for_the_share() {
        int scale = BusyCorrection.FULL;
        for (int step = 0; step < 12; step++) {
            scale = BusyCorrection.next(scale, busy(50, scale, 1.3), 1.0, 50, true, true);
        }
        assertThat(busy(50, scale, 1.3)).isCloseTo(50, within(0.5));
    }

    /**
     * A scale learned too low (a first interval charged ahead of what ran) saturates the device: it comes back up,
     * it does not stay there because a saturated device tells nothing.
     */
    @Test
    void a_scale_too_low_that_saturates_the_device_recovers() {
        int scale = 600;
        for (int step = 0; step < 12; step++) {
            scale = BusyCorrection.next(scale, busy(75, scale, 1.0), 1.0, 75, true, true);
        }
        assertThat(scale).isGreaterThan(990);
        assertThat(busy(75, scale, 1.0)).isCloseTo(75, within(1.0));
    }

    @Test
    void two_tenants_each_get_their_part_of_the_measured_time() {
        int a = BusyCorrection.FULL;
        int b = BusyCorrection.FULL;
        for (int step = 0; step < 12; step++) { // 20 % and 40 %, both 25 % high
            double ca = 20.0 * BusyCorrection.FULL / a;
            double cb = 40.0 * BusyCorrection.FULL / b;
            double device = (ca + cb) / 1.25;
            a = BusyCorrection.next(a, device, ca / (ca + cb), 20, true, false);
            b = BusyCorrection.next(b, device, cb / (ca + cb), 40, true, false);
        }
        assertThat(20.0 * BusyCorrection.FULL / a / 1.25).isCloseTo(20, within(0.3));
        assertThat(40.0 * BusyCorrection.FULL / b / 1.25).isCloseTo(40, within(0.3));
    }

    @Test
    void it_never_books_more_than_the_estimate_and_learns_nothing_it_cannot_tell() {
        assertThat(BusyCorrection.next(800, 60, 1.0, 40, true, true)).as("busier than the share: uncharged work?")
                .isEqualTo(900);
        assertThat(BusyCorrection.next(1000, 60, 1.0, 40, true, true)).isEqualTo(1000);
        assertThat(BusyCorrection.next(800, 93, 0.5, 40, true, false)).as("saturated by tenants taking turns")
                .isEqualTo(800);
        assertThat(BusyCorrection.next(800, 30, 1.0, 50, false, true)).as("not held to its share").isEqualTo(800);
        assertThat(BusyCorrection.next(800, -1, 1.0, 50, true, true)).as("no GPM reading").isEqualTo(800);
        assertThat(BusyCorrection.next(800, 0.1, 1.0, 50, true, true)).as("nothing ran").isEqualTo(800);
        assertThat(BusyCorrection.next(500, 5, 1.0, 50, true, true)).as("at most twice too high")
                .isEqualTo(BusyCorrection.MIN_SCALE);
    }
}
