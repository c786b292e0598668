package io.hami.cli;

import io.hami.region.RegionSnapshot.Device;
import io.hami.sched.Nvml;
import io.hami.sched.Nvml.Reading;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What each region device measures of itself between two calls: the time any kernel ran and the DRAM bandwidth used,
 * in percent (NVML GPM, Hopper and later). {@code status} and {@code top} see it only through this interface, so
 * tests hand them readings and a machine without NVML simply has none.
 */
interface DeviceMeter {
    /** Measures nothing: {@code status --sample-ms 0}. */
    DeviceMeter NONE = devices -> Map.of();

    /**
     * What each of these devices did since this meter's previous call, by region device index. A device being
     * measured is in the map ({@link Reading#NONE} on the call that only opens its interval, or when a read failed);
     * a device that cannot be measured (no NVML, no GPM, a GPU this host lacks) is absent. Never throws.
     */
    Map<Integer, Reading> read(List<Device> devices);

    /** The real meter: NVML is loaded on the first call that names a device, never before. */
    static DeviceMeter gpm() {
        return new Gpm(Nvml::load);
    }

    /** GPM counters per GPU, opened on first sight and kept, so each call reads the interval since the last. */
    final class Gpm implements DeviceMeter {
        private final Supplier<Optional<Nvml>> loader;
        /** Null until the first call with a device; empty for good once loading failed. */
        private Optional<Nvml> nvml;
        private final Map<String, Optional<Nvml.Gpm>> counters = new HashMap<>();

        Gpm(Supplier<Optional<Nvml>> loader) {
            this.loader = loader;
        }

        @Override
        public Map<Integer, Reading> read(List<Device> devices) {
            if (devices.isEmpty()) {
                return Map.of();
            }
            if (nvml == null) {
                nvml = loader.get();
            }
            if (nvml.isEmpty()) {
                return Map.of();
            }
            Map<Integer, Reading> readings = new TreeMap<>();
            for (Device device : devices) {
                boolean opened = counters.containsKey(device.uuid());
                // Nvml.gpm takes the first sample itself: reading it at once would measure a zero-length interval
                Optional<Nvml.Gpm> gpm = counters.computeIfAbsent(device.uuid(), nvml.get()::gpm);
                gpm.ifPresent(g -> readings.put(device.index(), opened ? g.read() : Reading.NONE));
            }
            return readings;
        }
    }
}
