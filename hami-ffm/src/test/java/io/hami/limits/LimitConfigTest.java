package io.hami.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hami.region.Region;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitConfigTest {
    @Test
    void hami_names_and_meanings() {
        LimitConfig config = LimitConfig.fromEnvironment(Map.of("CUDA_DEVICE_MEMORY_LIMIT", "4g",
                "CUDA_DEVICE_MEMORY_LIMIT_1", "1024m", "CUDA_DEVICE_MEMORY_SHARED_CACHE", "/tmp/x.region"));
        assertThat(config.limits()[0]).isEqualTo(4L << 30);
        assertThat(config.limits()[1]).isEqualTo(1L << 30);
        assertThat(config.limits()[15]).isEqualTo(4L << 30);
        assertThat(config.region()).isEqualTo(Path.of("/tmp/x.region"));
        assertThat(config.tenant()).isEqualTo(LimitConfig.DEFAULT_TENANT);
        assertThat(config.limited()).isTrue();
    }

    @Test
    void zero_means_no_limit_and_no_variables_mean_the_default_region() {
        LimitConfig config = LimitConfig.fromEnvironment(Map.of("CUDA_DEVICE_MEMORY_LIMIT", "0"));
        assertThat(config.limited()).isFalse();
        assertThat(LimitConfig.fromEnvironment(Map.of()).region()).isEqualTo(Region.DEFAULT_PATH);
    }

    @Test
    void cuda_disable_control_true_turns_every_limit_off_as_hami_reads_it() {
        for (String truth : new String[] {"true", "1", "TRUE", "True", "t"}) {
            LimitConfig config = LimitConfig.fromEnvironment(Map.of("CUDA_DEVICE_MEMORY_LIMIT", "4g",
                    "CUDA_DEVICE_MEMORY_LIMIT_1", "not a size", "CUDA_DISABLE_CONTROL", truth));
            assertThat(config.limited()).as("CUDA_DISABLE_CONTROL=%s", truth).isFalse();
        }
        for (String other : new String[] {"false", "0", "yes", ""}) {
            LimitConfig config = LimitConfig.fromEnvironment(Map.of("CUDA_DEVICE_MEMORY_LIMIT", "4g",
                    "CUDA_DISABLE_CONTROL", other));
            assertThat(config.limits()[0]).as("CUDA_DISABLE_CONTROL=%s", other).isEqualTo(4L << 30);
        }
    }

    @Test
    void hami_run_names_the_tenant() {
        assertThat(LimitConfig.fromEnvironment(Map.of("HAMI_TENANT", "job-42")).tenant()).isEqualTo("job-42");
        assertThatThrownBy(() -> LimitConfig.fromEnvironment(Map.of("HAMI_TENANT", "no spaces")))
                .hasMessageContaining("HAMI_TENANT");
    }

    @Test
    void bad_values_name_the_variable() {
        assertThatThrownBy(() -> LimitConfig.fromEnvironment(Map.of("CUDA_DEVICE_MEMORY_LIMIT", "10xb")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CUDA_DEVICE_MEMORY_LIMIT=10xb");
        assertThatThrownBy(() -> LimitConfig.fromEnvironment(Map.of("CUDA_DEVICE_MEMORY_LIMIT_16", "1g")))
                .hasMessageContaining("CUDA_DEVICE_MEMORY_LIMIT_16");
        assertThatThrownBy(() -> LimitConfig.fromEnvironment(Map.of("CUDA_DEVICE_MEMORY_LIMIT_x", "1g")))
                .hasMessageContaining("not a device index");
    }
}
