package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import io.hami.sched.Nvml.Reading;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hami-run top}: one plain frame without a terminal; frames in place on one, until q. */
class TopCommandTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path root;

    FakeHost host;
    Path path;

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(root);
        path = root.resolve("test.region");
        try (Region region = Region.openOrCreate(path)) {
            region.findOrCreateTenant("team-a", ForgedRegion.everywhere(GIB), false);
        }
    }

    /** A terminal that hands out scripted keys (-1: the interval passed) and records what top asked of it. */
    static final class FakeScreen implements TopCommand.Screen {
        final Deque<Integer> keys = new ArrayDeque<>();
        final List<Long> waits = new ArrayList<>();
        int rows;
        int columns;
        boolean closed;

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int columns() {
            return columns;
        }

        @Override
        public int nextKey(long timeoutMillis) {
            waits.add(timeoutMillis);
            return keys.isEmpty() ? 'q' : keys.poll();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The meter top is given; null fails the run, so a test that expects none sets it so. */
    StatusCommandTest.FakeMeter meter = new StatusCommandTest.FakeMeter(List.of());
    int metersMade;

    private CliRun top(boolean terminal, FakeScreen screen, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "top";
        all[1] = "--region";
        all[2] = path.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return CliRun.run(host, (CommandLine cli) -> {
            TopCommand top = cli.getSubcommands().get("top").getCommand();
            top.interactive = () -> terminal;
            top.screens = (PrintWriter out) -> screen;
            top.zone = ZoneOffset.UTC;
            top.meters = () -> {
                metersMade++;
                return meter;
            };
        }, all);
    }

    @Test
    void withoutATerminalItPrintsOneFrameWithoutEscapesAndExits() {
        FakeScreen screen = new FakeScreen();
        CliRun result = top(false, screen).assertSuccess();
        assertThat(result.out()).doesNotContain("\033");
        assertThat(result.lines().getFirst()).matches("hami-run top  \\d\\d:\\d\\d:\\d\\d");
        assertThat(result.lines()).contains("region " + path, "1 tenant, 0 processes",
                "team-a named 0-15         0 B    1.0 GiB    - normal     0");
        assertThat(screen.waits).as("never waits for a key").isEmpty();
    }

    @Test
    void onATerminalItRedrawsInPlaceEveryIntervalUntilQ() {
        FakeScreen screen = new FakeScreen();
        screen.keys.addAll(List.of(-1, (int) 'x', (int) 'q'));
        CliRun result = top(true, screen, "--interval", "0.5").assertSuccess();
        String[] frames = result.out().split(java.util.regex.Pattern.quote(TopCommand.HOME), -1);
        assertThat(frames).as("nothing before the first frame, then one per key").hasSize(4);
        assertThat(frames[0]).isEmpty();
        for (int i = 1; i < frames.length; i++) {
            assertThat(frames[i]).startsWith("hami-run top  ")
                    .contains("every 0.5 s  (q quits)" + TopCommand.CLEAR_LINE, "team-a named 0-15")
                    .endsWith(TopCommand.CLEAR_BELOW);
        }
        assertThat(screen.waits).containsExactly(500L, 500L, 500L);
        assertThat(screen.closed).isTrue();
    }

    @Test
    void eachFrameShowsWhatTheGpusDidSinceThePreviousOneAndTheFirstADash() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            ForgedRegion.device(region, 0, new byte[] {0x46, 0x41, 0x4b, 0x45, 0x43, 0x55, 0x44, 0x41, (byte) 0x80, 0,
                0, 0, 0, 0, 0, 0});
        }
        meter = new StatusCommandTest.FakeMeter(List.of(Map.of(0, Reading.NONE), Map.of(0, new Reading(87.5, 12.2)),
                Map.of(0, new Reading(3, 0))));
        FakeScreen screen = new FakeScreen();
        screen.keys.addAll(List.of(-1, -1, (int) 'q'));
        String[] frames = top(true, screen).assertSuccess().out().split(Pattern.quote(TopCommand.HOME), -1);
        assertThat(frames).hasSize(4);
        String dev = "0   GPU-46414b45-4355-4441-8000-000000000000 ";
        assertThat(frames[1]).contains("DEV UUID", dev + "   -    -" + TopCommand.CLEAR_LINE);
        assertThat(frames[2]).contains(dev + " 88%  12%" + TopCommand.CLEAR_LINE);
        assertThat(frames[3]).contains(dev + "  3%   0%" + TopCommand.CLEAR_LINE);
        assertThat(metersMade).as("one meter for the whole run: its intervals run from frame to frame").isEqualTo(1);
        assertThat(meter.calls).containsExactly(List.of(0), List.of(0), List.of(0));
    }

    @Test
    void theSingleFrameWithoutATerminalMeasuresNothing() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            ForgedRegion.device(region, 0, new byte[16]);
        }
        meter = null;
        List<String> lines = top(false, new FakeScreen()).assertSuccess().lines();
        assertThat(metersMade).isZero();
        assertThat(lines).contains("GPUs 0=GPU-00000000..0000").noneMatch(l -> l.contains("BUSY"));
    }

    @Test
    void ctrlCAndCtrlDQuitLikeQ() {
        for (int key : new int[] {3, 4, 'Q'}) {
            FakeScreen screen = new FakeScreen();
            screen.keys.add(key);
            screen.keys.add((int) 'x'); // never read
            top(true, screen).assertSuccess();
            assertThat(screen.waits).as("key %d", key).hasSize(1);
            assertThat(screen.closed).isTrue();
        }
    }

    @Test
    void aSmallTerminalGetsItsTopRowsAndANoteAndNoLineWiderThanIt() {
        FakeScreen screen = new FakeScreen();
        screen.rows = 4;
        screen.columns = 30;
        String frame = top(true, screen).assertSuccess().out();
        String[] lines = frame.substring(TopCommand.HOME.length(), frame.length() - TopCommand.CLEAR_BELOW.length())
                .split(java.util.regex.Pattern.quote(TopCommand.CLEAR_LINE) + "\n?", -1);
        assertThat(lines).hasSize(5); // 4 rows and the empty rest after the last CLEAR_LINE
        assertThat(lines[3]).startsWith("(3 more lines");
        for (String line : lines) {
            assertThat(line.length()).isLessThanOrEqualTo(30);
        }
    }

    @Test
    void fitLeavesAFrameThatFitsAlone() {
        List<String> lines = List.of("a", "b");
        assertThat(TopCommand.fit(lines, 0, 0)).isEqualTo(lines);
        assertThat(TopCommand.fit(lines, 2, 80)).isEqualTo(lines);
        assertThat(TopCommand.fit(List.of("abcdef"), 5, 3)).containsExactly("abc");
    }

    @Test
    void intervalOutOfRangeIs125() {
        top(false, new FakeScreen(), "--interval", "0").assertOneErrorLine(125, "'0'", "0.1 to 3600");
        top(false, new FakeScreen(), "--interval", "soon").assertOneErrorLine(125, "'soon'");
    }

    @Test
    void aMissingRegionIsExit1BeforeTheTerminalIsTouched() {
        path = root.resolve("none.region");
        FakeScreen screen = new FakeScreen();
        top(true, screen).assertOneErrorLine(1, "no region at");
        assertThat(screen.waits).isEmpty();
        assertThat(path).doesNotExist();
    }

    /** Eight busy H200s shared by tenants with the longest names: the frame docs/cli.md shows. */
    static void fillEightDevices(Region region) throws Exception {
        long mib = 1L << 20;
        String[] names = {"research-vision-transformer-pretraining-run-2026-12-02-night-a",
            "team-a", "inference:llama-70b@prod"};
        for (int t = 0; t < names.length; t++) {
            long[] limits = new long[16];
            for (int d = 0; d < 8; d++) {
                limits[d] = (40L + 12 * t + d) * GIB + 512 * mib;
            }
            int tenant = region.findOrCreateTenant(names[t], limits, false);
            region.setSmShare(tenant, t, 25 + 25 * t);
            region.setPriority(tenant, t == 2 ? Region.PRIORITY_HIGH : Region.PRIORITY_NORMAL);
            for (int p = 0; p < 2; p++) {
                int slot = region.claimSlot(tenant, 4_194_000 + 10 * t + p, 1, 1, "python -m torch.distributed.run"
                        + " --nproc-per-node 8 train.py --config configs/" + names[t] + ".yaml");
                for (int d = p * 4; d < p * 4 + 4; d++) {
                    assertThat(region.tryReserve(tenant, slot, d, (19L + t + d) * GIB + 77 * mib)).isTrue();
                }
            }
        }
    }

    @Test
    void eightBusyDevicesAndLongNamesFitEightyColumns() throws Exception {
        path = root.resolve("busy.region");
        try (Region region = Region.openOrCreate(path)) {
            fillEightDevices(region);
            List<String> lines = top(false, new FakeScreen()).assertSuccess().lines();
            assertThat(lines).hasSizeGreaterThan(40);
            for (String line : lines) {
                assertThat(Formats.columns(line)).as("columns of '%s'", line).isLessThanOrEqualTo(80);
            }
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("research-vision-transformer\u2026"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("inference:llama-70b@prod", "high"));
            assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("4194020 alive "
                    + "inference:llama-70b\u2026   0   21.1 GiB python -m torch.distributed.r\u2026"));
        }
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun result = CliRun.run(host, "top", "--help").assertSuccess();
        assertThat(result.out()).contains("Usage: hami-run top", "--interval", "Exit status:", "125", "q");
    }
}
