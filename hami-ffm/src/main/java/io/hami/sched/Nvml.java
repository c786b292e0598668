package io.hami.sched;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The NVML this process needs for bandwidth limits: a device's DRAM bandwidth utilization from GPM (Hopper and
 * later), between two samples. Loaded at run time; a machine without NVML or GPM simply has no measurement.
 */
public final class Nvml {
    private static final int SUCCESS = 0;
    /** nvmlGpmMetricId_t NVML_GPM_METRIC_DRAM_BW_UTIL: percent of the theoretical DRAM bandwidth. */
    static final int DRAM_BW_UTIL = 10;
    /** nvmlGpmMetricsGet_t: version, numMetrics, sample1, sample2, then nvmlGpmMetric_t[] of 40 bytes each. */
    private static final int METRICS_GET_VERSION = 1;
    private static final int METRICS_OFFSET = 24;
    private static final int METRIC_LENGTH = 40;
    private static final int METRICS_LENGTH = METRICS_OFFSET + 256 * METRIC_LENGTH;

    private final MethodHandle byUuid;
    private final MethodHandle sampleAlloc;
    private final MethodHandle sampleGet;
    private final MethodHandle metricsGet;
    private final Arena arena = Arena.ofShared();

    private Nvml(SymbolLookup nvml) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle init = linker.downcallHandle(nvml.find("nvmlInit_v2").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        if ((int) init.invokeExact() != SUCCESS) {
            throw new IllegalStateException("nvmlInit_v2 failed");
        }
        byUuid = linker.downcallHandle(nvml.find("nvmlDeviceGetHandleByUUID").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        sampleAlloc = linker.downcallHandle(nvml.find("nvmlGpmSampleAlloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        sampleGet = linker.downcallHandle(nvml.find("nvmlGpmSampleGet").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        metricsGet = linker.downcallHandle(nvml.find("nvmlGpmMetricsGet").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    /** NVML with GPM, or empty where there is none (no driver library, an older driver). */
    public static Optional<Nvml> load() {
        try {
            return Optional.of(new Nvml(SymbolLookup.libraryLookup("libnvidia-ml.so.1", Arena.global())));
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    /** One device's DRAM bandwidth, sampled between successive calls of {@link #percent}. */
    public final class DramBandwidth {
        private final MemorySegment device;
        private final MemorySegment get = arena.allocate(METRICS_LENGTH, 8);
        private MemorySegment previous;
        private MemorySegment current;
        private boolean primed;

        DramBandwidth(MemorySegment device, MemorySegment first, MemorySegment second) {
            this.device = device;
            this.previous = first;
            this.current = second;
        }

        /** Percent of the device's DRAM bandwidth used since the last call; -1 on the first call or a failure. */
        public double percent() {
            try {
                if (!primed) { // the first sample only opens the interval: a reading needs two apart
                    primed = (int) sampleGet.invokeExact(device, previous) == SUCCESS;
                    return -1;
                }
                if ((int) sampleGet.invokeExact(device, current) != SUCCESS) {
                    return -1;
                }
                get.fill((byte) 0);
                get.set(ValueLayout.JAVA_INT, 0, METRICS_GET_VERSION);
                get.set(ValueLayout.JAVA_INT, 4, 1);
                get.set(ValueLayout.ADDRESS, 8, previous);
                get.set(ValueLayout.ADDRESS, 16, current);
                get.set(ValueLayout.JAVA_INT, METRICS_OFFSET, DRAM_BW_UTIL);
                MemorySegment swap = previous;
                previous = current;
                current = swap;
                if ((int) metricsGet.invokeExact(get) != SUCCESS
                        || get.get(ValueLayout.JAVA_INT, METRICS_OFFSET + 4) != SUCCESS) {
                    return -1;
                }
                double percent = get.get(ValueLayout.JAVA_DOUBLE, METRICS_OFFSET + 8);
                return percent >= 0 && percent <= 100 ? percent : -1; // NaN or nonsense: no reading
            } catch (Throwable t) {
                return -1;
            }
        }
    }

    /** The DRAM bandwidth of the device with this UUID ({@code GPU-…}), or empty where GPM is not supported. */
    public Optional<DramBandwidth> dramBandwidth(String uuid) {
        try {
            MemorySegment handle = arena.allocate(ValueLayout.ADDRESS);
            if ((int) byUuid.invokeExact(arena.allocateFrom(uuid), handle) != SUCCESS) {
                return Optional.empty();
            }
            MemorySegment[] samples = new MemorySegment[2];
            for (int i = 0; i < 2; i++) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                if ((int) sampleAlloc.invokeExact(out) != SUCCESS) {
                    return Optional.empty();
                }
                samples[i] = out.get(ValueLayout.ADDRESS, 0);
            }
            DramBandwidth bandwidth = new DramBandwidth(handle.get(ValueLayout.ADDRESS, 0), samples[0], samples[1]);
            bandwidth.percent(); // the first sample; one that fails means no GPM here (before Hopper)
            return bandwidth.primed ? Optional.of(bandwidth) : Optional.empty();
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
