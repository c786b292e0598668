package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hami-run monitor} run in this JVM on an ephemeral port over regions written by the test, scraped over HTTP
 * in both text formats and read back by a strict parser of the exposition format.
 */
class MonitorCommandTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    @TempDir
    Path root;

    FakeHost host;
    Path path;

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(root);
        path = root.resolve("test.region");
    }

    /** Runs the monitor; {@code whileServing} gets the port and scrapes, then the command returns. */
    private CliRun monitor(MonitorCommand.Serving whileServing, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "monitor";
        all[1] = "--listen";
        all[2] = "127.0.0.1:0";
        System.arraycopy(args, 0, all, 3, args.length);
        return CliRun.run(host, cli -> ((MonitorCommand) cli.getSubcommands().get("monitor").getCommand())
                .serving = whileServing, all);
    }

    @Test
    void servesEveryNumberOfTheRegionInBothFormats() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            int a = region.findOrCreateTenant("team-a", ForgedRegion.limits(0, 8 * GIB), false);
            region.setSmShare(a, 0, 30);
            region.setPriority(a, Region.PRIORITY_HIGH);
            int live = region.claimSlot(a, 31337, 1, 1, "python train.py");
            assertThat(region.tryReserve(a, live, 0, 1536 * MIB)).isTrue();
            ForgedRegion.deadSlot(region, 900, a, 4711, "python worker.py", 0, 512 * MIB);
            int job = region.findOrCreateTenant("job-99", ForgedRegion.limits(1, GIB), true);
            region.setPriority(job, Region.PRIORITY_LOW);
            region.countRefusal(a);
            region.countRefusal(a);
            ForgedRegion.device(region, 0, new byte[] {(byte) 0xa1, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70, (byte) 0x81,
                    (byte) 0x92, (byte) 0xa3, (byte) 0xb4, (byte) 0xc5, (byte) 0xd6, (byte) 0xe7, (byte) 0xf8, 0x09});
            ForgedRegion.compute(region, a, 0, 1_500_000_000L, 250_000_000L, 4000, 120);

            List<Exposition> scrapes = new ArrayList<>();
            CliRun run = monitor(port -> {
                scrapes.add(scrape(port, OPENMETRICS));
                scrapes.add(scrape(port, "text/plain"));
            }, "--region", path.toString());

            assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("hami-run: monitor: serving http://127.0.0.1:")
                    .endsWith("/metrics for " + path + "\n");
            for (Exposition metrics : scrapes) {
                String r = "region=" + path;
                assertThat(metrics.value("hami_region_up", r)).isEqualTo(1);
                assertThat(metrics.value("hami_tenant_memory_used_bytes", r, "tenant=team-a", "device=0"))
                        .isEqualTo(2048 * MIB);
                assertThat(metrics.value("hami_tenant_memory_limit_bytes", r, "tenant=team-a", "device=0"))
                        .isEqualTo(8 * GIB);
                assertThat(metrics.value("hami_tenant_memory_limit_bytes", r, "tenant=job-99", "device=1"))
                        .isEqualTo(GIB);
                assertThat(metrics.value("hami_tenant_sm_share_percent", r, "tenant=team-a", "device=0"))
                        .isEqualTo(30);
                assertThat(metrics.value("hami_tenant_priority", r, "tenant=team-a")).isEqualTo(1);
                assertThat(metrics.value("hami_tenant_priority", r, "tenant=job-99")).isEqualTo(-1);
                assertThat(metrics.value("hami_tenant_processes", r, "tenant=team-a", "state=alive")).isEqualTo(1);
                assertThat(metrics.value("hami_tenant_processes", r, "tenant=team-a", "state=dead")).isEqualTo(1);
                assertThat(metrics.value("hami_tenant_processes", r, "tenant=job-99", "state=alive")).isZero();
                assertThat(metrics.value("hami_process_memory_used_bytes", r, "tenant=team-a", "pid=31337",
                        "slot=" + live, "device=0")).isEqualTo(1536 * MIB);
                assertThat(metrics.value("hami_process_memory_used_bytes", r, "tenant=team-a", "pid=4711",
                        "slot=900", "device=0")).isEqualTo(512 * MIB);
                // "no limit" and "no share" are absent, never a 0 that a dashboard would divide by
                assertThat(metrics.samples("hami_tenant_memory_limit_bytes")).hasSize(2);
                assertThat(metrics.samples("hami_tenant_sm_share_percent")).hasSize(1);
                assertThat(metrics.value("hami_tenant_allocations_refused_total", r, "tenant=team-a")).isEqualTo(2);
                assertThat(metrics.value("hami_tenant_allocations_refused_total", r, "tenant=job-99")).isZero();
                assertThat(metrics.value("hami_device_info", r, "device=0",
                        "uuid=GPU-a12b3c4d-5e6f-7081-92a3-b4c5d6e7f809")).isEqualTo(1);
                assertThat(metrics.samples("hami_device_info")).as("only active device records").hasSize(1);
                String[] line = {r, "tenant=team-a", "device=0"};
                assertThat(metrics.value("hami_tenant_gpu_seconds_total", line)).isEqualTo(1.5);
                assertThat(metrics.value("hami_tenant_throttle_wait_seconds_total", line)).isEqualTo(0.25);
                assertThat(metrics.value("hami_tenant_launches_total", line)).isEqualTo(4000);
                assertThat(metrics.value("hami_tenant_launches_throttled_total", line)).isEqualTo(120);
                assertThat(metrics.samples("hami_tenant_launches_total")).as("only lines with launches").hasSize(1);
                assertThat(metrics.types()).containsEntry("hami_tenant_memory_used_bytes", "gauge")
                        .containsEntry("hami_tenant_processes", "gauge");
            }
            assertThat(scrapes.getFirst().types()).containsEntry("hami_tenant_allocations_refused", "counter")
                    .containsEntry("hami_tenant_gpu_seconds", "counter").containsEntry("hami_device", "info");
            assertThat(scrapes.get(1).types()).containsEntry("hami_tenant_allocations_refused_total", "counter")
                    .containsEntry("hami_device_info", "gauge");
            assertThat(scrapes.getFirst().contentType()).startsWith("application/openmetrics-text");
            assertThat(scrapes.getFirst().units()).containsEntry("hami_tenant_memory_used_bytes", "bytes");
            assertThat(scrapes.get(1).contentType()).startsWith("text/plain");
        }
    }

    @Test
    void everyScrapeReadsTheRegionAsItIsNow() throws Exception {
        try (Region region = Region.openOrCreate(path)) {
            int a = region.findOrCreateTenant("team-a", ForgedRegion.limits(0, 8 * GIB), false);
            int slot = region.claimSlot(a, 31337, 1, 1, "serve");
            List<Double> used = new ArrayList<>();
            CliRun run = monitor(port -> {
                used.add(scrape(port, OPENMETRICS).value("hami_tenant_memory_used_bytes", "tenant=team-a"));
                region.tryReserve(a, slot, 0, 100 * MIB);
                region.setLimit(a, 0, 4 * GIB);
                Exposition after = scrape(port, OPENMETRICS);
                used.add(after.value("hami_tenant_memory_used_bytes", "tenant=team-a"));
                used.add(after.value("hami_tenant_memory_limit_bytes", "tenant=team-a"));
            }, "--region", path.toString());
            assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
            assertThat(used).containsExactly(0.0, (double) 100 * MIB, (double) 4 * GIB);
        }
    }

    @Test
    void aDirectoryOfRegionsIsReadAnewAtEveryScrape() throws Exception {
        Path dir = Files.createDirectories(root.resolve("containers"));
        Path first = dir.resolve("pod-1_main/hami.region");
        Path second = dir.resolve("pod-2_main/hami.region");
        Path truncated = dir.resolve("pod-3_main/hami.region");
        Files.createDirectories(dir.resolve("pod-9_main"));
        Files.writeString(dir.resolve("pod-9_main/vgpu.cache"), "HAMi-core's file, not a region");
        try (Region one = Region.openOrCreate(first)) {
            one.findOrCreateTenant("default", ForgedRegion.limits(0, 2 * GIB), false);
        }
        try (Region two = Region.openOrCreate(Files.createDirectories(truncated.getParent()).resolve("x"))) {
            two.findOrCreateTenant("default", ForgedRegion.limits(0, GIB), false);
        }
        byte[] whole = Files.readAllBytes(truncated.resolveSibling("x"));
        Files.delete(truncated.resolveSibling("x"));
        Files.write(truncated, java.util.Arrays.copyOf(whole, 4096)); // the magic, but not a whole region

        List<Exposition> scrapes = new ArrayList<>();
        CliRun run = monitor(port -> {
            scrapes.add(scrape(port, OPENMETRICS));
            try (Region two = Region.openOrCreate(second)) { // a container starts
                two.findOrCreateTenant("default", ForgedRegion.limits(0, 3 * GIB), false);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            scrapes.add(scrape(port, OPENMETRICS));
            uncheckedDelete(first); // a container is gone
            scrapes.add(scrape(port, OPENMETRICS));
        }, "--regions-dir", dir.toString());

        assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
        assertThat(scrapes.get(0).samples("hami_region_up")).containsOnly(
                Map.entry(Map.of("region", first.toString()), 1.0),
                Map.entry(Map.of("region", truncated.toString()), 0.0));
        assertThat(scrapes.get(0).value("hami_tenant_memory_limit_bytes", "region=" + first)).isEqualTo(2 * GIB);
        assertThat(scrapes.get(1).value("hami_tenant_memory_limit_bytes", "region=" + second)).isEqualTo(3 * GIB);
        assertThat(scrapes.get(1).samples("hami_region_up")).hasSize(3);
        assertThat(scrapes.get(2).samples("hami_region_up")).containsOnly(
                Map.entry(Map.of("region", second.toString()), 1.0),
                Map.entry(Map.of("region", truncated.toString()), 0.0));
        // the broken file is reported once, not at every scrape
        assertThat(run.err().lines().filter(l -> l.contains("cannot read"))).singleElement().asString()
                .contains(truncated.toString(), "truncated");
    }

    @Test
    void badInputIsOneLineAndTheStatusOfTheOtherTools() throws Exception {
        Region.openOrCreate(path).close();
        monitor(port -> {}, "--region", root.resolve("missing.region").toString())
                .assertOneErrorLine(RegionCommand.NOT_FOUND, "no region at " + root.resolve("missing.region"));
        monitor(port -> {}, "--regions-dir", root.resolve("nowhere").toString())
                .assertOneErrorLine(RegionCommand.NOT_FOUND, "no directory " + root.resolve("nowhere"));
        monitor(port -> {}, "--region", path.toString(), "--regions-dir", root.toString())
                .assertOneErrorLine(ExitCodes.FAILED, "--region and --regions-dir exclude each other");
        CliRun.run(host, "monitor", "--listen", "localhost:99999", "--region", path.toString())
                .assertOneErrorLine(ExitCodes.FAILED, "'localhost:99999' is not [HOST:]PORT", "[::1]:9394");
        CliRun.run(host, "monitor", "--listen", ":80", "--region", path.toString())
                .assertOneErrorLine(ExitCodes.FAILED, "':80' is not [HOST:]PORT");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun.run(host, "monitor", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--region", path.toString())
                    .assertOneErrorLine(ExitCodes.FAILED, "cannot listen on 127.0.0.1:" + taken.getLocalPort(),
                            "choose another address with --listen");
        }
    }

    @Test
    void listenAcceptsAPortAHostAndABracketedIpv6Host() {
        MonitorCommand.Listen.Parse parse = new MonitorCommand.Listen.Parse();
        assertThat(parse.convert("9394")).isEqualTo(new MonitorCommand.Listen(null, 9394));
        assertThat(parse.convert("0.0.0.0:80")).isEqualTo(new MonitorCommand.Listen("0.0.0.0", 80));
        assertThat(parse.convert("[::1]:9394")).isEqualTo(new MonitorCommand.Listen("::1", 9394));
        assertThat(parse.convert("[::1]:9394").toString()).isEqualTo("[::1]:9394");
    }

    private static void uncheckedDelete(Path file) {
        try {
            Files.delete(file);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Exposition scrape(int port, String accept) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).header("Accept", accept).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("HTTP status; body: %s", response.body()).isEqualTo(200);
            return Exposition.parse(response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The exposition read strictly: every line is a {@code # HELP/TYPE/UNIT} line of a family announced before its
     * samples, a sample of such a family, or OpenMetrics' final {@code # EOF}; anything else fails the test.
     */
    record Exposition(String contentType, Map<String, String> types, Map<String, String> units,
            Map<String, Map<Map<String, String>, Double>> families) {
        private static final Pattern META = Pattern.compile("# (HELP|TYPE|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
        private static final Pattern SAMPLE = Pattern.compile(
                "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (-?[0-9.eE+]+|NaN|[+-]Inf)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        static Exposition parse(String contentType, String body) {
            boolean openMetrics = contentType.startsWith("application/openmetrics-text");
            Map<String, String> types = new LinkedHashMap<>();
            Map<String, String> units = new LinkedHashMap<>();
            Map<String, Map<Map<String, String>, Double>> families = new LinkedHashMap<>();
            List<String> lines = body.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.equals("# EOF")) {
                    assertThat(openMetrics && i == lines.size() - 1).as("# EOF, last and only in OpenMetrics").isTrue();
                    continue;
                }
                Matcher meta = META.matcher(line);
                if (meta.matches()) {
                    if (meta.group(1).equals("TYPE")) {
                        types.put(meta.group(2), meta.group(3));
                    } else if (meta.group(1).equals("UNIT")) {
                        units.put(meta.group(2), meta.group(3));
                    }
                    continue;
                }
                Matcher sample = SAMPLE.matcher(line);
                assertThat(sample.matches()).as("an exposition line: %s", line).isTrue();
                String name = sample.group(1);
                String family = types.containsKey(name) ? name : name.replaceFirst("_(total|info)$", "");
                assertThat(types).as("a family announced by # TYPE before %s", line).containsKey(family);
                Map<String, String> labels = new LinkedHashMap<>();
                if (sample.group(2) != null) {
                    Matcher label = LABEL.matcher(sample.group(2));
                    int end = 0;
                    while (label.find() && label.start() == end) {
                        labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                        end = label.end();
                    }
                    assertThat(end).as("labels of %s", line).isEqualTo(sample.group(2).length());
                }
                Double previous = families.computeIfAbsent(name, n -> new LinkedHashMap<>())
                        .put(labels, Double.parseDouble(sample.group(3).replace("Inf", "Infinity")));
                assertThat(previous).as("a second sample with the labels of %s", line).isNull();
            }
            if (openMetrics) {
                assertThat(lines).as("OpenMetrics ends with # EOF").last().isEqualTo("# EOF");
            }
            return new Exposition(contentType, types, units, families);
        }

        Map<Map<String, String>, Double> samples(String name) {
            return families.getOrDefault(name, Map.of());
        }

        /** The one sample of {@code name} whose labels include every {@code key=value} given. */
        double value(String name, String... labels) {
            List<Double> matches = new ArrayList<>();
            samples(name).forEach((set, value) -> {
                for (String label : labels) {
                    int eq = label.indexOf('=');
                    if (!label.substring(eq + 1).equals(set.get(label.substring(0, eq)))) {
                        return;
                    }
                }
                matches.add(value);
            });
            assertThat(matches).as("samples of %s with %s in %s", name, List.of(labels), families).hasSize(1);
            return matches.getFirst();
        }
    }
}
