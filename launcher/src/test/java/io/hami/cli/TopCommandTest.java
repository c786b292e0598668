package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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

    @Test
    void helpListsTheExitCodes() {
        CliRun result = CliRun.run(host, "top", "--help").assertSuccess();
        assertThat(result.out()).contains("Usage: hami-run top", "--interval", "Exit status:", "125", "q");
    }
}
