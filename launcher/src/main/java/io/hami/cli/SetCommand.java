package io.hami.cli;

import static io.hami.region.RegionLayout.DEVICE_CAPACITY;

import io.hami.limits.ByteSize;
import io.hami.region.Region;
import io.hami.region.TenantSettings;
import io.hami.region.TenantSettings.Applied;
import io.hami.region.TenantSettings.NoSuchTenantException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code hami-run set}: changes a tenant's limits in place; its running processes see them on their next call. */
@Command(
        name = "set",
        mixinStandardHelpOptions = true,
        versionProvider = HamiRun.Version.class,
        sortOptions = false,
        header = "Change a tenant's memory limits, SM shares or priority while it runs.",
        description = {
            "",
            "The change is stored in the region at once; the tenant's running processes read it on their next "
                    + "allocation or memory query, new processes start with it. Options left out stay as they are. "
                    + "A memory limit may be lowered below what the tenant uses: nothing allocated is touched, new "
                    + "allocations are refused (CUDA_ERROR_OUT_OF_MEMORY) until usage falls below it.",
            "",
            "SM shares and priorities are recorded for the compute limiter; this version shows them but does not "
                    + "enforce them yet (docs/cli.md).",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            RegionCommand.EXIT_OK,
            "1:no region at PATH, or no tenant NAME in it (hami-run status lists the tenants); nothing changed",
            RegionCommand.EXIT_FAILED,
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  hami-run set --tenant team-a --memory 6g",
            "  hami-run set --tenant team-a --device-memory 0=20g,1=0 --priority high",
            "      (GPU 0: 20 GiB, GPU 1: no limit, the other GPUs unchanged)",
            "  hami-run set --tenant job-4242 --sm 30",
        })
final class SetCommand extends RegionCommand {
    private static final long UNCHANGED = TenantSettings.UNCHANGED;

    /** One {@code DEV=VALUE} item. */
    record DeviceValue(int device, long value) {}

    @Option(names = "--tenant", paramLabel = "NAME", required = true, converter = Converters.TenantName.class,
            description = "The tenant to change (hami-run status lists them).")
    String tenant;

    @Option(names = "--memory", paramLabel = "SIZE", converter = Size.class,
            description = "Memory limit on every GPU, e.g. 6g or 512m (binary units); 0 removes the limit.")
    Long memory;

    @Option(names = "--device-memory", paramLabel = "DEV=SIZE", split = ",", converter = DeviceSize.class,
            description = "Memory limit on single GPUs, e.g. 0=6g,1=4g (DEV 0-15 as the program sees it after "
                    + "CUDA_VISIBLE_DEVICES); overrides --memory for those GPUs; SIZE 0 removes the limit.")
    List<DeviceValue> deviceMemory;

    @Option(names = "--sm", paramLabel = "PERCENT", converter = Percent.class,
            description = "SM share on every GPU, 1-100 percent; 0 removes it.")
    Integer sm;

    @Option(names = "--device-sm", paramLabel = "DEV=PERCENT", split = ",", converter = DevicePercent.class,
            description = "SM share on single GPUs, e.g. 0=30,1=50; overrides --sm for those GPUs.")
    List<DeviceValue> deviceSm;

    @Option(names = "--priority", paramLabel = "LEVEL", converter = PriorityLevel.class,
            description = "high, normal or low.")
    Integer priority;

    @Override
    int run() throws LaunchException {
        long[] limits = perDevice(memory, deviceMemory, "--device-memory", "0=6g,1=4g");
        long[] shares = perDevice(sm == null ? null : sm.longValue(), deviceSm, "--device-sm", "0=30,1=50");
        if (limits == null && shares == null && priority == null) {
            throw new LaunchException(ExitCodes.FAILED, "nothing to change for tenant '" + tenant + "': give "
                    + "--memory, --device-memory, --sm, --device-sm or --priority (hami-run set --help)");
        }
        try (Region shared = openRegion()) {
            Applied applied;
            try {
                applied = TenantSettings.apply(shared, tenant, limits, shares, priority);
            } catch (NoSuchTenantException e) {
                throw new LaunchException(NOT_FOUND, e.endedMeanwhile()
                        ? "tenant '" + tenant + "' ended while it was being changed: nothing to change any more"
                        : "no tenant '" + tenant + "' in region " + shared.path() + ": 'hami-run status --region "
                                + shared.path() + "' lists its tenants (names are case-sensitive)");
            }
            List<String> report = new ArrayList<>();
            if (limits != null) {
                report.addAll(limitReport(applied, limits));
            }
            if (shares != null) {
                report.addAll(describe(shares, applied.oldShares(), value -> value == 0 ? "no SM share"
                        : "SM share " + value + "%", value -> Formats.smShare((int) value)));
            }
            if (priority != null) {
                report.add(prefix() + "priority " + Formats.priority(priority) + was(
                        Formats.priority(applied.oldPriority()), Formats.priority(priority)));
            }
            PrintWriter out = out();
            report.forEach(out::println);
            out.flush();
        }
        return 0;
    }

    private String prefix() {
        return "tenant " + tenant + ": ";
    }

    private static String was(String old, String now) {
        return old.equals(now) ? " (unchanged)" : " (was " + old + ")";
    }

    private List<String> limitReport(Applied applied, long[] limits) {
        List<String> report = describe(limits, applied.oldLimits(), value -> value == 0 ? "no memory limit"
                : "memory limit " + Formats.size(value), Formats::limit);
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            long used = applied.used()[d];
            if (limits[d] != UNCHANGED && limits[d] != 0 && used > limits[d]) {
                report.add(prefix() + Formats.size(used) + " in use on device " + d + ", above the new limit: new "
                        + "allocations there are refused until usage falls below it");
            }
        }
        if (!applied.limitedBefore() && applied.limitedNow()) {
            // a process started without any limit never booted the hooks (it pays only for the preload)
            report.add(prefix() + "it had no memory limit, so processes it started before now run without hooks and "
                    + "stay unlimited; processes started from now on get the limit");
        }
        return report;
    }

    /** One line per run of consecutive changed devices with the same old and new value. */
    private List<String> describe(long[] now, long[] old, LongFunction<String> what,
            LongFunction<String> value) {
        List<String> lines = new ArrayList<>();
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            if (now[d] == UNCHANGED) {
                continue;
            }
            int last = d;
            while (last + 1 < DEVICE_CAPACITY && now[last + 1] == now[d] && old[last + 1] == old[d]) {
                last++;
            }
            String where = d == 0 && last == DEVICE_CAPACITY - 1 ? "every device"
                    : d == last ? "device " + d : "devices " + d + "-" + last;
            lines.add(prefix() + what.apply(now[d]) + " on " + where + was(value.apply(old[d]), value.apply(now[d])));
            d = last;
        }
        return lines;
    }

    /**
     * The values per device that the flags ask for ({@link #UNCHANGED} where they say nothing), or null when neither
     * flag was given.
     */
    static long[] perDevice(Long all, List<DeviceValue> devices, String flag, String example)
            throws LaunchException {
        if (all == null && (devices == null || devices.isEmpty())) {
            return null;
        }
        long[] values = new long[DEVICE_CAPACITY];
        Arrays.fill(values, all == null ? UNCHANGED : all);
        boolean[] seen = new boolean[DEVICE_CAPACITY];
        for (DeviceValue item : devices == null ? List.<DeviceValue>of() : devices) {
            if (seen[item.device()]) {
                throw new LaunchException(ExitCodes.FAILED, flag + " names device " + item.device()
                        + " twice: give each device one value, e.g. " + flag + " " + example);
            }
            seen[item.device()] = true;
            values[item.device()] = item.value();
        }
        return values;
    }

    // ---- converters: each message names the problem and the fix ------------------------------------------------

    /** A memory size, 0 allowed (it removes the limit). */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return size(value);
        }
    }

    static final class DeviceSize implements ITypeConverter<DeviceValue> {
        @Override
        public DeviceValue convert(String value) {
            return deviceValue(value, "0=6g,1=4g", SetCommand::size);
        }
    }

    static final class Percent implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return percent(value);
        }
    }

    static final class DevicePercent implements ITypeConverter<DeviceValue> {
        @Override
        public DeviceValue convert(String value) {
            return deviceValue(value, "0=30,1=50", v -> (long) percent(v));
        }
    }

    static final class PriorityLevel implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "high" -> Region.PRIORITY_HIGH;
                case "normal" -> Region.PRIORITY_NORMAL;
                case "low" -> Region.PRIORITY_LOW;
                default -> throw new TypeConversionException("'" + value + "' is not a priority: use high, normal "
                        + "or low");
            };
        }
    }

    static long size(String value) {
        if (value.strip().startsWith("-")) {
            throw new TypeConversionException("'" + value + "' is negative: give a size, e.g. 6g, or 0 to remove "
                    + "the limit");
        }
        try {
            return ByteSize.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static int percent(String value) {
        int percent;
        try {
            percent = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            percent = -1;
        }
        if (percent < 0 || percent > 100) {
            throw new TypeConversionException("'" + value + "' is not an SM share: give a percent of 1-100, or 0 to "
                    + "remove it");
        }
        return percent;
    }

    private static DeviceValue deviceValue(String value, String example, Function<String, Long> parse) {
        int eq = value.indexOf('=');
        if (eq < 0) {
            throw new TypeConversionException("'" + value + "' is not DEV=VALUE: write e.g. " + example);
        }
        String index = value.substring(0, eq).strip();
        int device = index.isEmpty() || !index.chars().allMatch(Character::isDigit) || index.length() > 2 ? -1
                : Integer.parseInt(index);
        if (device < 0 || device >= DEVICE_CAPACITY) {
            throw new TypeConversionException("device index '" + index + "' in '" + value + "' is not one of 0-"
                    + (DEVICE_CAPACITY - 1) + ": use the index the program sees after CUDA_VISIBLE_DEVICES, e.g. "
                    + example);
        }
        return new DeviceValue(device, parse.apply(value.substring(eq + 1)));
    }
}
