package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/**
 * deploy/kubernetes/monitor-daemonset.yaml read as YAML: the objects are whole, the pieces that must agree do (ports,
 * labels, mounts), and the monitor's arguments are ones hami-run accepts. No cluster here: the manifest's effect on
 * one is not tested.
 */
class MonitorDaemonSetTest {
    private static final Path MANIFEST = Path.of(System.getProperty("user.dir")).getParent()
            .resolve("deploy/kubernetes/monitor-daemonset.yaml");

    private static Map<String, Object> daemonSet;
    private static Map<String, Object> service;

    @TempDir
    Path root;

    @BeforeAll
    static void load() throws Exception {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(MANIFEST)) {
            // the safe constructor: plain maps, lists and scalars, as kubectl reads it
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                objects.add(map(document));
            }
        }
        assertThat(objects).extracting(o -> o.get("kind")).containsExactly("DaemonSet", "Service");
        daemonSet = objects.get(0);
        service = objects.get(1);
    }

    @Test
    void everyObjectHasItsApiVersionAndName() {
        assertThat(daemonSet).containsEntry("apiVersion", "apps/v1");
        assertThat(service).containsEntry("apiVersion", "v1");
        assertThat(map(daemonSet.get("metadata")).get("name")).isEqualTo("hami-ffm-monitor");
        assertThat(map(service.get("metadata")).get("name")).isEqualTo("hami-ffm-monitor");
    }

    @Test
    void theServiceAndTheDaemonSetSelectThePodsTheTemplateLabels() {
        Map<String, Object> spec = map(daemonSet.get("spec"));
        Map<String, Object> podLabels = map(map(map(spec.get("template")).get("metadata")).get("labels"));
        assertThat(podLabels).containsAllEntriesOf(map(map(spec.get("selector")).get("matchLabels")));
        assertThat(podLabels).containsAllEntriesOf(map(map(service.get("spec")).get("selector")));
    }

    @Test
    void portsAgreeWithTheMonitorsDefaultAndTheScrapeAnnotations() {
        Map<String, Object> container = container();
        Map<String, Object> port = map(list(container.get("ports")).getFirst());
        assertThat(port).containsEntry("containerPort", MonitorCommand.DEFAULT_PORT).containsEntry("name", "metrics");
        Map<String, Object> servicePort = map(list(map(service.get("spec")).get("ports")).getFirst());
        assertThat(servicePort).containsEntry("port", MonitorCommand.DEFAULT_PORT).containsEntry("targetPort", "metrics");
        for (Map<String, Object> metadata : List.of(map(service.get("metadata")),
                map(map(map(daemonSet.get("spec")).get("template")).get("metadata")))) {
            assertThat(map(metadata.get("annotations"))).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", Integer.toString(MonitorCommand.DEFAULT_PORT))
                    .containsEntry("prometheus.io/path", "/metrics");
        }
    }

    @Test
    void theMonitorRunsFromTheReadOnlyDistOverTheReadOnlyRegionDirectory() {
        List<Object> command = list(container().get("command"));
        assertThat(command.getFirst()).isEqualTo("/usr/local/vgpu/hami/bin/hami-run");
        String regionsDir = (String) command.get(command.indexOf("--regions-dir") + 1);
        Map<String, Map<String, Object>> mounts = new java.util.HashMap<>();
        for (Object mount : list(container().get("volumeMounts"))) {
            mounts.put((String) map(mount).get("mountPath"), map(mount));
        }
        assertThat(mounts.get("/usr/local/vgpu/hami")).containsEntry("readOnly", true);
        assertThat(mounts.get(regionsDir)).as("a mount at %s", regionsDir).containsEntry("readOnly", true);
        List<Object> volumes = list(map(map(map(daemonSet.get("spec")).get("template")).get("spec")).get("volumes"));
        List<Object> volumeNames = volumes.stream().map(v -> map(v).get("name")).toList();
        assertThat(volumeNames).containsAll(mounts.values().stream().map(m -> m.get("name")).toList());
    }

    @Test
    void theMonitorsArgumentsAreOnesHamiRunAccepts() throws Exception {
        List<Object> command = list(container().get("command"));
        String[] args = command.subList(1, command.size()).stream().map(String::valueOf).toArray(String[]::new);
        CommandLine.ParseResult parsed = HamiRun.commandLine(new FakeHost(root)).parseArgs(args);
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("monitor");
        MonitorCommand monitor = (MonitorCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(monitor.regionsDir).isNotNull();
        assertThat(monitor.listen.port()).isEqualTo(MonitorCommand.DEFAULT_PORT);
    }

    private static Map<String, Object> container() {
        Map<String, Object> pod = map(map(map(daemonSet.get("spec")).get("template")).get("spec"));
        return map(list(pod.get("containers")).getFirst());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
