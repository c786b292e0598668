package io.hami.bench.report;

import io.hami.bench.report.BenchData.Part;
import io.hami.bench.report.BenchData.Run;
import io.hami.bench.report.BenchData.Stat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns a benchmark run directory (the {@code bench-<part>.json} files of {@code benchmarks/gpu/run.sh}) into a
 * markdown report with tables and PNG charts.
 *
 * <pre>java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" io.hami.bench.report.Report \
 *     benchmarks/results/RUN            # writes RUN/REPORT.md and RUN/charts/*.png
 * ... Report RUN --stdout               # the markdown on stdout instead (charts still in RUN/charts)</pre>
 *
 * Every number is a median over repetitions of a per-run figure; every ratio is to native, and "paired" is the median
 * of per-repetition ratios (one repetition runs every configuration back to back). Runs on any full JDK, headless.
 */
public final class Report {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // charts only: never a display
        }
    }

    private final BenchData data;
    private final List<ComputeReport.Part> compute;
    private final Path charts;
    private final StringBuilder md = new StringBuilder();

    private Report(BenchData data, List<ComputeReport.Part> compute) {
        this.data = data;
        this.compute = compute;
        this.charts = data.dir.resolve("charts");
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: Report RUN_DIR [--stdout]   (RUN_DIR holds the bench-*.json files of "
                    + "benchmarks/gpu/run.sh and/or the compute-*.json files of test-gpu/compute.sh)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        boolean stdout = args.length > 1 && args[1].equals("--stdout");
        String markdown = generate(dir);
        if (stdout) {
            new PrintStream(System.out, true, StandardCharsets.UTF_8).print(markdown);
        } else {
            Files.writeString(dir.resolve("REPORT.md"), markdown);
            System.err.println("wrote " + dir.resolve("REPORT.md") + " and " + dir.resolve("charts"));
        }
    }

    /** Writes the charts under {@code dir/charts} and returns the markdown. */
    public static String generate(Path dir) throws IOException {
        List<ComputeReport.Part> compute = ComputeReport.load(dir);
        if (!compute.isEmpty() && !BenchData.present(dir)) { // a run of test-gpu/compute.sh alone
            return "# hami-ffm benchmarks: compute sharing\n\n" + ComputeReport.section(compute, dir.resolve("charts"));
        }
        Report r = new Report(BenchData.load(dir), compute);
        r.build();
        return r.md.toString();
    }

    private void build() throws IOException {
        header();
        summary();
        gpuVirtBench();
        for (Part p : data.parts) {
            switch (p.name()) {
                case "calls" -> calls(p);
                case "startup" -> startup(p);
                case "tenants" -> tenants(p);
                case "kv" -> kv(p);
                case "limit" -> limit(p);
                default -> generic(p);
            }
        }
        if (!compute.isEmpty()) {
            md.append(ComputeReport.section(compute, charts));
        }
        checks();
        raw();
    }

    // ------------------------------------------------------------------ header and summary

    private static String label(Part p) {
        String commit = p.env("commit");
        String shortCommit = commit == null ? "unknown" : commit.length() > 12 ? commit.substring(0, 12) : commit;
        if (Boolean.TRUE.equals(p.environment().get("dry_run"))) {
            return "fake libcuda (dry run, no GPU) · commit " + shortCommit;
        }
        return p.env("gpu") + " · driver " + p.env("driver") + " · CUDA " + p.env("cuda") + " · commit "
                + shortCommit;
    }

    private void header() {
        Part first = data.parts.getFirst();
        boolean dry = data.parts.stream().anyMatch(p -> Boolean.TRUE.equals(p.environment().get("dry_run")));
        line("# hami-ffm benchmarks: " + (dry ? "dry run against the fake driver" : first.env("gpu")));
        line();
        if (dry) {
            line("> **Dry run.** These numbers come from the fake `libcuda` of the build machine: they prove the "
                    + "harness, the runner and this report, and say nothing about a GPU.");
            line();
        }
        Set<String> labels = new LinkedHashSet<>();
        data.parts.forEach(p -> labels.add(label(p)));
        for (String l : labels) {
            line("**" + l + "**  ");
        }
        line("Measured " + first.env("date") + " on `" + first.env("host") + "` (" + first.env("cpu") + ", "
                + first.env("cpus") + " CPUs); driver API version seen by the harness: "
                + driverApi(first) + ". Parts: " + String.join(", ", data.parts.stream().map(Part::name).toList())
                + ".");
        line();
        line("How to read it: every figure is the **median over repetitions** of a per-run value (itself a p50, p99 "
                + "or rate over thousands of calls, as its name says); the spread in parentheses is the smallest and "
                + "largest repetition. **× native** is the paired ratio: the median over repetitions of (configuration"
                + " ÷ native in the same repetition) — each repetition runs every configuration back to back, in an "
                + "order rotated per repetition, so this cancels most of the drift of a shared machine; the ratio of "
                + "the two medians follows in parentheses where it differs. For times below 1× is faster than "
                + "native; for rates (/s) below 1× is slower. Repetition 0 of every case is a warm-up "
                + "and never counted. Steady-state figures exclude each process's first calls (≥ 5000 and ≥ 300 ms "
                + "of 1 MiB alloc+free pairs), which a JIT-compiled interposer needs; the cold cost is reported "
                + "apart (first 2000 pairs, first call of a fresh process).");
        line();
        line("## Configurations");
        line();
        line("| config | how the measured program was started | limit |");
        line("|---|---|---|");
        Map<String, String> seen = new LinkedHashMap<>();
        for (Part p : data.parts) {
            for (String c : p.configs()) {
                String limits = limitsOf(c);
                seen.putIfAbsent(c, "| `" + c + "` | " + p.describe(c) + " | " + limits + " |");
            }
        }
        seen.values().forEach(this::line);
        line();
    }

    private String limitsOf(String config) {
        Map<String, List<String>> byLimit = new LinkedHashMap<>();
        for (Part p : data.parts) {
            if (p.configs().contains(config)) {
                long b = p.limitOf(config);
                byLimit.computeIfAbsent(b == 0 ? "none" : gib(b), k -> new ArrayList<>()).add(p.name());
            }
        }
        if (byLimit.size() == 1) {
            return byLimit.keySet().iterator().next();
        }
        List<String> out = new ArrayList<>();
        byLimit.forEach((l, parts) -> out.add(l + " (" + String.join(", ", parts) + ")"));
        return String.join("; ", out);
    }

    private static String driverApi(Part p) {
        for (Run r : p.runs()) {
            Double v = Json.num(r.result().get("driver_api_version"));
            if (v != null) {
                return String.format(Locale.ROOT, "%d.%d", v.intValue() / 1000, v.intValue() % 1000 / 10);
            }
        }
        return "unknown";
    }

    private record Headline(String part, String caseName, String metric, String what) {
    }

    private void summary() throws IOException {
        List<Headline> rows = new ArrayList<>();
        rows.add(new Headline("calls", "calls", "launch_ns", null));
        rows.add(new Headline("calls", "calls", "launch_sync_ns", null));
        rows.add(new Headline("calls", "calls", "meminfo_ns", null));
        rows.add(new Headline("calls", "calls", "devcount_ns", null));
        rows.add(new Headline("calls", "calls", "alloc_1MiB_ns", null));
        rows.add(new Headline("calls", "calls", "free_1MiB_ns", null));
        rows.add(new Headline("calls", "calls", "alloc_2GiB_ns", null));
        rows.add(new Headline("calls", "calls", "first2000_pair_mean_ns", null));
        rows.add(new Headline("startup", "ctx", "ctx_primary_ms", null));
        rows.add(new Headline("startup", "firstcall", "spawn_to_first_alloc_ms", null));
        rows.add(new Headline("startup", "firstcall-fresh", "spawn_to_first_alloc_ms", "fresh region: "));
        Part tenants = data.part("tenants");
        if (tenants != null) {
            String one = tenants.caseNames().contains("pairs-p1") ? "pairs-p1" : null;
            String most = largest(tenants, "pairs-p");
            if (one != null) {
                rows.add(new Headline("tenants", one, "pair_p50_us", "1 process: "));
            }
            if (most != null) {
                rows.add(new Headline("tenants", most, "pair_p50_us", procsOf(most) + " processes: "));
                rows.add(new Headline("tenants", most, "pair_p99_us", procsOf(most) + " processes: "));
            }
        }
        Part kv = data.part("kv");
        if (kv != null) {
            String most = largest(kv, "kv-p");
            if (kv.caseNames().contains("kv-p1")) {
                rows.add(new Headline("kv", "kv-p1", "allocs_per_s", "KV pattern, 1 process: "));
            }
            if (most != null) {
                rows.add(new Headline("kv", most, "allocs_per_s", "KV pattern, " + procsOf(most) + " processes: "));
            }
        }
        rows.add(new Headline("limit", "fill-1g", "chunks_count", "1 GiB "));
        rows.add(new Headline("limit", "fill-p8", "total_chunks_count", "256 MiB, 8 processes: "));
        rows.add(new Headline("limit", "fill-1g", "refuse_edge_us", null));
        rows.add(new Headline("limit", "fill-1g", "refuse_oversize_us", null));

        List<String> configs = allConfigs();
        line("## Summary");
        line();
        StringBuilder head = new StringBuilder("| measurement | part |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String c : configs) {
            head.append(' ').append(c).append(" |");
            rule.append("---:|");
        }
        line(head.toString());
        line(rule.toString());
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        List<String> cats = new ArrayList<>();
        for (Headline h : rows) {
            Part p = data.part(h.part());
            if (p == null || !p.metrics(h.caseName()).contains(h.metric())) {
                continue;
            }
            StringBuilder row = new StringBuilder("| " + (h.what() == null ? "" : h.what())
                    + Metrics.label(h.metric()) + " | " + h.part() + " |");
            String cat = shortName(h);
            boolean limitCount = h.metric().endsWith("_count");
            for (String c : configs) {
                Stat s = p.configs().contains(c) ? p.stat(h.caseName(), h.metric(), c) : null;
                if (s == null) {
                    row.append(" – |");
                    continue;
                }
                String v = Metrics.format(h.metric(), s.median());
                if (limitCount) {
                    long lim = p.limitOf(c);
                    long chunk = chunkOf(p, h.caseName());
                    v += lim > 0 && chunk > 0 ? " of " + lim / chunk : " (no limit)";
                } else if (!c.equals("native") && s.paired() != null) {
                    v += " (" + Metrics.ratio(s.paired()) + ")";
                    if (!h.metric().endsWith("_count")) {
                        ratios.computeIfAbsent(c, k -> new LinkedHashMap<>()).put(cat, s.paired());
                    }
                }
                row.append(' ').append(v).append(" |");
            }
            if (!limitCount) {
                cats.add(cat);
            }
            line(row.toString());
        }
        line();
        line("Values: medians over repetitions; in parentheses the paired ratio to native. Chunk counts: obtained "
                + "of floor(limit ÷ chunk); native has no limit and stops at a cap a little above it.");
        line();
        if (!ratios.isEmpty()) {
            chart("summary-ratios.png", "Headline figures, ratio to native (paired medians; 1 = native)",
                    f -> Charts.bars(f, "Ratio to native, headline figures", label(data.parts.getFirst()),
                            "× native (paired median)", cats, ratios, 1.0, true));
        }
    }

    private static String shortName(Headline h) {
        String m = h.metric().replaceAll("_(ns|us|ms|per_s|count)$", "");
        return switch (h.part()) {
            case "tenants", "kv" -> h.caseName() + " " + m;
            case "startup" -> h.caseName().endsWith("-fresh") ? "fresh region " + m : m;
            default -> m;
        };
    }

    /** Which region files a startup case's runs had: kept per configuration (bench.py "region": "kept") or fresh. */
    private static String regionsOf(Part p, String caseName) {
        return "kept".equals(Json.str(Json.at(p.cases().get(caseName), "region")))
                ? "Each configuration keeps one region file across the repetitions, as a pod's processes share "
                        + "theirs; the first process on a fresh region also measures the device's context size "
                        + "(`firstcall-fresh`, where measured)."
                : "Every run had a fresh region file, so under hami each also measured the device's context size "
                        + "(throwaway contexts, once per region and device), which the processes of a pod after its "
                        + "first do not.";
    }

    private static String largest(Part p, String prefix) {
        return p.caseNames().stream().filter(c -> c.startsWith(prefix) && c.substring(prefix.length()).matches("\\d+"))
                .max((a, b) -> Integer.compare(procsOf(a), procsOf(b))).orElse(null);
    }

    private static int procsOf(String caseName) {
        String d = caseName.replaceAll("^.*-[pt]", "");
        return d.matches("\\d+") ? Integer.parseInt(d) : 0;
    }

    private static long chunkOf(Part p, String caseName) {
        Double c = Json.num(Json.at(p.cases().get(caseName), "chunk"));
        return c == null ? 0 : c.longValue();
    }

    private List<String> allConfigs() {
        Set<String> c = new LinkedHashSet<>();
        data.parts.forEach(p -> c.addAll(p.configs()));
        return List.copyOf(c);
    }

    // ------------------------------------------------------------------ GPU-Virt-Bench

    private void gpuVirtBench() {
        line("## What GPU-Virt-Bench measured, and what this suite measures instead");
        line();
        line("The analysis this project starts from used GPU-Virt-Bench. Where a metric of it does not measure what "
                + "its name says, this suite measures the intended quantity directly, always next to native:");
        line();
        line("| GPU-Virt-Bench | what it does | the problem | here |");
        line("|---|---|---|---|");
        line("| OH-001 kernel launch latency | `<<<1,1>>>` + `cudaStreamSynchronize`, 1000× | a GPU round trip, "
                + "dominated by the GPU and the sync; an interposer's share is hidden | both: host time of "
                + "`cuLaunchKernel` alone (batches of 256, the queue never fills) and launch + sync (`calls`) |");
        line("| OH-002 / OH-003 alloc / free | `cudaMalloc` of 6 sizes (1 KB–256 MB) pooled into one median | "
                + "sizes mixed in one number; small sizes map and unmap a page each time | `cuMemAlloc_v2` / "
                + "`cuMemFree_v2` per size, 1 KiB–2 GiB in ×4 steps, each its own distribution, a 2 MiB anchor "
                + "allocation held (`calls`) |");
        line("| OH-004 context creation | `cudaDeviceReset` + `cudaSetDevice` + first `cudaMalloc` | fine in "
                + "spirit | primary retain + first alloc after `cuDevicePrimaryCtxReset`, and `cuCtxCreate`; plus "
                + "the first CUDA call of a fresh process, JVM boot included (`startup`) |");
        line("| OH-005 API interception | `cudaGetDeviceCount` 10 000× | cudart answers it from its own state "
                + "once initialized: the driver is never called, so no driver-API interposer is on that path — "
                + "it times cudart | `cuMemGetInfo_v2`, the driver call itself (decided by the hooks under a "
                + "limit), and `cuDeviceGetCount` as the control nobody intercepts (`calls`) |");
        line("| OH-006 lock contention | 8 threads of one process × 50 `cudaMalloc` 1 MB, p95 | threads of "
                + "one process and 400 samples: the driver's own locking, not a lock shared between tenants | 1, 4 "
                + "and 16 processes (and 8 threads) × 2000 alloc+free pairs, p50 / p99 / max over all "
                + "(`tenants`) |");
        line("| OH-010 total throughput | times a workload, then stores `value = 0.0` | always 0: never "
                + "compared with anything | not reproduced as such: end-to-end throughput belongs to application "
                + "benchmarks; the per-call figures here bound what interposition adds |");
        line("| IS-001 memory limit accuracy | 64 MB chunks, at most 256 of them | stops at 16 GiB, so any "
                + "limit above reads as inaccurate; \"accuracy\" is relative to the total the interposer itself "
                + "reports | 1 GiB chunks until refused up to the whole limit (60 GiB of the 80 GB card), count vs "
                + "floor(limit ÷ chunk); 8 processes filling one limit at once; what nvidia-smi says the process "
                + "holds (`limit`) |");
        line("| IS-002 enforcement time | `cudaMalloc(free + 100 MB)` 50× | the request depends on what each "
                + "configuration reports as free | refusal time with the limit full, and of the same 1 TiB request "
                + "under every configuration (`limit`) |");
        line("| LLM-002 KV-cache allocation | 100 `cudaMalloc` per size (256 KB–2 MB), rate from the batch "
                + "time, frees untimed | a hundred first calls; no frees; not a KV pattern | random 64 KiB–2 MiB "
                + "allocations and frees around a live set of 256, 10 000 per process, 1/4/16 processes: "
                + "allocations/s and p99 (`kv`) |");
        line("| LLM-004 token latency | 2 small kernels + sync per token | a kernel round trip | the host side "
                + "is launch + sync, measured in `calls` |");
        line();
    }

    // ------------------------------------------------------------------ parts

    private void partHeader(Part p, String number) {
        int reps = p.runs().stream().filter(r -> !r.warmup()).mapToInt(Run::rep).max().orElse(0);
        line("## " + number + p.title());
        line();
        line("Part `" + p.name() + "` (" + p.file().getFileName() + "): configurations "
                + String.join(", ", p.configs().stream().map(c -> "`" + c + "`").toList()) + "; up to " + reps
                + " repetitions per case after one warm-up" + (p.limit() == null ? "" : "; limit " + p.limit())
                + ". " + label(p) + ".");
        line();
    }

    private void calls(Part p) throws IOException {
        partHeader(p, "1. ");
        List<String> order = List.of("launch_ns", "launch_p99_ns", "launch_batch_mean_ns", "launch_sync_ns",
                "launch_sync_p99_ns", "meminfo_ns", "meminfo_p99_ns", "devcount_ns", "first2000_pair_mean_ns");
        List<String> metrics = new ArrayList<>(order.stream().filter(p.metrics("calls")::contains).toList());
        p.metrics("calls").stream().filter(m -> !metrics.contains(m) && !m.matches("(alloc|free)_\\d+[KMG]iB_ns"))
                .forEach(metrics::add);
        metricTable(p, "calls", metrics);
        line("`cuMemGetInfo_v2` is answered by the hooks under a limit (total = the limit); `cuDeviceGetCount` is "
                + "exported by no interposer here and shows what the preload costs a call it leaves alone. The "
                + "launch figures are host time only; the empty kernel comes from PTX via `cuModuleLoadData`.");
        line();
        List<String> sizes = new ArrayList<>();
        for (String m : p.metrics("calls")) {
            if (m.matches("alloc_\\d+[KMG]iB_ns")) {
                sizes.add(m.substring(6, m.length() - 3));
            }
        }
        if (!sizes.isEmpty()) {
            line("### cuMemAlloc_v2 / cuMemFree_v2 by size (p50 per run, medians over repetitions)");
            line();
            StringBuilder head = new StringBuilder("| size |");
            StringBuilder rule = new StringBuilder("|---:|");
            for (String c : p.configs()) {
                head.append(" alloc ").append(c).append(" |");
                rule.append("---:|");
            }
            for (String c : p.configs()) {
                head.append(" free ").append(c).append(" |");
                rule.append("---:|");
            }
            line(head.toString());
            line(rule.toString());
            Map<String, List<double[]>> lines = new LinkedHashMap<>();
            for (String size : sizes) {
                StringBuilder row = new StringBuilder("| " + Metrics.spaced(size) + " |");
                for (String kind : List.of("alloc", "free")) {
                    for (String c : p.configs()) {
                        Stat s = p.stat("calls", kind + "_" + size + "_ns", c);
                        row.append(' ').append(cell(kind + "_ns", s, c, false)).append(" |");
                        if (s != null) {
                            lines.computeIfAbsent(c + " " + kind, k -> new ArrayList<>())
                                    .add(new double[] {bytes(size), s.median() / 1e3});
                        }
                    }
                }
                line(row.toString());
            }
            line();
            chart("alloc-by-size.png", "cuMemAlloc_v2 (solid) and cuMemFree_v2 (dashed) by size",
                    f -> Charts.lines(f, "cuMemAlloc_v2 (solid) / cuMemFree_v2 (dashed), p50 by size",
                            label(p), "bytes", "µs (median over repetitions of the p50)", lines, true, true));
        }
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        List<String> cats = List.of("launch_ns", "launch_sync_ns", "meminfo_ns", "devcount_ns", "alloc_1KiB_ns",
                "alloc_1MiB_ns", "free_1MiB_ns", "alloc_64MiB_ns", "alloc_2GiB_ns", "free_2GiB_ns");
        List<String> present = new ArrayList<>();
        for (String m : cats) {
            boolean any = false;
            for (String c : p.configs()) {
                Stat s = c.equals("native") ? null : p.stat("calls", m, c);
                if (s != null && s.paired() != null) {
                    ratios.computeIfAbsent(c, k -> new LinkedHashMap<>()).put(m.replaceAll("_ns$", ""), s.paired());
                    any = true;
                }
            }
            if (any) {
                present.add(m.replaceAll("_ns$", ""));
            }
        }
        if (!ratios.isEmpty()) {
            chart("calls-ratios.png", "Driver calls: ratio to native",
                    f -> Charts.bars(f, "Driver calls: ratio to native (paired median)", label(p), "× native",
                            present, ratios, 1.0, true));
        }
        cdf(p, "calls", "launch", "ns", "launch-cdf.png", "cuLaunchKernel host time per launch");
        cdf(p, "calls", "launch_sync", "ns", "launch-sync-cdf.png", "launch + cuCtxSynchronize round trip");
        cdf(p, "calls", "meminfo", "ns", "meminfo-cdf.png", "cuMemGetInfo_v2 per call");
    }

    private void cdf(Part p, String caseName, String section, String key, String file, String title)
            throws IOException {
        Map<String, double[]> curves = new LinkedHashMap<>();
        for (String c : p.configs()) {
            List<double[]> qs = new ArrayList<>();
            for (Run r : p.runs(caseName, c, false)) {
                List<Object> q = Json.list(Json.at(r.result(), section, key, "q"));
                if (q.size() > 2) { // percentiles 0..99: the maximum (one call) would stretch the axis
                    qs.add(q.subList(0, q.size() - 1).stream()
                            .mapToDouble(o -> Json.num(o) == null ? Double.NaN : Json.num(o) / 1e3).toArray());
                }
            }
            if (!qs.isEmpty()) {
                curves.put(c, BenchData.medianCurve(qs));
            }
        }
        if (!curves.isEmpty()) {
            chart(file, title + ": distribution (percentiles 0–99, median curve over repetitions)",
                    f -> Charts.cdf(f, title + ": distribution", label(p), "µs (log)", curves));
        }
    }

    private void startup(Part p) throws IOException {
        partHeader(p, "2. ");
        if (p.caseNames().contains("ctx")) {
            line("### Context creation with a real reset (`ctx`)");
            line();
            String api = null;
            for (Run r : p.runs()) {
                api = api == null ? Json.str(r.result().get("reset_api")) : api;
            }
            boolean reset = api == null || api.contains("Reset");
            line("Each iteration: `cuDevicePrimaryCtxRetain` + `cuCtxSetCurrent` + a 1 KiB `cuMemAlloc`/`cuMemFree` "
                    + "(the first call is where a context is really built), then `cuDevicePrimaryCtxRelease_v2` (the "
                    + "last reference: the context is destroyed)" + (reset ? " and `cuDevicePrimaryCtxReset_v2`"
                    : " (this driver has no `cuDevicePrimaryCtxReset_v2`)") + ". The first iteration of a process is "
                    + "reported apart (under hami it includes the JVM boot); then `cuCtxCreate` + first allocation + "
                    + "`cuCtxDestroy`. " + regionsOf(p, "ctx"));
            line();
            metricTable(p, "ctx", p.metrics("ctx"));
        }
        if (p.caseNames().contains("firstcall")) {
            line("### First CUDA call of a fresh process (`firstcall`)");
            line();
            line("The runner takes `CLOCK_MONOTONIC` just before it spawns the process and passes it in; the program "
                    + "reports each step from there. Under `hami` the spawn includes `hami-run`'s own launcher JVM "
                    + "before it becomes the program; in `hami-env` (HAMi's environment mode) only the trampoline's "
                    + "in-process JVM boot, on the first allocation. " + regionsOf(p, "firstcall"));
            line();
            metricTable(p, "firstcall", p.metrics("firstcall"));
            line("Cold (the warm-up repetition: the first process of each configuration after the files arrived, under "
                    + "hami also the first on its region):");
            line();
            line("| config | spawn to first allocation | whole process |");
            line("|---|---:|---:|");
            for (String c : p.configs()) {
                for (Run r : p.runs("firstcall", c, true)) {
                    if (r.warmup()) {
                        line("| " + c + " | " + fmt("spawn_to_first_alloc_ms", r.metrics().get(
                                "spawn_to_first_alloc_ms")) + " | " + fmt("process_wall_ms",
                                r.metrics().get("process_wall_ms")) + " |");
                    }
                }
            }
            line();
            Map<String, Map<String, List<Double>>> boxes = new LinkedHashMap<>();
            for (String c : p.configs()) {
                for (String m : List.of("spawn_to_first_alloc_ms", "process_wall_ms")) {
                    List<Double> v = new ArrayList<>(p.values("firstcall", m, c).values());
                    if (!v.isEmpty()) {
                        boxes.computeIfAbsent(c, k -> new LinkedHashMap<>()).put(Metrics.label(m), v);
                    }
                }
            }
            if (!boxes.isEmpty()) {
                chart("firstcall-box.png", "First CUDA call of a fresh process: repetitions",
                        f -> Charts.boxes(f, "First CUDA call of a fresh process (box: repetitions)", label(p), "ms",
                                boxes));
            }
            Map<String, String> steps = new LinkedHashMap<>();
            steps.put("spawn_to_main_ms", "spawn → main()");
            steps.put("init_ms", "cuInit");
            steps.put("ctx_ms", "context");
            steps.put("first_alloc_ms", "first cuMemAlloc");
            steps.put("second_alloc_us", "second cuMemAlloc");
            Map<String, Map<String, Double>> parts = new LinkedHashMap<>();
            List<String> cats = new ArrayList<>(steps.values());
            for (String m : steps.keySet()) {
                String cat = steps.get(m);
                for (String c : p.configs()) {
                    Stat s = p.stat("firstcall", m, c);
                    if (s != null) {
                        double ms = m.endsWith("_us") ? s.median() / 1e3 : s.median();
                        parts.computeIfAbsent(c, k -> new LinkedHashMap<>()).put(cat, Math.max(ms, 1e-4));
                    }
                }
            }
            if (!parts.isEmpty()) {
                chart("firstcall-steps.png", "First CUDA call: where the time goes",
                        f -> Charts.bars(f, "First CUDA call, step by step (medians)", label(p), "ms (log)", cats,
                                parts, Double.NaN, true));
            }
            if (p.caseNames().contains("firstcall-fresh")) {
                line("#### The first process on a fresh region (`firstcall-fresh`)");
                line();
                line("The same program with a new region file every run: the first process that needs the device's "
                        + "context size (charged for every context under a limit) measures it, with throwaway "
                        + "contexts, before its first allocation goes on; once per region and device, so a pod pays "
                        + "it in its first CUDA process only.");
                line();
                metricTable(p, "firstcall-fresh", p.metrics("firstcall-fresh"));
            }
        }
    }

    private void tenants(Part p) throws IOException {
        partHeader(p, "3. ");
        line("N processes (forked before any CUDA call, each with its own context) and one case of 8 threads in one "
                + "process, released together by a barrier once all hold a context; each does 2000 pairs of "
                + "`cuMemAlloc_v2` + `cuMemFree_v2` of 1 MiB (a 2 MiB anchor held, so pairs hit the driver's "
                + "sub-allocator). Percentiles over every pair of every process. Under `hami` all processes are one "
                + "tenant of one region: every allocation and free goes through the same shared counter (a CAS).");
        line();
        multiTable(p, List.of("pair_p50_us", "pair_p99_us", "pair_max_us", "ops_per_s", "worker_rate_min_per_s",
                "ready_ms"));
        scaling(p, "pairs-p", List.of("pair_p50_us", "pair_p99_us"), "tenants-scaling.png",
                "alloc+free 1 MiB under N processes: p50 (solid), p99 (dashed)", "µs (log)", true);
    }

    private void kv(Part p) throws IOException {
        partHeader(p, "4. ");
        line("Each process: 10 000 operations around a live set of at most 256 allocations; each operation "
                + "allocates (random power of two, 64 KiB–2 MiB) or frees a random live one, with a seeded "
                + "generator, so every configuration does the same sequence. The rate counts allocations per "
                + "second of all processes together (GPU-Virt-Bench's LLM-002 figure, measured over a real "
                + "alloc/free mix).");
        line();
        multiTable(p, List.of("allocs_per_s", "ops_per_s", "alloc_p50_us", "alloc_p99_us", "free_p50_us",
                "free_p99_us", "worker_rate_min_per_s"));
        scaling(p, "kv-p", List.of("allocs_per_s"), "kv-rate.png", "KV-style allocations per second, all processes",
                "allocations / s", false);
        scaling(p, "kv-p", List.of("alloc_p50_us", "alloc_p99_us"), "kv-latency.png",
                "KV-style cuMemAlloc: p50 (solid), p99 (dashed)", "µs (log)", true);
    }

    private void multiTable(Part p, List<String> metrics) {
        StringBuilder head = new StringBuilder("| case | config |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String m : metrics) {
            head.append(' ').append(Metrics.label(m)).append(" |");
            rule.append("---:|");
        }
        line(head.toString());
        line(rule.toString());
        for (String cs : p.caseNames()) {
            for (String c : p.configs()) {
                StringBuilder row = new StringBuilder("| " + caseLabel(p, cs) + " | " + c + " |");
                boolean any = false;
                for (String m : metrics) {
                    Stat s = p.stat(cs, m, c);
                    any |= s != null;
                    row.append(' ').append(cell(m, s, c, true)).append(" |");
                }
                if (any) {
                    line(row.toString());
                }
            }
        }
        line();
    }

    private static String caseLabel(Part p, String cs) {
        Map<String, Object> c = Json.map(p.cases().get(cs));
        Double procs = Json.num(c.get("procs"));
        Double threads = Json.num(c.get("threads"));
        if (procs == null) {
            return cs;
        }
        return procs.intValue() + (procs.intValue() == 1 ? " process" : " processes")
                + (threads != null && threads > 1 ? " × " + threads.intValue() + " threads" : "");
    }

    private void scaling(Part p, String prefix, List<String> metrics, String file, String title, String axis,
                         boolean logY) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (String c : p.configs()) {
            for (String m : metrics) {
                List<double[]> pts = new ArrayList<>();
                for (String cs : p.caseNames()) {
                    if (!cs.startsWith(prefix) || !cs.substring(prefix.length()).matches("\\d+")) {
                        continue;
                    }
                    Stat s = p.stat(cs, m, c);
                    if (s != null) {
                        pts.add(new double[] {procsOf(cs), s.median()});
                    }
                }
                if (!pts.isEmpty()) {
                    String what = m.contains("p99") ? "p99" : m.contains("p50") ? "p50" : m.replaceAll("_.*", "");
                    series.put(c + " " + what, pts);
                }
            }
        }
        if (!series.isEmpty()) {
            chart(file, title, f -> Charts.lines(f, title, label(p), "processes", axis, series, true, logY));
        }
    }

    private void limit(Part p) throws IOException {
        partHeader(p, "5. ");
        line("`fill-1g`: one process allocates 1 GiB chunks until the first refusal (native: until a cap a few "
                + "chunks above the limit, to spare the shared card), holds them while the runner asks nvidia-smi "
                + "what the process really holds, then times refusals at the edge and, after freeing, refusals of "
                + "a 1 TiB request (more than any limit and the card: the same request for every configuration). "
                + "`fill-p8`: 8 processes allocate 256 MiB chunks at once against one shared limit and hold them "
                + "until all are done.");
        line();
        line("| case | config | limit | chunk | expected | obtained (every repetition) | stopped by | "
                + "memGetInfo total / free when full | nvidia-smi: held by the process | verdict |");
        line("|---|---|---:|---:|---:|---|---|---|---:|---|");
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        List<String> cats = new ArrayList<>();
        for (String cs : p.caseNames()) {
            long chunk = chunkOf(p, cs);
            String key = cs.equals("fill-p8") ? "total_chunks_count" : "chunks_count";
            for (String c : p.configs()) {
                List<Run> runs = p.runs(cs, c, false);
                if (runs.isEmpty()) {
                    continue;
                }
                long lim = p.limitOf(c);
                long expected = lim > 0 && chunk > 0 ? lim / chunk : -1;
                List<Long> got = runs.stream().map(r -> r.metrics().get(key)).filter(v -> v != null)
                        .map(Double::longValue).toList();
                Run first = runs.getFirst();
                String stop = cs.equals("fill-p8") ? stopsOf(first) : Json.str(first.result().get("stop_name"));
                String info = Json.num(first.result().get("mem_info_total_full")) == null ? "–"
                        : gib(Json.num(first.result().get("mem_info_total_full")).longValue()) + " / "
                        + gib(Json.num(first.result().get("mem_info_free_full")).longValue());
                String held = "–";
                for (Object e : first.events()) {
                    Double mib = Json.num(Json.map(e).get("smi_process_mib"));
                    if (mib != null) {
                        held = String.format(Locale.ROOT, "%.2f GiB", mib / 1024);
                    }
                }
                String verdict;
                if (expected < 0) {
                    verdict = "no limit (stopped at the cap)";
                } else if (got.stream().allMatch(g -> g == expected)) {
                    verdict = "**exact**";
                } else {
                    long worst = got.stream().mapToLong(g -> g - expected).filter(d -> d != 0)
                            .reduce((a, b) -> Math.abs(a) > Math.abs(b) ? a : b).orElse(0);
                    verdict = worst > 0 ? "**over** by " + worst + " chunk(s)" : "under by " + -worst + " chunk(s)";
                    Double total = Json.num(p.environment().get("gpu_memory_total_mib"));
                    Double used = Json.num(p.environment().get("gpu_memory_used_mib_at_start"));
                    if (worst < 0 && total != null && used != null && (total - used) * (1L << 20) < lim + (1L << 30)) {
                        verdict += " (the card had only " + gib((long) ((total - used) * (1L << 20)))
                                + " free at the start)";
                    }
                }
                line("| " + cs + " | " + c + " | " + (lim > 0 ? gib(lim) : "none") + " | " + gib(chunk) + " | "
                        + (expected < 0 ? "–" : Long.toString(expected)) + " | " + joinLongs(got) + " | " + stop
                        + " | " + (cs.equals("fill-p8") ? "–" : info) + " | " + held + " | " + verdict + " |");
                if (!got.isEmpty()) {
                    String cat = cs + (chunk > 0 ? " (" + gib(chunk) + " chunks)" : "");
                    if (!cats.contains(cat)) {
                        cats.add(cat);
                    }
                    bars.computeIfAbsent(c + " obtained", k -> new LinkedHashMap<>()).put(cat,
                            BenchData.median(got.stream().map(Long::doubleValue).toList()));
                    if (expected >= 0) {
                        bars.computeIfAbsent(c + " expected", k -> new LinkedHashMap<>()).put(cat,
                                (double) expected);
                    }
                }
            }
        }
        line();
        line("The limit counts what the program allocates; the CUDA context of each process (about half a GiB on "
                + "an H100) is not counted yet, which is why nvidia-smi shows a little more than the limit held.");
        line();
        if (!bars.isEmpty()) {
            chart("limit-accuracy.png", "Chunks obtained vs floor(limit ÷ chunk)",
                    f -> Charts.bars(f, "Memory limit: chunks obtained vs expected", label(p), "chunks", cats, bars,
                            Double.NaN, false));
        }
        line("### Refusal time");
        line();
        metricTable(p, "fill-1g", List.of("refuse_edge_us", "refuse_edge_2MiB_us", "refuse_oversize_us",
                "alloc_chunk_ms", "free_chunk_ms"));
        Map<String, Map<String, Double>> refusals = new LinkedHashMap<>();
        List<String> rc = List.of("refuse_edge_us", "refuse_edge_2MiB_us", "refuse_oversize_us");
        for (String c : p.configs()) {
            for (String m : rc) {
                Stat s = p.stat("fill-1g", m, c);
                if (s != null) {
                    refusals.computeIfAbsent(c, k -> new LinkedHashMap<>()).put(m.replaceAll("_us$", ""),
                            s.median());
                }
            }
        }
        if (!refusals.isEmpty()) {
            chart("refusal.png", "Time of a refused cuMemAlloc",
                    f -> Charts.bars(f, "Refused cuMemAlloc (p50 per run, medians)", label(p), "µs (log)",
                            rc.stream().map(m -> m.replaceAll("_us$", "")).toList(), refusals, Double.NaN, true));
        }
    }

    private static String stopsOf(Run r) {
        Map<String, Integer> n = new TreeMap<>();
        for (Object o : Json.list(r.result().get("stop_rc_per_worker"))) {
            Double d = Json.num(o);
            String k = d == null ? "?" : d == 0 ? "cap" : d == 2 ? "OUT_OF_MEMORY" : "rc " + d.intValue();
            n.merge(k, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        n.forEach((k, v) -> parts.add(v + "× " + k));
        return String.join(", ", parts);
    }

    private void generic(Part p) {
        partHeader(p, "");
        for (String cs : p.caseNames()) {
            line("### " + cs);
            line();
            metricTable(p, cs, p.metrics(cs));
        }
    }

    // ------------------------------------------------------------------ tables

    private void metricTable(Part p, String caseName, List<String> metrics) {
        StringBuilder head = new StringBuilder("| measurement |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String c : p.configs()) {
            head.append(' ').append(c).append(" |");
            rule.append("---:|");
        }
        line(head.toString());
        line(rule.toString());
        for (String m : metrics) {
            StringBuilder row = new StringBuilder("| " + Metrics.label(m) + " |");
            boolean any = false;
            for (String c : p.configs()) {
                Stat s = p.stat(caseName, m, c);
                any |= s != null;
                row.append(' ').append(cell(m, s, c, true)).append(" |");
            }
            if (any) {
                line(row.toString());
            }
        }
        line();
    }

    /** "median (min–max)" and, away from native, the paired ratio. */
    private static String cell(String metric, Stat s, String config, boolean spread) {
        if (s == null) {
            return "–";
        }
        StringBuilder b = new StringBuilder(Metrics.format(metric, s.median()));
        if (spread && s.n() > 1 && s.min() != s.max()) {
            b.append(" <sub>(").append(Metrics.format(metric, s.min())).append("–")
                    .append(Metrics.format(metric, s.max())).append(")</sub>");
        }
        if (!config.equals("native") && s.paired() != null) {
            b.append(" **").append(Metrics.ratio(s.paired())).append("**");
            if (s.ratio() != null && Math.abs(s.ratio() - s.paired()) >= 0.01) {
                b.append(" <sub>(").append(Metrics.ratio(s.ratio())).append(")</sub>");
            }
        }
        return b.toString();
    }

    private static String fmt(String metric, Double v) {
        return v == null ? "–" : Metrics.format(metric, v);
    }

    // ------------------------------------------------------------------ checks and raw data

    private void checks() {
        int passed = 0;
        List<Map<String, Object>> failed = new ArrayList<>();
        for (Part p : data.parts) {
            for (Map<String, Object> c : p.checks()) {
                if (Boolean.TRUE.equals(c.get("pass"))) {
                    passed++;
                } else {
                    failed.add(c);
                }
            }
        }
        line("## Checks");
        line();
        line("Every run is checked by the runner: it succeeded; `libhami` is mapped exactly where it must be (and "
                + "the other interposer where it must be); under a hami limit `cuMemGetInfo` reports the limit as "
                + "the total; the limit cases obtain exactly floor(limit ÷ chunk) chunks. **" + passed + " passed, "
                + failed.size() + " failed.**");
        line();
        if (!failed.isEmpty()) {
            line("| part case | config | rep | check | detail |");
            line("|---|---|---:|---|---|");
            for (Map<String, Object> c : failed.subList(0, Math.min(40, failed.size()))) {
                line("| " + c.get("case") + " | " + c.get("config") + " | " + Json.str(c.get("rep")) + " | "
                        + c.get("name") + " | " + String.valueOf(c.get("detail")).replace("|", "\\|")
                        .replace("\n", " ") + " |");
            }
            line();
        }
        int skipped = data.parts.stream().mapToInt(p -> p.skipped().size()).sum();
        if (skipped > 0) {
            line(skipped + " runs were skipped (time budget or missing distribution): see `skipped` in the JSON.");
            line();
        }
    }

    private void raw() {
        line("## Raw data and how it was produced");
        line();
        line("| part | file | produced by (on the GPU machine) | runs | commit | GPU / driver / CUDA |");
        line("|---|---|---|---:|---|---|");
        for (Part p : data.parts) {
            line("| " + p.name() + " | [" + p.file().getFileName() + "](" + p.file().getFileName() + ") | `"
                    + p.invocation() + "` | " + p.runs().size() + " | `" + p.env("commit") + "` ("
                    + p.env("commit_source") + ") | " + p.env("gpu") + " / " + p.env("driver") + " / "
                    + p.env("cuda") + " |");
        }
        line();
        line("Each run's exact command line and added environment are in its JSON record (`runs[].cmd`, "
                + "`runs[].env`), with its full result, stderr tail and exit status. One example per configuration:");
        line();
        line("```");
        Set<String> shown = new LinkedHashSet<>();
        for (Part p : data.parts) {
            for (Run r : p.runs()) {
                if (!r.warmup() && shown.add(r.config())) {
                    StringBuilder b = new StringBuilder();
                    r.env().forEach((k, v) -> b.append(k).append('=').append(Json.str(v)).append(' '));
                    line("# " + r.config());
                    line(b + r.cmd());
                }
            }
        }
        line("```");
        line();
        Part first = data.parts.getFirst();
        line("Environment (" + first.name() + "): " + String.join("; ", List.of("host " + first.env("host"),
                "kernel " + first.env("kernel"), "nvcc " + first.env("nvcc"), "gcc " + first.env("gcc"),
                "libhami.so sha256 " + abbrev(first.env("libhami_sha256")),
                "GPU memory used at start " + (first.env("gpu_memory_used_mib_at_start") == null ? "unknown"
                        : first.env("gpu_memory_used_mib_at_start") + " MiB"),
                "other GPU processes at start: " + (first.env("gpu_processes_at_start") == null
                        || first.env("gpu_processes_at_start").isBlank() ? "none"
                        : first.env("gpu_processes_at_start").replace("\n", "; ")))) + ".");
        line();
        line("Regenerate this page: `java -cp \"$(cat benchmarks/target/classpath.txt):benchmarks/target/classes\" "
                + "io.hami.bench.report.Report " + data.dir + "`.");
    }

    // ------------------------------------------------------------------ helpers

    private interface ChartWriter {
        void write(Path file) throws IOException;
    }

    private void chart(String name, String alt, ChartWriter w) throws IOException {
        Path f = charts.resolve(name);
        w.write(f);
        line("![" + alt + "](charts/" + name + ")");
        line();
    }

    private static String abbrev(String s) {
        return s == null ? "–" : s.length() > 16 ? s.substring(0, 16) + "…" : s;
    }

    private static String joinLongs(List<Long> v) {
        return String.join(", ", v.stream().map(String::valueOf).toList());
    }

    static String gib(long bytes) {
        long unit = bytes >= 1L << 30 ? 1L << 30 : 1L << 20;
        String u = unit == 1L << 30 ? " GiB" : " MiB";
        return (bytes % unit == 0 ? Long.toString(bytes / unit) : Metrics.num(bytes / (double) unit)) + u;
    }

    private static double bytes(String label) {
        Function<String, Double> n = s -> Double.parseDouble(s.replaceAll("[^0-9]", ""));
        if (label.endsWith("GiB")) {
            return n.apply(label) * (1L << 30);
        }
        if (label.endsWith("MiB")) {
            return n.apply(label) * (1L << 20);
        }
        return n.apply(label) * 1024;
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void line() {
        md.append('\n');
    }
}
