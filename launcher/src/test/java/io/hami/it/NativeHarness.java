package io.hami.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs real C programs under the real trampoline and the real JVM of the assembled distribution, against the fake
 * {@code libcuda.so.1} of {@code hami-ffm/src/test/c} (built here with make; CI has no GPU).
 */
final class NativeHarness {
    static final Path MODULE = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    static final Path REPO = MODULE.getParent();
    static final Path DIST = Path.of(System.getProperty("hami.dist", MODULE.resolve("target/hami").toString()));
    static final Path OUT = MODULE.resolve("target/it-native");
    static final long MIB = 1 << 20;

    private static boolean built;

    private NativeHarness() {}

    /** The fake driver and the test programs, built once per test JVM. */
    static synchronized void build() throws Exception {
        if (!built) {
            Result make = run(Map.of("PATH", System.getenv("PATH")), 300, "make", "-s", "-C",
                    REPO.resolve("hami-ffm/src/test/c").toString(), "OUT=" + OUT);
            assertThat(make.exit()).as("make of the test programs: %s", make.stderr()).isZero();
            built = true;
        }
    }

    static Path bin(String name) {
        return OUT.resolve("bin").resolve(name);
    }

    static Path fakeDriverDir() {
        return OUT.resolve("fake");
    }

    static Path libnext() {
        return OUT.resolve("lib/libnext.so");
    }

    /**
     * The distribution with its trampoline built at {@code -O2} (as shipped) or {@code -O0}: the latter is a copy of
     * the shipped layout whose lib/libhami.so comes from hami-ffm/target/native-O0 and whose runtime and jars link
     * to the shipped ones (the trampoline finds them relative to its own real path).
     */
    static synchronized Path dist(String optimization) throws IOException {
        if (optimization.equals("O2")) {
            return DIST;
        }
        Path variant = MODULE.resolve("target/dist-" + optimization);
        Path lib = variant.resolve("lib");
        Files.createDirectories(lib);
        Files.copy(REPO.resolve("hami-ffm/target/native-" + optimization + "/libhami.so"), lib.resolve("libhami.so"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String jar : List.of("hami-ffm.jar", "hami-bindings.jar")) {
            relink(lib.resolve(jar), DIST.resolve("lib").resolve(jar));
        }
        relink(variant.resolve("runtime"), DIST.resolve("runtime"));
        return variant;
    }

    private static void relink(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }

    /** A clean environment: the fake driver on the library path, a private region and ledger. */
    static Map<String, String> env(Path dir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("LD_LIBRARY_PATH", fakeDriverDir().toString());
        env.put("FAKECUDA_LEDGER", dir.resolve("ledger").toString());
        env.put("FAKECUDA_TOTAL_MB", "1024");
        env.put("CUDA_DEVICE_MEMORY_SHARED_CACHE", dir.resolve("test.region").toString());
        return env;
    }

    record Result(int exit, Map<String, String> values, String stdout, String stderr) {
        String get(String key) {
            assertThat(values).as("stdout of the program, stderr: %s", stderr).containsKey(key);
            return values.get(key);
        }

        long number(String key) {
            return Long.parseLong(get(key));
        }
    }

    static Result run(Map<String, String> env, long timeoutSeconds, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command)
                    + "\nstderr: " + err.getNow(""));
        }
        String stdout = out.get();
        return new Result(process.exitValue(), parse(stdout), stdout, err.get());
    }

    static Map<String, String> parse(String stdout) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    /** Every stdout line is one of the program's own key=value lines: nothing of ours ever reaches stdout. */
    static void assertOnlyProgramOutput(Result result) {
        for (String line : result.stdout().split("\n")) {
            assertThat(line).as("a stdout line").matches("^$|^[A-Za-z0-9_.\\-]+=.*$");
        }
    }

    static Map<String, String> ledger(Path dir) throws Exception {
        Result dump = run(Map.of("PATH", System.getenv("PATH")), 30, bin("ledger_dump").toString(),
                dir.resolve("ledger").toString());
        assertThat(dump.exit()).isZero();
        return dump.values();
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(bin(program).toString());
        command.addAll(List.of(args));
        return command;
    }
}
