package io.hami.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BandwidthControlTest {
    /** A memory-bound tenant: its bandwidth is proportional to the GPU time it gets (90 % of the DRAM at full). */
    @Test
    void converges_under_the_limit_and_stays_there() {
        int scale = BandwidthControl.FULL;
        double measured = 0;
        for (int step = 0; step < 40; step++) {
            measured = 90.0 * scale / BandwidthControl.FULL;
            scale = BandwidthControl.next(scale, measured, 40);
        }
        assertThat(measured).isCloseTo(40 * 0.97, within(2.0)).isLessThanOrEqualTo(40.5);
    }

    @Test
    void grows_back_slowly_when_the_traffic_falls_and_never_stops_a_tenant() {
        assertThat(BandwidthControl.next(500, 10, 40)).isEqualTo(550);
        assertThat(BandwidthControl.next(30, 100, 1)).isEqualTo(BandwidthControl.MIN_SCALE);
        assertThat(BandwidthControl.next(300, -1, 40)).as("no measurement keeps the scale").isEqualTo(300);
        assertThat(BandwidthControl.next(300, 50, 0)).as("no limit").isEqualTo(BandwidthControl.FULL);
    }
}
