package io.hami.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LIBCUDA_LOG_LEVEL read as HAMi-core reads it, and HAMI_LOG_FILE as the target. */
class LogTest {
    @TempDir
    Path dir;

    @Test
    void levelsAreHamiCoresIntegersOrTheirNames() {
        assertThat(Log.parseLevel("0")).isEqualTo(Log.ERROR);
        assertThat(Log.parseLevel("1")).isEqualTo(1); // HAMi: errors only, like 0
        assertThat(Log.parseLevel("2")).isEqualTo(Log.WARN);
        assertThat(Log.parseLevel(" 3")).isEqualTo(Log.INFO);
        assertThat(Log.parseLevel("+4")).isEqualTo(Log.DEBUG);
        assertThat(Log.parseLevel("007")).isEqualTo(7);
        assertThat(Log.parseLevel("-3")).as("negative: errors only").isEqualTo(Log.ERROR);
        assertThat(Log.parseLevel("99999999999")).as("large: everything").isEqualTo(9);
        assertThat(Log.parseLevel("DEBUG")).isEqualTo(Log.DEBUG);
        assertThat(Log.parseLevel("info")).isEqualTo(Log.INFO);
        assertThat(Log.parseLevel("warn")).isEqualTo(Log.WARN);
        assertThat(Log.parseLevel("error")).isEqualTo(Log.ERROR);
    }

    @Test
    void unsetOrUnreadableLevelsMeanWarningsAndSaySo() {
        assertThat(Log.parseLevel(null)).isEqualTo(Log.WARN);
        assertThat(Log.parseLevel("")).isEqualTo(Log.WARN);
        assertThat(Log.parseLevel("verbose")).isEqualTo(Log.WARN);
        assertThat(Log.parseLevel("3x")).isEqualTo(Log.WARN);
        assertThat(Log.level("verbose")).isEqualTo(OptionalInt.empty());
        assertThat(Log.level("3 ")).as("trailing text, as the trampoline's strtol check").isEmpty();
    }

    @Test
    void aLineHasThePidTheDeviceWhereThereIsOneAndNoInnerLineBreaks() {
        assertThat(Log.line(Log.WARN, 42, Log.NO_DEVICE, "hello")).isEqualTo("[hami-ffm 42] warn: hello\n");
        assertThat(Log.line(Log.ERROR, 42, 3, "a\n  b")).isEqualTo("[hami-ffm 42 dev 3] error: a b\n");
        assertThat(Log.line(Log.DEBUG, 1, 0, "x")).isEqualTo("[hami-ffm 1 dev 0] debug: x\n");
        assertThat(Log.line(Log.INFO, 1, Log.NO_DEVICE, "x")).isEqualTo("[hami-ffm 1] info: x\n");
    }

    @Test
    void aLogFileIsAppendedToAndStderrStaysQuiet() throws Exception {
        Path file = dir.resolve("hami.log");
        Files.writeString(file, "earlier\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Log.write(file, stream, "[hami-ffm 1] warn: one\n");
        Log.write(file, stream, "[hami-ffm 1] warn: two\n");
        assertThat(Files.readAllLines(file)).containsExactly("earlier", "[hami-ffm 1] warn: one",
                "[hami-ffm 1] warn: two");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anUnwritableLogFileFallsBackToStderrWithTheReason() {
        Path file = dir.resolve("missing-dir/hami.log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        Log.write(file, stream, "[hami-ffm 1] warn: one\n");
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("cannot append to HAMI_LOG_FILE=" + file, "logging to stderr")
                .endsWith("[hami-ffm 1] warn: one\n");
        assertThat(file).doesNotExist();
    }

    @Test
    void noFileVariableMeansStderr() {
        assertThat(Log.file(null)).isNull();
        assertThat(Log.file("")).isNull();
        assertThat(Log.file("/tmp/x.log")).isEqualTo(Path.of("/tmp/x.log"));
    }
}
