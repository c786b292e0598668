package io.hami.cli;

import io.hami.region.Region;
import io.hami.region.RegionSnapshot;
import io.hami.sched.Nvml.Reading;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code hami-run top}: {@code status}, redrawn in place every interval until {@code q}. */
@Command(
        name = "top",
        mixinStandardHelpOptions = true,
        versionProvider = HamiRun.Version.class,
        sortOptions = false,
        header = "Show the tenants and processes of a region live.",
        description = {
            "",
            "The view of hami-run status, redrawn in place every interval on the terminal's alternate screen, "
                    + "80 columns wide. Keys: q (or Ctrl-C, Ctrl-D) quits, any other key redraws at once. When "
                    + "standard input and output are not both a terminal, top prints one frame, without escape "
                    + "sequences, and exits.",
            "",
            "On a terminal each GPU's BUSY and DRAM percent are measured between one frame and the next (NVML "
                    + "GPM: Hopper or later); the first frame, and a GPU without GPM, show '-'. The single frame "
                    + "without a terminal measures nothing (use hami-run status).",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {RegionCommand.EXIT_OK, RegionCommand.EXIT_NO_REGION, RegionCommand.EXIT_FAILED},
        footerHeading = "%nSee also:%n",
        footer = {
            "  hami-run status (once, or --json), hami-run set (change a tenant's limits),",
            "  docs/cli.md",
        })
final class TopCommand extends RegionCommand {
    static final String HOME = "\033[H";
    static final String CLEAR_LINE = "\033[K";
    static final String CLEAR_BELOW = "\033[J";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** Where live frames go: the real terminal, or a test's. */
    interface Screen extends AutoCloseable {
        /** Rows of the terminal, 0 when unknown. */
        int rows();

        /** Columns of the terminal, 0 when unknown. */
        int columns();

        /** The next key pressed within {@code timeoutMillis}, or -1. */
        int nextKey(long timeoutMillis) throws InterruptedException;

        @Override
        void close();
    }

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", converter = Seconds.class,
            description = "Seconds between frames, 0.1-3600 (default: ${DEFAULT-VALUE}).")
    BigDecimal interval;

    /** Whether stdout (and stdin) is a terminal: then top is live, else it prints one frame. */
    BooleanSupplier interactive = () -> System.console() != null;
    Function<PrintWriter, Screen> screens = Terminal::open;
    ZoneId zone = ZoneId.systemDefault();
    /** How the GPUs are measured: NVML GPM, or a test's readings. */
    Supplier<DeviceMeter> meters = DeviceMeter::gpm;

    @Override
    int run() throws LaunchException {
        try (Region shared = openRegion()) {
            PrintWriter out = out();
            StatusView view = new StatusView(Formats.ellipsis(System.out.charset()));
            if (!interactive.getAsBoolean()) { // one frame has no interval to measure over: no GPU is measured
                frame(shared, view, null, false).forEach(out::println);
                out.flush();
                return 0;
            }
            DeviceMeter meter = meters.get(); // loads nothing until a frame has devices
            try (Screen screen = screens.apply(out)) {
                long millis = interval.movePointRight(3).longValue();
                while (true) {
                    draw(out, fit(frame(shared, view, meter, true), screen.rows(), screen.columns()));
                    int key = screen.nextKey(millis);
                    if (key == 'q' || key == 'Q' || key == 3 || key == 4) { // Ctrl-C and Ctrl-D arrive as keys
                        return 0;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
    }

    /** One frame; the devices are measured over the time since the previous frame (not at all without a meter). */
    private List<String> frame(Region shared, StatusView view, DeviceMeter meter, boolean live) {
        RegionSnapshot snapshot = RegionSnapshot.of(shared);
        Map<Integer, Reading> readings = meter == null ? null : meter.read(snapshot.devices());
        LocalTime time = LocalTime.ofInstant(Instant.ofEpochMilli(snapshot.takenMillis()), zone)
                .truncatedTo(ChronoUnit.SECONDS);
        List<String> lines = new ArrayList<>();
        lines.add("hami-run top  " + CLOCK.format(time)
                + (live ? "  every " + interval.stripTrailingZeros().toPlainString() + " s  (q quits)" : ""));
        lines.addAll(view.lines(snapshot, readings));
        return lines;
    }

    /** At most {@code rows} lines of at most {@code columns}: a terminal too small keeps its top rows, and says so. */
    static List<String> fit(List<String> lines, int rows, int columns) {
        List<String> fitted = new ArrayList<>(lines);
        if (rows > 0 && fitted.size() > rows) {
            int hidden = fitted.size() - (rows - 1);
            fitted = new ArrayList<>(fitted.subList(0, rows - 1));
            fitted.add("(" + hidden + " more lines: enlarge the terminal, or use hami-run status)");
        }
        if (columns > 0) {
            fitted.replaceAll(line -> Formats.columns(line) <= columns ? line
                    : line.substring(0, line.offsetByCodePoints(0, columns)));
        }
        return fitted;
    }

    /** Home, each line over the old one (cleared to its end), then the rest of the old frame cleared: no flicker. */
    private static void draw(PrintWriter out, List<String> lines) {
        StringBuilder frame = new StringBuilder(HOME);
        for (int i = 0; i < lines.size(); i++) {
            frame.append(lines.get(i)).append(CLEAR_LINE).append(i + 1 < lines.size() ? "\n" : "");
        }
        out.print(frame.append(CLEAR_BELOW));
        out.flush();
    }

    /** Seconds between frames: 0.1 to 3600. */
    static final class Seconds implements ITypeConverter<BigDecimal> {
        private static final BigDecimal MIN = new BigDecimal("0.1");
        private static final BigDecimal MAX = BigDecimal.valueOf(3600);

        @Override
        public BigDecimal convert(String value) {
            BigDecimal seconds;
            try {
                seconds = new BigDecimal(value.strip());
            } catch (NumberFormatException e) {
                seconds = null;
            }
            if (seconds == null || seconds.compareTo(MIN) < 0 || seconds.compareTo(MAX) > 0) {
                throw new TypeConversionException("'" + value + "' is not an interval: give seconds from 0.1 to "
                        + "3600, e.g. 2 or 0.5");
            }
            return seconds;
        }
    }
}
