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
 * The NVML this process needs for compute sharing: a device's busy time and DRAM bandwidth utilization from GPM
 * (Hopper and later), between two samples. Loaded at run time; a machine without NVML or GPM simply has no measurement.
 */
public final class Nvml {
    private static final int SUCCESS = 0;
    /** nvmlGpmMetricId_t NVML_GPM_METRIC_GRAPHICS_UTIL: percent of the time any kernel ran. */
    static final int GRAPHICS_UTIL = 1;
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

    /**
     * What GPM measured on a device between two samples, in percent: the time any kernel ran (NVML's "graphics
     * utilization") and the DRAM bandwidth used; -1 where there is no reading.
     */
    public record Reading(double busy, double dram) {
        public static final Reading NONE = new Reading(-1, -1);
    }

    /** One device's GPM counters, sampled between successive calls of {@link #read}. */
    public final class Gpm {
        private final MemorySegment device;
        private final MemorySegment get = arena.allocate(METRICS_LENGTH, 8);
        private MemorySegment previous;
        private MemorySegment current;
        private boolean primed;

        Gpm(MemorySegment device, MemorySegment first, MemorySegment second) {
            this.device = device;
            this.previous = first;
            this.current = second;
        }

        /** What the device did since the last call; {@link Reading#NONE} on the first call or a failure. */
        public Reading read() {
            try {
                if (!primed) { // the first sample only opens the interval: a reading needs two apart
                    primed = (int) sampleGet.invokeExact(device, previous) == SUCCESS;
                    return Reading.NONE;
                }
                if ((int) sampleGet.invokeExact(device, current) != SUCCESS) {
                    return Reading.NONE;
                }
                get.fill((byte) 0);
                get.set(ValueLayout.JAVA_INT, 0, METRICS_GET_VERSION);
                get.set(ValueLayout.JAVA_INT, 4, 2);
                get.set(ValueLayout.ADDRESS, 8, previous);
                get.set(ValueLayout.ADDRESS, 16, current);
                get.set(ValueLayout.JAVA_INT, METRICS_OFFSET, GRAPHICS_UTIL);
                get.set(ValueLayout.JAVA_INT, METRICS_OFFSET + METRIC_LENGTH, DRAM_BW_UTIL);
                MemorySegment swap = previous;
                previous = current;
                current = swap;
                if ((int) metricsGet.invokeExact(get) != SUCCESS) {
                    return Reading.NONE;
                }
                return new Reading(metric(0), metric(1));
            } catch (Throwable t) {
                return Reading.NONE;
            }
        }

        private double metric(int index) {
            long at = METRICS_OFFSET + (long) index * METRIC_LENGTH;
            if (get.get(ValueLayout.JAVA_INT, at + 4) != SUCCESS) {
                return -1;
            }
            double percent = get.get(ValueLayout.JAVA_DOUBLE, at + 8);
            return percent >= 0 && percent <= 100 ? percent : -1; // NaN or nonsense: no reading
        }
    }

    /** The GPM counters of the device with this UUID ({@code GPU-…}), or empty where GPM is not supported. */
    public Optional<Gpm> gpm(String uuid) {
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
            Gpm gpm = new Gpm(handle.get(ValueLayout.ADDRESS, 0), samples[0], samples[1]);
            gpm.read(); // the first sample; one that fails means no GPM here (before Hopper)
            return gpm.primed ? Optional.of(gpm) : Optional.empty();
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
