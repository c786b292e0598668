package io.hami.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hami.region.Region;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hami-run monitor} of the assembled distribution: it starts on the shipped runtime (which must hold
 * jdk.httpserver), serves a scrape, and on SIGTERM closes its endpoint and exits with 143.
 */
class MonitorIT {
    private static final Pattern SERVING = Pattern.compile("hami-run: monitor: serving http://127\\.0\\.0\\.1:(\\d+)/metrics.*");

    @TempDir
    Path dir;

    @Test
    void servesFromTheDistributionAndStopsOnSigterm() throws Exception {
        Path path = dir.resolve("it.region");
        try (Region region = Region.openOrCreate(path)) {
            long[] limits = new long[16];
            limits[0] = 3L << 30;
            region.findOrCreateTenant("it-tenant", limits, false);
        }
        ProcessBuilder builder = new ProcessBuilder(NativeHarness.DIST.resolve("bin/hami-run").toString(), "monitor",
                "--listen", "127.0.0.1:0", "--region", path.toString());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        Path stdout = dir.resolve("stdout");
        builder.redirectOutput(stdout.toFile());
        Process monitor = builder.start();
        monitor.getOutputStream().close();
        // stderr read on a thread of its own: the process's streams are closed once it has exited
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(monitor.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                err.lines().forEach(lines::add);
            } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
                // the process is gone: what it wrote is in lines
            }
        });
        try {
            String line = lines.poll(60, TimeUnit.SECONDS);
            assertThat(line).as("the first stderr line within 60 s").isNotNull();
            Matcher serving = SERVING.matcher(line);
            assertThat(serving.matches()).as("the first stderr line: %s", line).isTrue();
            URI metrics = URI.create("http://127.0.0.1:" + serving.group(1) + "/metrics");
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("hami_tenant_memory_limit_bytes{device=\"0\",region=\"" + path
                        + "\",tenant=\"it-tenant\"} 3.221225472E9");

                monitor.destroy(); // SIGTERM
                assertThat(monitor.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
                assertThat(monitor.exitValue()).isEqualTo(143);
                reader.join(10_000);
                assertThat(lines).as("nothing more on stderr").isEmpty();
                assertThat(stdout).as("stdout").isEmptyFile();
                assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString())).as("the endpoint is closed").isInstanceOf(ConnectException.class);
            }
        } finally {
            monitor.destroyForcibly();
        }
    }
}
