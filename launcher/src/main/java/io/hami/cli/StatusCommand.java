package io.hami.cli;

import io.hami.region.Region;
import io.hami.region.RegionSnapshot;
import io.hami.sched.Nvml.Reading;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code hami-run status}: every tenant and process of a region, once. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = HamiRun.Version.class,
        sortOptions = false,
        header = "Show the tenants and processes of a region, once.",
        description = {
            "",
            "Every active tenant (memory used and limit per device, SM share, priority, live processes) and every "
                    + "process slot (pid, state, tenant, memory in use per device, command). Only devices with a "
                    + "limit, usage or SM share are shown; devices that read alike share one row (1-15). A dead "
                    + "process keeps its row, and its memory stays charged to its tenant, until a hami-ffm process "
                    + "reclaims its slot (any that starts, and every running one within seconds). Reads only: "
                    + "changes nothing in the region.",
            "",
            "Each GPU of the region is measured over --sample-ms: BUSY, the percent of the time any kernel ran, "
                    + "and DRAM, the percent of its theoretical memory bandwidth used (NVML GPM: Hopper or later, "
                    + "with the driver's libnvidia-ml; '-' elsewhere). Tenants' compute counters (launches, their "
                    + "GPU time and its part of the device's, throttled launches and their wait, bandwidth limit) "
                    + "are shown once a launch went through the compute gate.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {RegionCommand.EXIT_OK, RegionCommand.EXIT_NO_REGION, RegionCommand.EXIT_FAILED},
        footerHeading = "%nSee also:%n",
        footer = {
            "  hami-run top (the same, live), hami-run set (change a tenant's limits),",
            "  docs/cli.md",
        })
final class StatusCommand extends RegionCommand {
    @Option(names = "--json", description = "Machine-readable JSON (format 1, described in docs/cli.md).")
    boolean json;

    @Option(names = "--sample-ms", paramLabel = "MS", defaultValue = "100", converter = SampleMillis.class,
            description = "Milliseconds over which each GPU's busy time and DRAM bandwidth are measured, 0-10000; "
                    + "0: not measured (default: ${DEFAULT-VALUE}).")
    int sampleMillis;

    /** How the GPUs are measured: NVML GPM, or a test's readings. */
    Supplier<DeviceMeter> meters = DeviceMeter::gpm;
    /** How the sample is waited for: a test's clock, or the real one. */
    Sleeper sleeper = Thread::sleep;

    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    @Override
    int run() throws LaunchException {
        RegionSnapshot snapshot;
        try (Region shared = openRegion()) {
            snapshot = RegionSnapshot.of(shared);
        }
        Map<Integer, Reading> readings = measure(snapshot.devices());
        PrintWriter out = out();
        if (json) {
            out.print(StatusJson.of(snapshot, readings == null ? Map.of() : readings));
        } else {
            new StatusView(Formats.ellipsis(System.out.charset())).lines(snapshot, readings).forEach(out::println);
        }
        out.flush();
        return 0;
    }

    /** What the devices did over the sample; null when not asked to measure, no wait when nothing can be measured. */
    private Map<Integer, Reading> measure(List<RegionSnapshot.Device> devices) {
        if (sampleMillis == 0) {
            return null;
        }
        if (devices.isEmpty()) {
            return Map.of();
        }
        DeviceMeter meter = meters.get();
        Map<Integer, Reading> opened = meter.read(devices);
        if (opened.isEmpty()) { // no NVML or no GPM here: nothing to wait for
            return opened;
        }
        try {
            sleeper.sleep(sampleMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
        return meter.read(devices);
    }

    /** Milliseconds of a sample: 0 to 10000. */
    static final class SampleMillis implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int millis;
            try {
                millis = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                millis = -1;
            }
            if (millis < 0 || millis > 10_000) {
                throw new TypeConversionException("'" + value + "' is not a sample time: give milliseconds from 0 "
                        + "to 10000, e.g. 100 (0: do not measure the GPUs)");
            }
            return millis;
        }
    }
}
