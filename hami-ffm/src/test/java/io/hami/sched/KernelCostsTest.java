package io.hami.sched;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KernelCostsTest {
    @Test
    void a_kind_costs_the_median_of_its_recent_samples_so_one_stretched_sample_does_not_move_it() {
        KernelCosts costs = new KernelCosts();
        long key = KernelCosts.kernelKey(0x1000, 528, 1, 1);
        assertThat(costs.estimate(key)).isEqualTo(KernelCosts.INITIAL_AVERAGE_NANOS);
        for (long sample : new long[] {1_000_000, 1_010_000, 990_000, 9_000_000, 1_000_000}) {
            assertThat(costs.claimSample(key) || true).isTrue();
            costs.record(key, sample);
        }
        assertThat(costs.estimate(key)).isEqualTo(1_000_000);
    }

    @Test
    void the_same_kernel_on_another_grid_is_another_cost_and_graphs_are_their_own_kinds() {
        assertThat(KernelCosts.kernelKey(0x1000, 528, 1, 1)).isNotEqualTo(KernelCosts.kernelKey(0x1000, 132, 1, 1));
        assertThat(KernelCosts.graphKey(0x1000)).isNotEqualTo(KernelCosts.kernelKey(0x1000, 0, 0, 0));
    }

    @Test
    void new_kinds_are_sampled_one_at_a_time_until_learned_then_now_and_then() {
        KernelCosts costs = new KernelCosts();
        long key = 42;
        assertThat(costs.claimSample(key)).isTrue();
        assertThat(costs.claimSample(key)).as("one sample in flight at a time").isFalse();
        costs.record(key, 5_000);
        for (int i = 1; i < KernelCosts.LEARNING_SAMPLES; i++) {
            assertThat(costs.claimSample(key)).isTrue();
            costs.record(key, 5_000);
        }
        int sampled = 0;
        for (int i = 0; i < 10 * KernelCosts.RESAMPLE_EVERY; i++) {
            if (costs.claimSample(key)) {
                sampled++;
                costs.record(key, 5_000);
            }
        }
        assertThat(sampled).isEqualTo(10);
        assertThat(costs.sampleDue(key, false)).isFalse();
        for (int i = 0; i < KernelCosts.RESAMPLE_EVERY - 1; i++) {
            costs.notSampled(key);
        }
        assertThat(costs.sampleDue(key, false)).as("the busy-queue cadence").isTrue();
        assertThat(costs.sampleDue(key, true)).as("an idle queue waits longer").isFalse();
        for (int i = KernelCosts.RESAMPLE_EVERY - 1; i < KernelCosts.IDLE_RESAMPLE_EVERY - 1; i++) {
            costs.notSampled(key);
        }
        assertThat(costs.sampleDue(key, true)).isTrue();
        assertThat(costs.claimSample(key)).isTrue();
        assertThat(costs.sampleDue(key, false)).as("one sample at a time").isFalse();
        long unseen = 43;
        assertThat(costs.sampleDue(unseen, true)).as("a new kind is learned even on an idle queue").isTrue();
        assertThat(costs.estimate(unseen)).as("an unseen kind costs the running average").isLessThan(20_000);
    }
}
