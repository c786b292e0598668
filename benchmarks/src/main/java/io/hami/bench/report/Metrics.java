package io.hami.bench.report;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the harness's metric names mean and how their values read: the unit is the name's suffix. */
final class Metrics {
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("launch_ns", "cuLaunchKernel host time, p50 of single launches"),
            Map.entry("launch_p99_ns", "cuLaunchKernel host time, p99"),
            Map.entry("launch_batch_mean_ns", "cuLaunchKernel host time, batch mean (no clock per call)"),
            Map.entry("launch_sync_ns", "launch + cuCtxSynchronize round trip, p50"),
            Map.entry("launch_sync_p99_ns", "launch + cuCtxSynchronize round trip, p99"),
            Map.entry("meminfo_ns", "cuMemGetInfo_v2, p50"),
            Map.entry("meminfo_p99_ns", "cuMemGetInfo_v2, p99"),
            Map.entry("devcount_ns", "cuDeviceGetCount (intercepted by no one), p50"),
            Map.entry("first2000_pair_mean_ns", "first 2000 alloc+free 1 MiB pairs of the process, mean"),
            Map.entry("ctx_first_ms", "first context + first allocation of the process"),
            Map.entry("ctx_primary_ms", "primary context retain + first allocation after a reset, p50"),
            Map.entry("ctx_reset_ms", "release + cuDevicePrimaryCtxReset, p50"),
            Map.entry("ctx_create_ms", "cuCtxCreate + first allocation, p50"),
            Map.entry("ctx_destroy_ms", "cuCtxDestroy, p50"),
            Map.entry("spawn_to_main_ms", "spawn to main() (exec, preload; hami-run: its launcher JVM)"),
            Map.entry("init_ms", "cuInit"),
            Map.entry("ctx_ms", "context: cuDeviceGet + retain + set current"),
            Map.entry("first_alloc_ms", "first cuMemAlloc (the JVM boots here under a limit)"),
            Map.entry("main_to_first_alloc_ms", "main() to the first allocation returned"),
            Map.entry("spawn_to_first_alloc_ms", "spawn to the first allocation returned"),
            Map.entry("second_alloc_us", "second cuMemAlloc"),
            Map.entry("process_wall_ms", "whole process, spawn to exit"),
            Map.entry("pair_p50_us", "alloc+free 1 MiB, p50 over all calls of all processes"),
            Map.entry("pair_p99_us", "alloc+free 1 MiB, p99"),
            Map.entry("pair_max_us", "alloc+free 1 MiB, max"),
            Map.entry("alloc_p50_us", "cuMemAlloc, p50"),
            Map.entry("alloc_p99_us", "cuMemAlloc, p99"),
            Map.entry("free_p50_us", "cuMemFree, p50"),
            Map.entry("free_p99_us", "cuMemFree, p99"),
            Map.entry("ops_per_s", "allocations + frees per second, all processes"),
            Map.entry("allocs_per_s", "allocations per second, all processes"),
            Map.entry("worker_rate_min_per_s", "operations per second of the slowest process"),
            Map.entry("ready_ms", "fork to every process holding a context"),
            Map.entry("chunks_count", "chunks obtained before the first refusal"),
            Map.entry("alloc_chunk_ms", "cuMemAlloc of one chunk, p50"),
            Map.entry("free_chunk_ms", "cuMemFree of one chunk, p50"),
            Map.entry("refuse_edge_us", "refused cuMemAlloc of one chunk with the limit full, p50"),
            Map.entry("refuse_edge_2MiB_us", "refused cuMemAlloc of 2 MiB with the limit full, p50"),
            Map.entry("refuse_oversize_us", "refused cuMemAlloc of 1 TiB (more than limit and card), p50"),
            Map.entry("total_chunks_count", "chunks obtained by all processes together"),
            Map.entry("fill_alloc_ms", "cuMemAlloc of one chunk while all fill, p50"));

    private static final Pattern SIZED = Pattern.compile("(alloc|free)_(\\d+[KMG]iB)_ns");

    private Metrics() {
    }

    static String label(String metric) {
        String l = LABELS.get(metric);
        if (l != null) {
            return l;
        }
        Matcher m = SIZED.matcher(metric);
        if (m.matches()) {
            return (m.group(1).equals("alloc") ? "cuMemAlloc_v2 " : "cuMemFree_v2 ") + spaced(m.group(2)) + ", p50";
        }
        return metric;
    }

    /** "1MiB" reads "1 MiB". */
    static String spaced(String size) {
        return size.replaceAll("(\\d)([KMG]iB)", "$1 $2");
    }

    /** A value in the metric's unit, scaled to read well: 1234 ns reads 1.23 µs. */
    static String format(String metric, double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        if (metric.endsWith("_ns")) {
            return time(v);
        }
        if (metric.endsWith("_us")) {
            return time(v * 1e3);
        }
        if (metric.endsWith("_ms")) {
            return time(v * 1e6);
        }
        if (metric.endsWith("_per_s")) {
            return v >= 1e6 ? num(v / 1e6) + " M/s" : v >= 1e3 ? num(v / 1e3) + " k/s" : num(v) + " /s";
        }
        if (metric.endsWith("_count")) {
            return v == Math.rint(v) ? Long.toString((long) v) : num(v);
        }
        return num(v);
    }

    static String time(double ns) {
        double a = Math.abs(ns);
        if (a >= 1e9) {
            return num(ns / 1e9) + " s";
        }
        if (a >= 1e6) {
            return num(ns / 1e6) + " ms";
        }
        if (a >= 1e3) {
            return num(ns / 1e3) + " µs";
        }
        return num(ns) + " ns";
    }

    /** Three significant digits, no exponent. */
    static String num(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return a == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
    }

    static String ratio(Double r) {
        if (r == null) {
            return "–";
        }
        return (r >= 100 ? String.format(Locale.ROOT, "%.0f", r) : r >= 10 ? String.format(Locale.ROOT, "%.1f", r)
                : String.format(Locale.ROOT, "%.2f", r)) + "×";
    }

    /** The metric's value in a chart's unit: times in µs, rates per second, counts as they are. */
    static double chartValue(String metric, double v) {
        if (metric.endsWith("_ns")) {
            return v / 1e3;
        }
        if (metric.endsWith("_ms")) {
            return v * 1e3;
        }
        return v;
    }
}
