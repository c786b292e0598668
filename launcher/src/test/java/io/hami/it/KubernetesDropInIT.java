package io.hami.it;

import static io.hami.it.NativeHarness.MIB;
import static io.hami.it.NativeHarness.assertOnlyProgramOutput;
import static io.hami.it.NativeHarness.bin;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import io.hami.region.Region;
import io.hami.region.RegionSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes drop-in for HAMi's {@code libvgpu.so} (docs/kubernetes.md), without a cluster: a copy of the built
 * distribution made read-only twice over (chmod -R a-w, and a read-only bind mount in a user and mount namespace of
 * its own, since root ignores mode bits), {@code LD_PRELOAD} standing for {@code /etc/ld.so.preload} (the loader
 * treats both alike), and only the environment HAMi's device plugin sets: no hami-run.
 */
class KubernetesDropInIT {
    /** Where docs/kubernetes.md mounts the distribution, below a scratch root. */
    private static final String MOUNT = "usr/local/vgpu/hami";

    @TempDir
    static Path root;

    private static Path dist;
    private static List<String> tree;

    @TempDir
    Path dir;

    @BeforeAll
    static void readOnlyDist() throws Exception {
        NativeHarness.build();
        dist = root.resolve(MOUNT);
        Files.createDirectories(dist.getParent());
        Result copy = run(Map.of("PATH", System.getenv("PATH")), 120, "cp", "-a",
                NativeHarness.DIST.toString(), dist.toString());
        assertThat(copy.exit()).as("cp -a of the distribution: %s", copy.stderr()).isZero();
        Result chmod = run(Map.of("PATH", System.getenv("PATH")), 60, "chmod", "-R", "a-w", dist.toString());
        assertThat(chmod.exit()).as(chmod.stderr()).isZero();
        assertThat(dist.resolve("lib/hami.aot")).as("the AOT cache ships in the copy").isRegularFile();
        tree = listing(dist);
    }

    @AfterAll
    static void nothingWasWrittenToTheDistribution() throws Exception {
        assertThat(listing(dist)).isEqualTo(tree);
        run(Map.of("PATH", System.getenv("PATH")), 60, "chmod", "-R", "u+w", dist.toString()); // for the clean-up
    }

    private static List<String> listing(Path top) throws Exception {
        try (Stream<Path> files = Files.walk(top)) {
            List<String> lines = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                lines.add(top.relativize(file) + " " + (Files.isRegularFile(file) ? Files.size(file) + " "
                        + Files.getLastModifiedTime(file) : ""));
            }
            return lines;
        }
    }

    /** HAMi's device plugin's environment for one container with 64 MiB on its first GPU, and the preload. */
    private Map<String, String> hamiEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("LD_LIBRARY_PATH", NativeHarness.fakeDriverDir().toString());
        env.put("FAKECUDA_LEDGER", dir.resolve("ledger").toString());
        env.put("FAKECUDA_TOTAL_MB", "1024");
        env.put("LD_PRELOAD", dist.resolve("lib/libhami.so").toString());
        env.put("CUDA_DEVICE_MEMORY_LIMIT_0", "64m");
        env.put("CUDA_DEVICE_SM_LIMIT", "50");
        env.put("CUDA_DEVICE_MEMORY_SHARED_CACHE", region().toString());
        return env;
    }

    /** The container's cache file, in the directory HAMi mounts writable per container. */
    private Path region() {
        return dir.resolve("vgpu/3f2c1a54-container.cache");
    }

    /** {@code program} run with the distribution bind-mounted read-only over itself (and refused if it is not). */
    private static String[] readOnly(String... program) {
        List<String> command = new ArrayList<>(List.of("unshare", "--map-root-user", "--mount", "sh", "-c",
                "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" || exit 98; "
                        + "if touch \"$0/lib/.written\" 2>/dev/null; then echo 'the dist is writable' >&2; exit 99; fi; "
                        + "exec \"$@\"",
                dist.toString()));
        command.addAll(List.of(program));
        return command.toArray(String[]::new);
    }

    @Test
    void hamis_environment_alone_enforces_the_limit_from_a_read_only_dist_with_its_aot_cache() throws Exception {
        Map<String, String> env = hamiEnvironment();
        env.put("HAMI_JVM_OPTIONS", "-XX:AOTMode=on"); // a cache that cannot be used ends the JVM's creation, loudly
        Result r = run(env, 120, readOnly(bin("alloc_until_oom").toString(), "--mode", "procaddr", "--chunk", "1m"));

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(64);
        assertThat(r.number("total")).isEqualTo(64 * MIB);
        assertThat(r.stderr()).doesNotContain("[aot").doesNotContain("Error occurred");
        assertOnlyProgramOutput(r);
        try (Region shared = Region.open(region())) { // created where CUDA_DEVICE_MEMORY_SHARED_CACHE says
            RegionSnapshot snapshot = RegionSnapshot.of(shared);
            assertThat(snapshot.tenants()).singleElement().satisfies(tenant -> {
                assertThat(tenant.name()).isEqualTo("default"); // one tenant per container, as HAMi's one per file
                assertThat(tenant.limit(0)).isEqualTo(64 * MIB);
                assertThat(tenant.limit(1)).isZero();
                assertThat(tenant.used(0)).as("everything freed at the end").isZero();
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "1", "True"})
    void cuda_disable_control_true_enforces_nothing_and_starts_no_jvm(String truth) throws Exception {
        Map<String, String> env = hamiEnvironment();
        env.put("CUDA_DISABLE_CONTROL", truth);
        Result r = run(env, 120, readOnly(bin("alloc_until_oom").toString(), "--mode", "procaddr", "--chunk", "1m"));

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).as("the fake GPU's whole 1024 MiB").isEqualTo(1024);
        assertThat(r.number("total")).isEqualTo(1024 * MIB);
        assertThat(r.stderr()).isEmpty();
        assertThat(region()).as("no JVM: no region").doesNotExist();
    }

    @Test
    void cuda_disable_control_false_keeps_the_limit() throws Exception {
        Map<String, String> env = hamiEnvironment();
        env.put("CUDA_DISABLE_CONTROL", "false");
        Result r = run(env, 120, readOnly(bin("alloc_until_oom").toString(), "--mode", "direct", "--chunk", "1m"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("allocated")).isEqualTo(64);
    }

    @Test
    void a_process_that_never_calls_cuda_starts_no_jvm() throws Exception {
        // every process of the container gets the preload: a shell, cat, a data-loader worker
        Result r = run(hamiEnvironment(), 60, readOnly("sh", "-c",
                "echo libhami=$(grep -c libhami.so /proc/self/maps); echo libjvm=$(grep -c libjvm /proc/self/maps)"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.number("libhami")).as("the preload is there").isPositive();
        assertThat(r.number("libjvm")).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(region()).doesNotExist();
    }
}
