package io.hami.cli;

import io.hami.cli.monitor.RegionFiles;
import io.hami.cli.monitor.RegionMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code hami-run monitor}: a Prometheus/OpenMetrics endpoint over one region or a directory of them. */
@Command(
        name = "monitor",
        mixinStandardHelpOptions = true,
        versionProvider = HamiRun.Version.class,
        sortOptions = false,
        header = "Serve the tenants and processes of regions as Prometheus metrics.",
        description = {
            "",
            "Serves /metrics (Prometheus text or OpenMetrics, as the scraper asks) until SIGTERM or Ctrl-C. Every "
                    + "scrape reads the regions anew: memory used and limit, SM share, priority and processes per "
                    + "tenant and device, memory per process. With --regions-dir every region file up to "
                    + RegionFiles.DEPTH + " levels below DIR is read, so files of containers that start and stop "
                    + "come and go; an unreadable one shows hami_region_up 0. Reads only: opens regions read-only "
                    + "and changes nothing in them.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:stopped (only a test's run ends on its own)",
            "1:no region at PATH, or no directory DIR",
            "125:bad option, the address cannot be listened on, or a region file that cannot be used",
            "130, 143:stopped by Ctrl-C or SIGTERM, after closing the endpoint",
        },
        footerHeading = "%nSee also:%n",
        footer = {
            "  hami-run status (the same numbers, once), docs/monitor.md, docs/kubernetes.md",
        })
final class MonitorCommand extends RegionCommand {
    static final int DEFAULT_PORT = 9394;

    @Option(names = "--listen", paramLabel = "[HOST:]PORT", defaultValue = "" + DEFAULT_PORT,
            converter = Listen.Parse.class,
            description = "Address to serve on (default: ${DEFAULT-VALUE}, every interface; PORT 0 picks a free one).")
    Listen listen;

    @Option(names = "--regions-dir", paramLabel = "DIR",
            description = "Read every region file below DIR (Kubernetes: one per container) instead of one region.")
    Path regionsDir;

    /** What the command does while it serves: wait for the shutdown (a test scrapes instead). */
    interface Serving {
        void await(int port) throws InterruptedException;
    }

    Serving serving = port -> new CountDownLatch(1).await(); // released by the JVM's exit on a signal

    @Override
    int run() throws LaunchException {
        PrintWriter err = spec.commandLine().getErr();
        RegionFiles files = files();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new RegionMetrics(files, line -> HamiRun.report(err, 0, "monitor: " + line)));
        HTTPServer server;
        try {
            HTTPServer.Builder builder = HTTPServer.builder().port(listen.port()).registry(registry);
            server = (listen.host() == null ? builder : builder.hostname(listen.host())).buildAndStart();
        } catch (IOException | RuntimeException e) {
            throw new LaunchException(ExitCodes.FAILED, "cannot listen on " + listen + ": " + e.getMessage()
                    + " (choose another address with --listen [HOST:]PORT)", e);
        }
        // a signal runs the hooks, not the code after await(): close the endpoint there
        Thread stop = new Thread(server::close, "hami-monitor-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        HamiRun.report(err, 0, "monitor: serving http://" + (listen.host() == null ? "*" : listen.host()) + ":"
                + server.getPort() + "/metrics for " + (regionsDir != null ? "the regions below " : "")
                + files.root());
        try {
            serving.await(server.getPort());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stop);
            server.close();
        }
        return 0;
    }

    /** The files to read; fails as {@code status} does when the region (or the directory) is missing or unusable. */
    private RegionFiles files() throws LaunchException {
        if (regionsDir == null) {
            openRegion().close(); // the same checks and messages as status: a typo must not serve nothing for ever
            return new RegionFiles.One(regionPath());
        }
        if (region != null || parent.region != null) {
            throw new LaunchException(ExitCodes.FAILED,
                    "--region and --regions-dir exclude each other: give one region file or one directory");
        }
        Path dir = parent.host().workingDirectory().resolve(regionsDir).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new LaunchException(NOT_FOUND, "no directory " + dir + ": name the directory that holds the "
                    + "region files (on a HAMi node the host side of CUDA_DEVICE_MEMORY_SHARED_CACHE's directory)");
        }
        return new RegionFiles.Below(dir);
    }

    /** {@code --listen}: a port, or a host and a port; {@code host} is null for every interface. */
    record Listen(String host, int port) {
        @Override
        public String toString() {
            return (host == null ? "" : host.indexOf(':') >= 0 ? "[" + host + "]:" : host + ":") + port;
        }

        static final class Parse implements ITypeConverter<Listen> {
            @Override
            public Listen convert(String value) {
                int colon = value.lastIndexOf(':');
                String host = colon < 0 ? null : value.substring(0, colon);
                if (host != null && host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1); // [::1]:9394
                }
                String port = value.substring(colon + 1);
                int number = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
                if (number < 0 || number > 65535 || (host != null && host.isEmpty())) {
                    throw new TypeConversionException("'" + value + "' is not [HOST:]PORT with PORT 0-65535: write "
                            + "e.g. 9394, 127.0.0.1:9394 or [::1]:9394");
                }
                return new Listen(host, number);
            }
        }
    }
}
