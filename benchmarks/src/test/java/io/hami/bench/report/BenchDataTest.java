package io.hami.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hami.bench.report.BenchData.Part;
import io.hami.bench.report.BenchData.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The statistics every table and chart quotes, and the JSON reader under them. */
class BenchDataTest {
    @TempDir
    Path dir;

    private static String run(String config, int rep, double value, boolean ok) {
        return "{\"case\":\"calls\",\"config\":\"" + config + "\",\"rep\":" + rep + ",\"warmup\":" + (rep == 0)
                + ",\"rc\":" + (ok ? 0 : 2) + ",\"wall_s\":1.5,\"cmd\":\"x\",\"env\":{},\"limit_bytes\":0,"
                + "\"events\":[],\"result\":{\"tool\":\"gpubench\",\"ok\":" + ok + ",\"metrics\":{\"launch_ns\":"
                + value + "}}}";
    }

    private Part part(String... runs) throws IOException {
        Files.writeString(dir.resolve("bench-calls.json"), "{\"schema\":\"hami-bench/1\",\"part\":\"calls\","
                + "\"title\":\"t\",\"limit\":\"70g\",\"config_order\":[\"native\",\"hami\"],\"configs\":{},"
                + "\"environment\":{},\"cases\":[{\"case\":\"calls\"}],\"checks\":[],\"skipped\":[],"
                + "\"invocation\":\"i\",\"runs\":[" + String.join(",", runs) + "]}");
        return BenchData.load(dir).part("calls");
    }

    @Test
    void medians_over_repetitions_and_paired_ratios_leave_out_warm_ups_and_failures() throws IOException {
        Part p = part(run("native", 0, 1000, true), run("hami", 0, 9000, true), // warm-ups: never counted
                run("native", 1, 10, true), run("hami", 1, 11, true),
                run("native", 2, 20, true), run("hami", 2, 22, true),
                run("native", 3, 30, true), run("hami", 3, 36, true),
                run("hami", 4, 500, false)); // a failed run: never counted

        Stat nat = p.stat("calls", "launch_ns", "native");
        Stat hami = p.stat("calls", "launch_ns", "hami");

        assertThat(nat.median()).isEqualTo(20);
        assertThat(nat.n()).isEqualTo(3);
        assertThat(nat.paired()).isEqualTo(1.0);
        assertThat(hami.median()).isEqualTo(22);
        assertThat(hami.min()).isEqualTo(11);
        assertThat(hami.max()).isEqualTo(36);
        assertThat(hami.values()).containsExactly(11.0, 22.0, 36.0);
        assertThat(hami.ratio()).isCloseTo(1.1, within(1e-12)); // 22 / 20
        assertThat(hami.paired()).isCloseTo(1.1, within(1e-12)); // median of 1.1, 1.1, 1.2
        assertThat(p.stat("calls", "missing_ns", "hami")).isNull();
    }

    @Test
    void a_ratio_needs_native_in_the_same_repetition_for_pairing() throws IOException {
        Part p = part(run("native", 1, 10, true), run("hami", 2, 40, true), run("hami", 3, 20, true));

        Stat hami = p.stat("calls", "launch_ns", "hami");

        assertThat(hami.ratio()).isEqualTo(3.0); // 30 / 10
        assertThat(hami.paired()).isNull(); // no repetition ran both
    }

    @Test
    void refuses_files_of_another_format() throws IOException {
        Files.writeString(dir.resolve("bench-x.json"), "{\"schema\":\"other/2\"}");

        assertThatThrownBy(() -> BenchData.load(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a hami-bench/1 file");
    }

    @Test
    void reads_json() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null], \"s\": \"q\\\"\\u00e9\\n\", \"o\": {}} ");

        assertThat(Json.list(Json.at(v, "a"))).containsExactly(1.0, -2500.0, true, false, null);
        assertThat(Json.at(v, "s")).isEqualTo("q\"é\n");
        assertThat(Json.map(Json.at(v, "o"))).isEmpty();
        assertThat(Json.at(v, "a", "x")).isNull();
        assertThat(Json.str(42.0)).isEqualTo("42");
        assertThat(Json.map(Json.parse("{\"k\":1}"))).isEqualTo(Map.of("k", 1.0));
        assertThat(Json.list(Json.parse("[]"))).isEqualTo(List.of());
        assertThatThrownBy(() -> Json.parse("{\"a\":1,}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 7");
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("trailing");
    }

    @Test
    void formats_values_in_their_unit() {
        assertThat(Metrics.format("launch_ns", 3466)).isEqualTo("3.47 µs");
        assertThat(Metrics.format("pair_p99_us", 94153)).isEqualTo("94.2 ms");
        assertThat(Metrics.format("ctx_first_ms", 0.5)).isEqualTo("500 µs");
        assertThat(Metrics.format("allocs_per_s", 91446)).isEqualTo("91.4 k/s");
        assertThat(Metrics.format("chunks_count", 60)).isEqualTo("60");
        assertThat(Metrics.ratio(1.054)).isEqualTo("1.05×");
        assertThat(Metrics.ratio(14162.6)).isEqualTo("14163×");
        assertThat(Metrics.label("alloc_2GiB_ns")).isEqualTo("cuMemAlloc_v2 2 GiB, p50");
        assertThat(Report.gib(60L << 30)).isEqualTo("60 GiB");
        assertThat(Report.gib(256L << 20)).isEqualTo("256 MiB");
    }
}
