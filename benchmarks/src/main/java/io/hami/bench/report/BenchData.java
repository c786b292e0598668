package io.hami.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The runs of one benchmark run directory ({@code bench-<part>.json} files from {@code benchmarks/gpu/bench.py}) and
 * the statistics every table and chart uses: per case, metric and configuration the median over repetitions of the
 * per-run value, its spread, the ratio to native's median, and the median of per-repetition (paired) ratios.
 * Warm-up repetitions (rep 0) and failed runs never enter a statistic.
 */
final class BenchData {
    static final String SCHEMA = "hami-bench/1";

    /** One run of the harness: one configuration, one case, one repetition. */
    record Run(String part, String caseName, String config, int rep, boolean warmup, boolean ok,
               Map<String, Object> result, Map<String, Double> metrics, String cmd, Map<String, Object> env,
               long limitBytes, double wallSeconds, List<Object> events) {
    }

    /** One part: a file. */
    record Part(String name, String title, String limit, List<String> configs, Map<String, Object> configInfo,
                Map<String, Object> environment, List<Run> runs, List<Map<String, Object>> checks,
                List<Object> skipped, String invocation, Path file, Map<String, Object> cases) {

        List<String> caseNames() {
            Set<String> names = new LinkedHashSet<>();
            runs.forEach(r -> names.add(r.caseName()));
            return List.copyOf(names);
        }

        List<String> metrics(String caseName) {
            Set<String> names = new LinkedHashSet<>();
            for (Run r : runs) {
                if (r.caseName().equals(caseName) && r.ok() && !r.warmup()) {
                    names.addAll(r.metrics().keySet());
                }
            }
            return List.copyOf(names);
        }

        List<Run> runs(String caseName, String config, boolean withWarmup) {
            return runs.stream().filter(r -> r.caseName().equals(caseName) && r.config().equals(config) && r.ok()
                    && (withWarmup || !r.warmup())).toList();
        }

        /** Per repetition, the metric's value; only runs that succeeded, warm-ups left out. */
        TreeMap<Integer, Double> values(String caseName, String metric, String config) {
            TreeMap<Integer, Double> v = new TreeMap<>();
            for (Run r : runs(caseName, config, false)) {
                Double x = r.metrics().get(metric);
                if (x != null) {
                    v.put(r.rep(), x);
                }
            }
            return v;
        }

        Stat stat(String caseName, String metric, String config) {
            TreeMap<Integer, Double> v = values(caseName, metric, config);
            if (v.isEmpty()) {
                return null;
            }
            TreeMap<Integer, Double> nat = values(caseName, metric, "native");
            double med = median(v.values());
            Double ratio = null;
            Double paired = null;
            if (!nat.isEmpty() && median(nat.values()) != 0) {
                ratio = med / median(nat.values());
                List<Double> pr = new ArrayList<>();
                v.forEach((rep, x) -> {
                    Double n = nat.get(rep);
                    if (n != null && n != 0) {
                        pr.add(x / n);
                    }
                });
                paired = pr.isEmpty() ? null : median(pr);
            }
            return new Stat(med, v.values().stream().min(Double::compare).orElseThrow(),
                    v.values().stream().max(Double::compare).orElseThrow(), v.size(), ratio, paired,
                    List.copyOf(v.values()));
        }

        String env(String key) {
            return Json.str(environment.get(key));
        }

        long limitOf(String config) {
            Object l = Json.at(configInfo, config, "limit_bytes");
            return l instanceof Double d ? d.longValue() : 0;
        }

        String describe(String config) {
            String d = Json.str(Json.at(configInfo, config, "describe"));
            return d == null ? config : d;
        }
    }

    /** Median of the repetitions, their spread, and the ratios to native (null for native-less metrics). */
    record Stat(double median, double min, double max, int n, Double ratio, Double paired, List<Double> values) {
    }

    final Path dir;
    final List<Part> parts;

    private BenchData(Path dir, List<Part> parts) {
        this.dir = dir;
        this.parts = parts;
    }

    static BenchData load(Path dir) throws IOException {
        List<Path> files = files(dir);
        if (files.isEmpty()) {
            throw new IOException("no bench-*.json (benchmarks/gpu/run.sh) nor compute-*.json "
                    + "(test-gpu/compute.sh) in " + dir + ": give the directory those scripts wrote as $OUT");
        }
        List<Part> parts = new ArrayList<>();
        for (Path f : files) {
            parts.add(part(f, Json.map(Json.parse(Files.readString(f)))));
        }
        return new BenchData(dir, parts);
    }

    /** Whether {@code dir} holds any {@code bench-*.json}. */
    static boolean present(Path dir) throws IOException {
        return !files(dir).isEmpty();
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("bench-.*\\.json"))
                    .sorted(Comparator.comparing(BenchData::partOrder).thenComparing(Path::toString)).toList();
        }
    }

    Part part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    private static int partOrder(Path p) {
        List<String> order = List.of("calls", "startup", "tenants", "kv", "limit");
        String n = p.getFileName().toString().replaceAll("^bench-|\\.json$", "");
        int i = order.indexOf(n);
        return i < 0 ? order.size() : i;
    }

    private static Part part(Path file, Map<String, Object> doc) throws IOException {
        if (!SCHEMA.equals(doc.get("schema"))) {
            throw new IOException(file + ": not a " + SCHEMA + " file (schema " + doc.get("schema") + ")");
        }
        String name = Json.str(doc.get("part"));
        List<Run> runs = new ArrayList<>();
        for (Object o : Json.list(doc.get("runs"))) {
            Map<String, Object> r = Json.map(o);
            Map<String, Object> result = Json.map(r.get("result"));
            Map<String, Double> metrics = new LinkedHashMap<>();
            Json.map(result.get("metrics")).forEach((k, v) -> {
                Double d = Json.num(v);
                if (d != null) {
                    metrics.put(k, d);
                }
            });
            Double rc = Json.num(r.get("rc"));
            boolean ok = Boolean.TRUE.equals(result.get("ok")) && rc != null && rc == 0;
            runs.add(new Run(name, Json.str(r.get("case")), Json.str(r.get("config")),
                    Json.num(r.get("rep")).intValue(), Boolean.TRUE.equals(r.get("warmup")), ok, result, metrics,
                    Json.str(r.get("cmd")), Json.map(r.get("env")), number(r.get("limit_bytes")).longValue(),
                    number(r.get("wall_s")), Json.list(r.get("events"))));
        }
        List<String> configs = new ArrayList<>();
        Json.list(doc.get("config_order")).forEach(c -> configs.add(Json.str(c)));
        Map<String, Object> cases = new LinkedHashMap<>();
        Json.list(doc.get("cases")).forEach(c -> cases.put(Json.str(Json.map(c).get("case")), c));
        List<Map<String, Object>> checks = new ArrayList<>();
        Json.list(doc.get("checks")).forEach(c -> checks.add(Json.map(c)));
        return new Part(name, Json.str(doc.get("title")), Json.str(doc.get("limit")), List.copyOf(configs),
                Json.map(doc.get("configs")), Json.map(doc.get("environment")), List.copyOf(runs), checks,
                Json.list(doc.get("skipped")), Json.str(doc.get("invocation")), file, cases);
    }

    private static Double number(Object o) {
        Double d = Json.num(o);
        return d == null ? 0.0 : d;
    }

    static double median(java.util.Collection<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Element-wise median of equally long arrays (the 101 percentiles of several runs: one typical curve). */
    static double[] medianCurve(List<double[]> curves) {
        if (curves.isEmpty()) {
            return new double[0];
        }
        int len = curves.stream().mapToInt(c -> c.length).min().orElse(0);
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            List<Double> col = new ArrayList<>();
            for (double[] c : curves) {
                col.add(c[i]);
            }
            out[i] = median(col);
        }
        return out;
    }
}
