package io.hami.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hami.region.Region;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComputeConfigTest {
    @Test
    void reads_hamis_names_and_meanings() {
        ComputeConfig c = ComputeConfig.fromEnvironment(Map.of("CUDA_DEVICE_SM_LIMIT", "30",
                "CUDA_DEVICE_SM_LIMIT_1", "100", "CUDA_TASK_PRIORITY", "0", "CUDA_DEVICE_BANDWIDTH_LIMIT_2", "40"));
        assertThat(c.smShares()[0]).isEqualTo(30);
        assertThat(c.smShares()[1]).as("100 is no limit").isZero();
        assertThat(c.smShares()[2]).isEqualTo(30);
        assertThat(c.priority()).isEqualTo(Region.PRIORITY_HIGH);
        assertThat(c.bandwidthLimits()[2]).isEqualTo(40);
        assertThat(c.bandwidthLimits()[0]).isZero();
        assertThat(c.sharesDisabled()).isFalse();
        assertThat(c.asksForAnything()).isTrue();
        assertThat(ComputeConfig.fromEnvironment(Map.of()).asksForAnything()).isFalse();
        assertThat(ComputeConfig.priority("1")).isEqualTo(Region.PRIORITY_LOW);
        assertThat(ComputeConfig.priority("low")).isEqualTo(Region.PRIORITY_LOW);
        assertThat(ComputeConfig.priority("normal")).isEqualTo(Region.PRIORITY_NORMAL);
        assertThat(ComputeConfig.sharesDisabled(Map.of("GPU_CORE_UTILIZATION_POLICY", "DISABLE"))).isTrue();
        assertThat(ComputeConfig.sharesDisabled(Map.of("GPU_CORE_UTILIZATION_POLICY", "force"))).isFalse();
    }

    @Test
    void bad_values_name_the_variable_and_the_fix() {
        assertThatThrownBy(() -> ComputeConfig.fromEnvironment(Map.of("CUDA_DEVICE_SM_LIMIT", "30%")))
                .hasMessageContaining("CUDA_DEVICE_SM_LIMIT=30%").hasMessageContaining("whole number");
        assertThatThrownBy(() -> ComputeConfig.fromEnvironment(Map.of("CUDA_DEVICE_SM_LIMIT_x", "30")))
                .hasMessageContaining("CUDA_DEVICE_SM_LIMIT_x").hasMessageContaining("device index");
        assertThatThrownBy(() -> ComputeConfig.fromEnvironment(Map.of("CUDA_TASK_PRIORITY", "urgent")))
                .hasMessageContaining("CUDA_TASK_PRIORITY=urgent").hasMessageContaining("high");
        assertThatThrownBy(() -> ComputeConfig.fromEnvironment(Map.of("GPU_CORE_UTILIZATION_POLICY", "max")))
                .hasMessageContaining("default, force or disable");
    }
}
