package io.hami.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The compute-sharing section of a report: the {@code compute-<part>.json} files of {@code test-gpu/compute.sh}
 * (docs/compute.md), whose runs are judged against issue 5's criteria by the script itself. Here: every check as a
 * table, and per part the shares asked against the shares measured as a chart.
 */
final class ComputeReport {
    /** "25 +- 5": a share asked and its tolerance. */
    private static final Pattern SHARE = Pattern.compile("(\\d+(?:\\.\\d+)?) \\+- (\\d+(?:\\.\\d+)?)");
    private static final List<String> ORDER = List.of("shares", "torch-pair", "priority", "bandwidth");

    /** One file: a part of compute.sh, what it ran on, and its checks. */
    record Part(String name, Path file, Map<String, Object> environment, List<Map<String, Object>> checks) {
    }

    private ComputeReport() {
    }

    /** The compute files of {@code dir}, in the script's order of parts; empty when there are none. */
    static List<Part> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("compute-.*\\.json")).toList();
        }
        List<Part> parts = new ArrayList<>();
        for (Path f : files) {
            Map<String, Object> doc = Json.map(Json.parse(Files.readString(f)));
            String name = Json.str(doc.get("part"));
            if (name == null || !(doc.get("checks") instanceof List<?>)) {
                throw new IOException(f + ": not a compute.sh result (no part or checks)");
            }
            List<Map<String, Object>> checks = Json.list(doc.get("checks")).stream().map(Json::map).toList();
            parts.add(new Part(name, f, Json.map(doc.get("environment")), checks));
        }
        parts.sort(Comparator.comparingInt((Part p) -> ORDER.contains(p.name()) ? ORDER.indexOf(p.name())
                : ORDER.size()).thenComparing(Part::name));
        return parts;
    }

    /** The section's markdown (level-2 heading); its charts go to {@code charts}. */
    static String section(List<Part> parts, Path charts) throws IOException {
        StringBuilder md = new StringBuilder();
        int passed = 0;
        int failed = 0;
        for (Part p : parts) {
            for (Map<String, Object> c : p.checks()) {
                if (Boolean.TRUE.equals(c.get("pass"))) {
                    passed++;
                } else {
                    failed++;
                }
            }
        }
        md.append("## Compute sharing\n\n");
        md.append("Written by `bash test-gpu/compute.sh PART` (docs/compute.md): each run a 10-second window, judged "
                + "by the script against issue 5's criteria; a share is throughput (or GPU time, where the check "
                + "says so) as a percentage of the same program alone and native in the same call. **").append(passed)
                .append(" passed, ").append(failed).append(" failed.**\n\n");
        for (Part p : parts) {
            Map<String, Object> env = p.environment();
            md.append("### ").append(p.name()).append("\n\n");
            md.append(Json.str(env.get("gpu"))).append("; ").append(Json.str(env.get("reps"))).append(" runs of ")
                    .append(Json.str(env.get("seconds"))).append(" s after ").append(Json.str(env.get("warmup_s")))
                    .append(" s of warm-up; ").append(Json.str(env.get("date"))).append("; file [")
                    .append(p.file().getFileName()).append("](").append(p.file().getFileName()).append(")\n\n");
            md.append("| criterion | check | value | expected | result |\n|---|---|---:|---|---|\n");
            for (Map<String, Object> c : p.checks()) {
                boolean pass = Boolean.TRUE.equals(c.get("pass"));
                md.append("| ").append(Json.str(c.get("criterion"))).append(" | ").append(cell(c.get("name")))
                        .append(" | ").append(cell(c.get("value"))).append(" | ").append(cell(c.get("expected")))
                        .append(" | ").append(pass ? "pass" : "**FAIL**").append(" |\n");
            }
            md.append('\n');
            String chart = shareChart(p, charts);
            if (chart != null) {
                md.append("![").append(p.name()).append(": shares asked and measured](charts/").append(chart)
                        .append(")\n\n");
            }
        }
        return md.toString();
    }

    /** The part's checks that ask for a share ("N +- T"): asked against measured; null when it has none. */
    private static String shareChart(Part p, Path charts) throws IOException {
        List<String> categories = new ArrayList<>();
        Map<String, Double> asked = new LinkedHashMap<>();
        Map<String, Double> measured = new LinkedHashMap<>();
        for (Map<String, Object> c : p.checks()) {
            Matcher m = SHARE.matcher(String.valueOf(c.get("expected")));
            Double value = Json.num(c.get("value"));
            if (m.matches() && value != null) {
                String name = String.valueOf(c.get("name"));
                categories.add(name);
                asked.put(name, Double.parseDouble(m.group(1)));
                measured.put(name, value);
            }
        }
        if (categories.isEmpty()) {
            return null;
        }
        Files.createDirectories(charts);
        String file = "compute-" + p.name() + ".png";
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        series.put("asked", asked);
        series.put("measured", measured);
        Charts.bars(charts.resolve(file), "compute sharing: " + p.name(), Json.str(p.environment().get("gpu")),
                "% of native alone", categories, series, Double.NaN, false);
        return file;
    }

    private static String cell(Object o) {
        return o == null ? "" : Json.str(o).replace("|", "\\|").replace("\n", " ");
    }
}
