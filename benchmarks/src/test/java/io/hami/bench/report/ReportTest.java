package io.hami.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report generator on a committed sample: the JSON a dry run of {@code benchmarks/gpu/run.sh --dry --quick} wrote
 * against the fake driver (all five parts, native / hami / hami-env and the reference interposer), trimmed.
 */
class ReportTest {
    private static final List<String> PARTS = List.of("calls", "startup", "tenants", "kv", "limit");
    private static final List<String> CHARTS = List.of("summary-ratios.png", "alloc-by-size.png", "calls-ratios.png",
            "launch-cdf.png", "launch-sync-cdf.png", "meminfo-cdf.png", "firstcall-box.png", "firstcall-steps.png",
            "tenants-scaling.png", "kv-rate.png", "kv-latency.png", "limit-accuracy.png", "refusal.png");

    @TempDir
    Path dir;

    private void copySample() throws IOException {
        for (String part : PARTS) {
            try (InputStream in = getClass().getResourceAsStream("sample/bench-" + part + ".json")) {
                assertThat(in).as("sample of part " + part).isNotNull();
                Files.copy(in, dir.resolve("bench-" + part + ".json"));
            }
        }
    }

    @Test
    void writes_the_tables_of_every_part() throws IOException {
        copySample();
        String md = Report.generate(dir);

        assertThat(md).startsWith("# hami-ffm benchmarks: dry run against the fake driver")
                .contains("> **Dry run.**", "## Configurations", "## Summary", "## Checks",
                        "## Raw data and how it was produced")
                .contains("| `native` | the program as is | none |", "| `ref-lockf` |");
        // one section per part, each with its table
        assertThat(md).contains("## 1. Driver calls", "## 2. Context creation", "## 3. Allocation latency under N",
                "## 4. KV-cache style", "## 5. Memory-limit accuracy");
        assertThat(md).contains("| measurement | part | native | hami | ref-lockf | hami-env |")
                .contains("| cuLaunchKernel host time, p50 of single launches | calls |")
                .contains("### cuMemAlloc_v2 / cuMemFree_v2 by size")
                .containsPattern("\\| 1 MiB \\| [0-9.]+ ns \\|")
                .containsPattern("\\| 4 processes \\| hami \\| ")
                .containsPattern("\\| 1 process × 8 threads \\| native \\| ");
        // the limit: exact counts for both limited configurations, native stopped by its cap
        assertThat(md).containsPattern("\\| fill-1g \\| hami \\| 60 GiB \\| 1 GiB \\| 60 \\| 60 \\| "
                        + "CUDA_ERROR_OUT_OF_MEMORY \\|.*\\*\\*exact\\*\\*")
                .containsPattern("\\| fill-p8 \\| hami \\| 60 GiB \\| 256 MiB \\| 240 \\| 240 \\|.*\\*\\*exact\\*\\*")
                .containsPattern("\\| fill-1g \\| native \\| none \\|.*no limit");
        // the GPU-Virt-Bench section names what it replaces
        assertThat(md).contains("OH-001", "OH-005", "cudaGetDeviceCount", "OH-006", "OH-010", "`value = 0.0`",
                "IS-001", "stops at 16 GiB", "IS-002", "LLM-002", "LLM-004");
        // ratios are paired and printed with their sign of direction explained
        assertThat(md).contains("paired ratio", "For times below 1× is faster").containsPattern("\\*\\*[0-9.]+×\\*\\*");
        assertThat(md).containsPattern("\\*\\*\\d+ passed, 0 failed\\.\\*\\*");
        assertThat(md).contains("bash benchmarks/gpu/run.sh --dry --quick");
        // the first process on a fresh region (it measures the context size) apart from those on a kept one
        assertThat(md).contains("#### The first process on a fresh region (`firstcall-fresh`)")
                .contains("| fresh region: spawn to the first allocation returned | startup |")
                .contains("Each configuration keeps one region file across the repetitions");
    }

    @Test
    void renders_every_chart_as_a_png_the_markdown_links() throws IOException {
        copySample();
        String md = Report.generate(dir);

        for (String chart : CHARTS) {
            Path png = dir.resolve("charts").resolve(chart);
            assertThat(png).as(chart).exists();
            assertThat(md).contains("(charts/" + chart + ")");
            byte[] head = new byte[8];
            try (InputStream in = Files.newInputStream(png)) {
                assertThat(in.read(head)).isEqualTo(8);
            }
            assertThat(head).as(chart + " is a PNG").startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
            assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
        }
        Matcher m = Pattern.compile("\\(charts/([a-z0-9-]+\\.png)\\)").matcher(md);
        while (m.find()) {
            assertThat(dir.resolve("charts").resolve(m.group(1))).as("linked chart").exists();
        }
    }

    @Test
    void labels_the_report_with_gpu_driver_cuda_and_commit() throws IOException {
        copySample();
        for (String part : PARTS) {
            Path f = dir.resolve("bench-" + part + ".json");
            Files.writeString(f, Files.readString(f)
                    .replace("\"dry_run\":true", "\"dry_run\":false")
                    .replaceAll("\"gpu\":\"[^\"]*\"", "\"gpu\":\"NVIDIA H100 80GB HBM3\"")
                    .replaceAll("\"driver\":\"[^\"]*\"", "\"driver\":\"580.95.05\"")
                    .replaceAll("\"cuda\":\"[^\"]*\"", "\"cuda\":\"13.0\"")
                    .replaceAll("\"commit\":\"[^\"]*\"", "\"commit\":\"0123456789abcdef0123456789abcdef01234567\""));
        }
        String md = Report.generate(dir);

        assertThat(md).startsWith("# hami-ffm benchmarks: NVIDIA H100 80GB HBM3").doesNotContain("Dry run")
                .contains("**NVIDIA H100 80GB HBM3 · driver 580.95.05 · CUDA 13.0 · commit 0123456789ab**")
                .contains("`0123456789abcdef0123456789abcdef01234567`");
    }

    @Test
    void a_run_whose_startup_cases_had_fresh_regions_says_that_each_measured_the_context_size() throws IOException {
        copySample();
        Path f = dir.resolve("bench-startup.json");
        Files.writeString(f, Files.readString(f).replace(",\"region\":\"kept\"", ""));
        String md = Report.generate(dir);

        assertThat(md).contains("Every run had a fresh region file, so under hami each also measured the device's "
                + "context size").doesNotContain("Each configuration keeps one region file");
    }

    @Test
    void main_writes_report_md_next_to_the_json() throws IOException {
        copySample();
        Report.main(new String[] {dir.toString()});

        assertThat(dir.resolve("REPORT.md")).exists();
        assertThat(Files.readString(dir.resolve("REPORT.md"))).contains("## Summary");
        assertThat(dir.resolve("charts").resolve("summary-ratios.png")).exists();
    }

    @Test
    void an_empty_directory_says_what_it_expected() {
        assertThatThrownBy(() -> Report.generate(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("no bench-*.json");
    }
}
