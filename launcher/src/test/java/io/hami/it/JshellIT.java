package io.hami.it;

import static io.hami.it.NativeHarness.DIST;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.it.NativeHarness.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hami-run jshell with this JDK's jshell: the startup script opens the live region, and lines typed in read and change
 * it (hami-run status sees the change).
 */
class JshellIT {
    @TempDir
    Path dir;

    @Test
    void the_startup_script_opens_the_region_and_typed_lines_read_and_change_it() throws Exception {
        Path region = dir.resolve("live.region");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", dir.toString()); // jshell keeps its preferences there
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Result made = NativeHarness.run(env, 60, DIST.resolve("bin/hami-run").toString(), "--region",
                region.toString(), "--tenant", "team-a", "--memory", "1g", "--", "true");
        assertThat(made.exit()).as(made.stderr()).isZero();

        ProcessBuilder builder = new ProcessBuilder(DIST.resolve("bin/hami-run").toString(), "jshell", "--region",
                region.toString(), "--", "-q").redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process jshell = builder.start();
        try (var in = jshell.getOutputStream()) {
            in.write(("""
                    System.out.println("tenants=" + region.tenants().size());
                    System.out.println("limit=" + region.tenant("team-a").orElseThrow().limit(0));
                    region.setMemoryLimit("team-a", 0, 2L << 30);
                    /exit
                    """).getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(jshell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jshell.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(jshell.exitValue()).as(out).isZero();
        assertThat(out).contains("hami-ffm: 'region' is " + region + " (1 tenants)")
                .contains("tenants=1").contains("limit=" + (1L << 30))
                .contains("team-a (normal, 0 live processes, 0 refused) GPU 0: 0 B / 2.0 GiB; GPU 1-15: 0 B / 1.0 GiB;");

        Result status = NativeHarness.run(env, 60, DIST.resolve("bin/hami-run").toString(), "status", "--json",
                "--region", region.toString());
        assertThat(status.stdout()).contains("{\"device\": 0, \"usedBytes\": 0, \"limitBytes\": 2147483648");
        assertThat(Files.exists(region)).isTrue();
    }
}
