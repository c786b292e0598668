package io.hami.it;

import static io.hami.it.NativeHarness.DIST;
import static io.hami.it.NativeHarness.MIB;
import static io.hami.it.NativeHarness.assertOnlyProgramOutput;
import static io.hami.it.NativeHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM program running CUDA under the preload (docs/library.md): src/test/jvm/CudaFromJava.java calls the fake
 * driver's cuMemAlloc through FFM and reads its tenant with io.hami.api, run by this JDK's own java (not the bundled
 * runtime) with LD_PRELOAD=<dist>/lib/libhami.so. The trampoline must never create a second JVM in it: with
 * -javaagent the agent of that JVM installs the hooks and the limit holds; without it every allocation under the
 * limit is refused with one line naming the fix.
 */
class JvmUnderPreloadIT {
    private static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    private static final Path PROGRAM = NativeHarness.MODULE.resolve("src/test/jvm/CudaFromJava.java");

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        NativeHarness.build();
    }

    private Map<String, String> env(boolean preload, String limit) {
        Map<String, String> env = NativeHarness.env(dir);
        if (preload) {
            env.put("LD_PRELOAD", DIST.resolve("lib/libhami.so").toString());
        }
        if (limit != null) {
            env.put("CUDA_DEVICE_MEMORY_LIMIT", limit);
        }
        return env;
    }

    private static Result java(Map<String, String> env, boolean agent) throws Exception {
        Path lib = DIST.resolve("lib");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        if (agent) {
            command.add("-javaagent:" + lib.resolve("hami-ffm.jar"));
        }
        command.add("-cp");
        command.add(lib.resolve("hami-api.jar") + ":" + lib.resolve("hami-ffm.jar") + ":"
                + lib.resolve("hami-bindings.jar"));
        command.add(PROGRAM.toString());
        return run(env, 120, command.toArray(String[]::new));
    }

    @Test
    void with_the_agent_the_jvm_s_own_agent_installs_the_hooks_and_the_limit_holds() throws Exception {
        Result r = java(env(true, "32m"), true);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.get("hooks")).isEqualTo("INSTALLED");
        assertThat(r.number("allocated")).isEqualTo(32);
        assertThat(r.number("first_error")).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(r.number("tenant_used")).isEqualTo(32 * MIB);
        assertThat(r.number("tenant_refusals")).as("the one refusal that ended the loop").isEqualTo(1);
        assertThat(r.number("free_errors")).isZero();
        assertThat(r.get("pool")).as("Hami.kvPool on the agent's pool runtime").isEqualTo("ok");
        assertThat(r.number("libjvm_mappings")).as("never a second JVM").isEqualTo(1);
        assertThat(r.stderr()).doesNotContain("JNI_CreateJavaVM").doesNotContain("cannot be enforced");
        assertOnlyProgramOutput(r);
        // the JVM's shutdown hooks gave the slot back
        Result status = run(NativeHarness.env(dir), 60, DIST.resolve("bin/hami-run").toString(), "status",
                "--json");
        assertThat(status.exit()).as(status.stderr()).isZero();
        assertThat(status.stdout()).contains("\"processes\": []");
    }

    @Test
    void without_the_agent_every_allocation_is_refused_with_the_fix_and_no_jvm_is_created() throws Exception {
        Result r = java(env(true, "32m"), false);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.get("hooks")).isEqualTo("ABSENT");
        assertThat(r.number("allocated")).isZero();
        assertThat(r.number("first_error")).isEqualTo(CUDA_ERROR_OUT_OF_MEMORY);
        assertThat(r.number("tenant_used")).as("nothing booted: no region either").isEqualTo(-1);
        assertThat(r.get("pool")).startsWith("refused: libhami.so is preloaded into this JVM")
                .contains("-javaagent:<dist>/lib/hami-ffm.jar");
        assertThat(r.number("libjvm_mappings")).as("never a second JVM").isEqualTo(1);
        List<String> lines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("one line on stderr, once").hasSize(1);
        assertThat(lines.getFirst()).endsWith("memory limit cannot be enforced, refusing allocations: this process is "
                + "a JVM started without the hami-ffm agent: start java with -javaagent:"
                + DIST.toRealPath().resolve("lib/hami-ffm.jar") + " (docs/trampoline.md)");
        assertOnlyProgramOutput(r);
    }

    @Test
    void the_agent_without_a_limit_or_without_the_preload_changes_nothing_and_says_which() throws Exception {
        Result unlimited = java(env(true, null), true);
        assertThat(unlimited.exit()).as(unlimited.stderr()).isZero();
        assertThat(unlimited.get("hooks")).isEqualTo("NOTHING_TO_DO");
        assertThat(unlimited.number("allocated")).as("the fake GPU's 1024 MiB").isEqualTo(1024);
        assertThat(unlimited.stderr()).isEmpty();

        Result plain = java(env(false, "32m"), true);
        assertThat(plain.exit()).as(plain.stderr()).isZero();
        assertThat(plain.get("hooks")).isEqualTo("NOT_PRELOADED");
        assertThat(plain.number("allocated")).isEqualTo(1024);
        assertThat(plain.stderr()).contains("LD_PRELOAD=<dist>/lib/libhami.so");
    }
}
