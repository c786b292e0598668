package io.hami.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's feedback step against scripted device readings (NVML GPM on a GPU) and a simulated clock. */
class ComputeFeedbackTest {
    private static final long STEP = 250_000_000L;

    @TempDir
    Path dir;
    Region region;
    ComputeLines lines;
    int tenant;
    SimClock clock = new SimClock();
    /** What device 0's meter reads next. */
    Nvml.Reading next = new Nvml.Reading(-1, -1);
    int reads;

    @BeforeEach
    void open() throws Exception {
        region = Region.openOrCreate(dir.resolve("r.region"));
        lines = new ComputeLines(region.segment());
        tenant = region.findOrCreateTenant("t", new long[] {0}, false);
    }

    private ComputeFeedback feedback(boolean busyCorrection) {
        Supplier<Nvml.Reading> meter = () -> {
            reads++;
            return next;
        };
        return new ComputeFeedback(region, tenant, false, busyCorrection, clock,
                device -> device == 0 ? Optional.of(meter) : Optional.empty());
    }

    /** A quarter second of launches on device 0 ({@code waited}: some waited for the share), then a step. */
    private void step(ComputeFeedback feedback, int owner, long gpuNanos, boolean waited) {
        lines.count(owner, 0, gpuNanos, waited ? 1_000 : 0);
        clock.advance(STEP);
        feedback.step();
    }

    @Test
    void a_bandwidth_limit_scales_the_share_by_the_tenants_part_of_the_measured_bandwidth() throws Exception {
        lines.setBandwidthLimit(tenant, 0, 40);
        int other = region.findOrCreateTenant("other", new long[] {0}, false);
        ComputeFeedback feedback = feedback(false);
        next = new Nvml.Reading(90, 80);
        step(feedback, tenant, 100_000_000, false);
        assertThat(lines.bandwidthScale(tenant, 0)).as("the first step only opens the meter's interval")
                .isEqualTo(BandwidthControl.FULL);
        assertThat(reads).isEqualTo(1);

        // three quarters of the GPU time charged meanwhile were ours: 60 % of the DRAM's bandwidth
        lines.count(other, 0, 50_000_000, 0);
        step(feedback, tenant, 150_000_000, false);
        int scale = lines.bandwidthScale(tenant, 0);
        assertThat(scale).isEqualTo(BandwidthControl.next(BandwidthControl.FULL, 60, 40)).isLessThan(700);

        next = Nvml.Reading.NONE; // no reading: the scale holds
        step(feedback, tenant, 100_000_000, false);
        assertThat(lines.bandwidthScale(tenant, 0)).isEqualTo(scale);

        lines.setBandwidthLimit(tenant, 0, 0);
        step(feedback, tenant, 100_000_000, false);
        assertThat(lines.bandwidthScale(tenant, 0)).as("no limit, the whole share").isEqualTo(BandwidthControl.FULL);
    }

    @Test
    void the_busy_time_correction_moves_the_cost_scale_only_while_the_tenant_waited_for_its_share() {
        region.setSmShare(tenant, 0, 50);
        ComputeFeedback feedback = feedback(true);
        next = new Nvml.Reading(38, 10); // charged 50 %, the device busy only 38 % of the time
        step(feedback, tenant, 125_000_000, true);
        assertThat(lines.costScale(tenant, 0)).isEqualTo(BusyCorrection.FULL);

        step(feedback, tenant, 125_000_000, false);
        assertThat(lines.costScale(tenant, 0)).as("not throttled: the share is not what limited it")
                .isEqualTo(BusyCorrection.FULL);

        step(feedback, tenant, 125_000_000, true);
        int scale = lines.costScale(tenant, 0);
        assertThat(scale).isEqualTo(BusyCorrection.next(BusyCorrection.FULL, 38, 1.0, 50, true, true))
                .isLessThan(BusyCorrection.FULL);

        clock.advance(2 * ComputeFeedback.MAX_INTERVAL_NANOS); // a pause: what ran meanwhile is unclear
        step(feedback, tenant, 125_000_000, true);
        assertThat(lines.costScale(tenant, 0)).isEqualTo(scale);

        region.setSmShare(tenant, 0, 0);
        step(feedback, tenant, 125_000_000, true);
        assertThat(lines.costScale(tenant, 0)).as("no share: a later one learns afresh").isEqualTo(BusyCorrection.FULL);
    }

    @Test
    void without_the_correction_or_a_meter_nothing_moves() {
        region.setSmShare(tenant, 0, 50);
        lines.setCostScale(tenant, 0, 700);
        ComputeFeedback off = feedback(false);
        next = new Nvml.Reading(38, 10);
        step(off, tenant, 125_000_000, true);
        assertThat(lines.costScale(tenant, 0)).as("turned off, the scale goes back to full")
                .isEqualTo(BusyCorrection.FULL);

        // device 1 has a limit and launches but no meter: it says so once and leaves the share alone
        lines.setBandwidthLimit(tenant, 1, 40);
        lines.count(tenant, 1, 100_000_000, 0);
        for (int i = 0; i < 3; i++) {
            clock.advance(STEP);
            off.step();
        }
        assertThat(lines.bandwidthScale(tenant, 1)).isEqualTo(BandwidthControl.FULL);
    }
}
