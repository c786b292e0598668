package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormatsTest {
    @Test
    void truncatesWithAnEllipsisAtEitherEnd() {
        assertThat(Formats.truncate("abcdef", 6, "\u2026")).isEqualTo("abcdef");
        assertThat(Formats.truncate("abcdefg", 6, "\u2026")).isEqualTo("abcde\u2026");
        assertThat(Formats.truncate("abcdefg", 6, "...")).isEqualTo("abc...");
        assertThat(Formats.truncate("abcdefg", 2, "...")).isEqualTo("..");
        assertThat(Formats.truncateStart("/a/b/c/d", 5, "\u2026")).isEqualTo("\u2026/c/d");
        assertThat(Formats.left("ab", 4, "\u2026")).isEqualTo("ab  ");
        assertThat(Formats.right("ab", 4, "\u2026")).isEqualTo("  ab");
    }

    @Test
    void devicesAsRanges() {
        assertThat(Formats.devices(List.of(0))).isEqualTo("0");
        assertThat(Formats.devices(List.of(0, 1, 2, 3, 5, 7, 8))).isEqualTo("0-3,5,7-8");
    }

    @Test
    void sizesPrioritiesAndShares() {
        assertThat(Formats.size(0)).isEqualTo("0 B");
        assertThat(Formats.size(1536L << 20)).isEqualTo("1.5 GiB");
        assertThat(Formats.size(-(1L << 20))).isEqualTo("-1.0 MiB");
        assertThat(Formats.size(Long.MIN_VALUE)).isEqualTo("-8.0 EiB");
        assertThat(Formats.limit(0)).isEqualTo("none");
        assertThat(Formats.smShare(0)).isEqualTo("none");
        assertThat(Formats.smShare(30)).isEqualTo("30%");
        assertThat(Formats.priority(1)).isEqualTo("high");
        assertThat(Formats.priority(0)).isEqualTo("normal");
        assertThat(Formats.priority(-1)).isEqualTo("low");
        assertThat(Formats.priority(7)).isEqualTo("7");
    }

    @Test
    void countsDurationsAndMeasuredPercents() {
        assertThat(Formats.count(0)).isEqualTo("0");
        assertThat(Formats.count(99_999)).isEqualTo("99999");
        assertThat(Formats.count(120_400)).isEqualTo("120.4k");
        assertThat(Formats.count(999_960)).isEqualTo("1.0M");
        assertThat(Formats.count(9_123_456)).isEqualTo("9.1M");
        assertThat(Formats.count(Long.MAX_VALUE)).isEqualTo("9.2E");
        assertThat(Formats.count(Long.MIN_VALUE)).isEqualTo("-9.2E");
        assertThat(Formats.duration(0)).isEqualTo("0 s");
        assertThat(Formats.duration(350_000_000L)).isEqualTo("350 ms");
        assertThat(Formats.duration(9_120_000_000L)).isEqualTo("9.1 s");
        assertThat(Formats.duration(750_000_000_000L)).isEqualTo("12.5 min");
        assertThat(Formats.duration(11_520_000_000_000L)).isEqualTo("3.2 h");
        assertThat(Formats.duration(3_542_400_000_000_000L)).isEqualTo("41 d");
        assertThat(Formats.duration(-2_000_000_000L)).isEqualTo("-2.0 s");
        assertThat(Formats.duration(Long.MIN_VALUE)).isEqualTo("-106752 d");
        assertThat(Formats.measured(61.5)).isEqualTo("62%");
        assertThat(Formats.measured(0)).isEqualTo("0%");
        assertThat(Formats.measured(-1)).isEqualTo("-");
        assertThat(Formats.measured(Double.NaN)).isEqualTo("-");
    }

    @Test
    void controlCharactersBecomeQuestionMarks() {
        assertThat(Formats.printable("a\033[31mb\u009bc\td")).isEqualTo("a?[31mb?c?d");
    }
}
