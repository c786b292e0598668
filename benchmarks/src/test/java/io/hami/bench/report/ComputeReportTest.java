package io.hami.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compute section on the shape test-gpu/compute.sh writes (compute_run.py): alone, and beside a bench run. */
class ComputeReportTest {
    private static final String ENVIRONMENT = "\"environment\": {\"gpu\": \"NVIDIA H200, 580.159.04\", \"reps\": 3, "
            + "\"seconds\": 10.0, \"warmup_s\": 1.0, \"date\": \"2026-12-03T08:14:50+00:00\"}";

    @TempDir
    Path dir;

    private void write(String part, String checks) throws IOException {
        Files.writeString(dir.resolve("compute-" + part + ".json"), "{\"part\": \"" + part + "\", \"pass\": false, "
                + ENVIRONMENT + ", \"summary\": {}, \"runs\": [], \"checks\": [" + checks + "]}");
    }

    private void writeBoth() throws IOException {
        write("priority", "{\"criterion\": 3, \"name\": \"decode p99 beside a low-priority stream / alone\", "
                + "\"value\": 1.068, \"expected\": \"<= 1.1 (aim 1.05)\", \"pass\": true, \"detail\": \"\"}");
        write("shares", "{\"criterion\": 1, \"name\": \"1 ms kernels at 25 %\", \"value\": 25.1, "
                + "\"expected\": \"25 +- 5\", \"pass\": true, \"detail\": \"median 250.5 of 3 runs\"},"
                + "{\"criterion\": 1, \"name\": \"PyTorch training at 75 %\", \"value\": 82.53, "
                + "\"expected\": \"75 +- 5\", \"pass\": false, \"detail\": \"a | in it\"}");
    }

    @Test
    void a_compute_run_alone_gets_its_table_and_a_chart_of_the_shares() throws IOException {
        writeBoth();
        String md = Report.generate(dir);
        assertThat(md).startsWith("# hami-ffm benchmarks: compute sharing")
                .contains("**2 passed, 1 failed.**")
                .contains("| 1 | 1 ms kernels at 25 % | 25.1 | 25 +- 5 | pass |")
                .contains("| 1 | PyTorch training at 75 % | 82.53 | 75 +- 5 | **FAIL** |")
                .contains("| 3 | decode p99 beside a low-priority stream / alone | 1.068 | <= 1.1 (aim 1.05) | pass |")
                .contains("NVIDIA H200, 580.159.04; 3 runs of 10 s after 1 s of warm-up")
                .contains("![shares: shares asked and measured](charts/compute-shares.png)")
                .doesNotContain("charts/compute-priority.png"); // no share asked there
        assertThat(md.indexOf("### shares")).as("the script's order of parts").isLessThan(md.indexOf("### priority"));
        BufferedImage chart = ImageIO.read(dir.resolve("charts/compute-shares.png").toFile());
        assertThat(chart.getWidth()).isGreaterThan(300);
    }

    @Test
    void beside_a_bench_run_it_is_one_section_of_the_report() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("sample/bench-calls.json")) {
            Files.copy(in, dir.resolve("bench-calls.json"));
        }
        writeBoth();
        String md = Report.generate(dir);
        assertThat(md).startsWith("# hami-ffm benchmarks: dry run").contains("## Compute sharing", "## Checks");
        assertThat(md.indexOf("## Compute sharing")).isLessThan(md.indexOf("## Checks"));
    }

    @Test
    void a_file_that_is_not_a_compute_result_is_named() throws IOException {
        Files.writeString(dir.resolve("compute-x.json"), "{\"part\": \"x\"}");
        assertThatThrownBy(() -> Report.generate(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("compute-x.json").hasMessageContaining("not a compute.sh result");
    }
}
