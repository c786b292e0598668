package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hami.cli.MemoryLimits.DeviceLimit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLimitsTest {
    private static final long GIB = 1L << 30;

    private static long[] all(long bytes) {
        long[] limits = new long[16];
        Arrays.fill(limits, bytes);
        return limits;
    }

    @Test
    void noFlagsAskForNothing() throws LaunchException {
        assertThat(MemoryLimits.requested(null, null)).isNull();
        assertThat(MemoryLimits.requested(null, List.of())).isNull();
    }

    @Test
    void memoryAppliesToEveryDeviceAndDevicesOverride() throws LaunchException {
        assertThat(MemoryLimits.requested(8 * GIB, null)).isEqualTo(all(8 * GIB));
        long[] limits = MemoryLimits.requested(8 * GIB, List.of(new DeviceLimit(3, GIB)));
        assertThat(limits[3]).isEqualTo(GIB);
        assertThat(limits[2]).isEqualTo(8 * GIB);
        long[] only = MemoryLimits.requested(null, List.of(new DeviceLimit(15, GIB)));
        assertThat(only[15]).isEqualTo(GIB);
        assertThat(only[0]).isZero();
    }

    @Test
    void aDeviceNamedTwiceIsAnError() {
        assertThatThrownBy(() -> MemoryLimits.requested(null, List.of(new DeviceLimit(1, 1), new DeviceLimit(1, 2))))
                .isInstanceOf(LaunchException.class).hasMessageContaining("device 1 twice");
    }

    @Test
    void environmentOfOneSizeForAll() {
        assertThat(MemoryLimits.environment(all(8 * GIB)))
                .containsExactly(java.util.Map.entry("CUDA_DEVICE_MEMORY_LIMIT", "8589934592"));
    }

    @Test
    void environmentOfNoLimitIsEmpty() {
        assertThat(MemoryLimits.environment(new long[16])).isEmpty();
    }

    @Test
    void environmentWithOverrides() {
        long[] limits = all(8 * GIB);
        limits[1] = 4 * GIB;
        limits[2] = 0;
        assertThat(MemoryLimits.environment(limits))
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT", "8589934592")
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT_1", "4294967296")
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT_2", "0")
                .hasSize(3);
    }

    @Test
    void environmentOfSingleDevices() {
        long[] limits = new long[16];
        limits[0] = 8 * GIB;
        limits[1] = 4 * GIB;
        assertThat(MemoryLimits.environment(limits))
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT_0", "8589934592")
                .containsEntry("CUDA_DEVICE_MEMORY_LIMIT_1", "4294967296")
                .hasSize(2);
    }

    @Test
    void describeSpeaksInFlags() {
        assertThat(MemoryLimits.describe(new long[16])).isEqualTo("no memory limit");
        assertThat(MemoryLimits.describe(all(8 * GIB))).isEqualTo("--memory 8g");
        long[] mixed = all(8 * GIB);
        mixed[1] = 1536L << 20;
        mixed[2] = 0;
        assertThat(MemoryLimits.describe(mixed)).isEqualTo("--memory 8g --device-memory 1=1536m (no limit on device 2)");
        long[] single = new long[16];
        single[0] = 1000;
        assertThat(MemoryLimits.describe(single)).isEqualTo("--device-memory 0=1000");
    }

    @Test
    void sizesAreExactAndReadBack() {
        assertThat(MemoryLimits.size(8 * GIB)).isEqualTo("8g");
        assertThat(MemoryLimits.size(8 * GIB + 1)).isEqualTo("8589934593");
        assertThat(MemoryLimits.size(2L << 40)).isEqualTo("2t");
        assertThat(MemoryLimits.size(3 << 10)).isEqualTo("3k");
        for (long bytes : new long[] {1, 1023, 1024, 8 * GIB + 4096, 1L << 50}) {
            assertThat(io.hami.limits.ByteSize.parse(MemoryLimits.size(bytes))).isEqualTo(bytes);
        }
    }
}
