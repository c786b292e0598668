package io.hami.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BusyCorrectionTest {
    /**
     * A tenant at 50 % whose sampled costs run 30 % high (as the PyTorch loop's did on the H200): charged its share,
     * the device is busy 50 / 1.3 of the time; with the correction the busy time converges to the share.
     */
    @Test
    void costs_that_run_high_are_scaled_until_the_device_is_busy_for_the_share() {
        int scale = BusyCorrection.FULL;
        double busy = 0;
        for (int step = 0; step < 12; step++) {
            double charged = 50.0 * BusyCorrection.FULL / scale; // the throttle books scaled costs at the share
            busy = charged / 1.3;
            scale = BusyCorrection.next(scale, busy, charged, true, true);
        }
        assertThat(busy).isCloseTo(50, within(0.5));
        assertThat(scale).isCloseTo((int) (1000 / 1.3), within(5));
    }

    @Test
    void it_never_raises_costs_and_learns_nothing_it_cannot_tell() {
        assertThat(BusyCorrection.next(800, 60, 40, true, true)).as("busier than charged: someone uncharged")
                .isEqualTo(900);
        assertThat(BusyCorrection.next(1000, 60, 40, true, true)).isEqualTo(1000);
        assertThat(BusyCorrection.next(800, 99, 120, true, true)).as("saturated").isEqualTo(800);
        assertThat(BusyCorrection.next(800, 93, 100, true, false)).as("saturated by tenants taking turns")
                .isEqualTo(800);
        assertThat(BusyCorrection.next(800, 93, 100, true, true)).as("alone at 93 %").isEqualTo(865);
        assertThat(BusyCorrection.next(800, 30, 50, false, true)).as("not held to its share").isEqualTo(800);
        assertThat(BusyCorrection.next(800, -1, 50, true, true)).as("no GPM reading").isEqualTo(800);
        assertThat(BusyCorrection.next(800, 1, 2, true, true)).as("too little charged").isEqualTo(800);
        assertThat(BusyCorrection.next(500, 5, 50, true, true)).as("at most twice too high")
                .isEqualTo(BusyCorrection.MIN_SCALE);
    }
}
