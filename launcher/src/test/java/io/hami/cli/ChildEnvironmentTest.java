package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {
    private static final String LIBHAMI = "/opt/hami/lib/libhami.so";

    private static Map<String, String> build(Map<String, String> inherited, long[] limits) {
        return ChildEnvironment.build(inherited, "/dev/shm/x.region", "job-1", limits, LIBHAMI);
    }

    @Test
    void inheritedLimitsAreReplacedByTheTenants() {
        Map<String, String> inherited = new HashMap<>();
        inherited.put("CUDA_DEVICE_MEMORY_LIMIT", "100g");
        inherited.put("CUDA_DEVICE_MEMORY_LIMIT_0", "1g");
        inherited.put("CUDA_DEVICE_MEMORY_LIMIT_7", "1g");
        inherited.put("CUDA_VISIBLE_DEVICES", "1");
        long[] limits = new long[16];
        Arrays.fill(limits, 4096);
        Map<String, String> env = build(inherited, limits);
        assertThat(env).containsEntry("CUDA_DEVICE_MEMORY_LIMIT", "4096")
                .doesNotContainKeys("CUDA_DEVICE_MEMORY_LIMIT_0", "CUDA_DEVICE_MEMORY_LIMIT_7")
                .containsEntry("CUDA_VISIBLE_DEVICES", "1")
                .containsEntry("CUDA_DEVICE_MEMORY_SHARED_CACHE", "/dev/shm/x.region")
                .containsEntry("HAMI_TENANT", "job-1")
                .containsEntry("LD_PRELOAD", LIBHAMI);
    }

    @Test
    void noLimitMeansNoLimitVariables() {
        Map<String, String> env = build(Map.of("CUDA_DEVICE_MEMORY_LIMIT", "8g"), new long[16]);
        assertThat(env.keySet()).noneMatch(k -> k.startsWith("CUDA_DEVICE_MEMORY_LIMIT"));
    }

    @Test
    void callersPreloadsFollowTheTrampolineAndTheHandOverIsGone() {
        Map<String, String> env = build(Map.of("HAMI_ORIG_LD_PRELOAD", "/usr/lib/libtcmalloc.so libfoo.so"),
                new long[16]);
        assertThat(env).containsEntry("LD_PRELOAD", LIBHAMI + ":/usr/lib/libtcmalloc.so:libfoo.so")
                .doesNotContainKey("HAMI_ORIG_LD_PRELOAD");
    }

    @Test
    void emptyHandOverMeansNoCallerPreload() {
        Map<String, String> env = build(Map.of("HAMI_ORIG_LD_PRELOAD", ""), new long[16]);
        assertThat(env).containsEntry("LD_PRELOAD", LIBHAMI).doesNotContainKey("HAMI_ORIG_LD_PRELOAD");
    }

    @Test
    void withoutTheScriptTheLaunchersOwnPreloadIsKept() {
        Map<String, String> env = build(Map.of("LD_PRELOAD", "/lib/libjemalloc.so"), new long[16]);
        assertThat(env).containsEntry("LD_PRELOAD", LIBHAMI + ":/lib/libjemalloc.so");
    }

    @Test
    void anyTrampolineAlreadyPreloadedIsDropped() {
        Map<String, String> env = build(Map.of("HAMI_ORIG_LD_PRELOAD",
                LIBHAMI + ":/other/dist/lib/libhami.so:/lib/libjemalloc.so:libhami.so"), new long[16]);
        assertThat(env).containsEntry("LD_PRELOAD", LIBHAMI + ":/lib/libjemalloc.so");
    }

    @Test
    void callersJavaOptionsAreRestored() {
        Map<String, String> inherited = new HashMap<>();
        inherited.put("HAMI_ORIG_JAVA_TOOL_OPTIONS", "-javaagent:/x.jar");
        inherited.put("HAMI_ORIG_JDK_JAVA_OPTIONS", "");
        Map<String, String> env = build(inherited, new long[16]);
        assertThat(env).containsEntry("JAVA_TOOL_OPTIONS", "-javaagent:/x.jar")
                .containsEntry("JDK_JAVA_OPTIONS", "")
                .doesNotContainKeys("_JAVA_OPTIONS", "HAMI_ORIG_JAVA_TOOL_OPTIONS", "HAMI_ORIG_JDK_JAVA_OPTIONS");
    }
}
