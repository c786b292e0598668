package io.hami.bindings.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Paths and process helpers shared by the tests that compile C with gcc. */
final class NativeTools {

    private NativeTools() {}

    record Result(int exitCode, String output) {}

    /** Module directory (surefire sets {@code basedir}; falls back to the working directory). */
    static Path basedir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    static Path targetDir(String name) throws IOException {
        return Files.createDirectories(basedir().resolve("target").resolve(name));
    }

    /** The CUDA include directory the bindings are proven against; must hold cuda.h. */
    static Path cudaInclude() {
        Path dir = Path.of(System.getProperty("cuda.include", "/usr/local/cuda/include"));
        if (!Files.isRegularFile(dir.resolve("cuda.h"))) {
            throw new IllegalStateException("cuda.h not found in " + dir
                    + "; the bindings are checked against the real header, set -Dcuda.include=<CUDA include dir>");
        }
        return dir;
    }

    static Result run(List<String> command, Path workDir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.getFirst() + " (is it installed and on PATH?)", e);
        }
        // read before waiting, so a chatty process cannot block on a full pipe
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " timed out");
        }
        return new Result(p.exitValue(), out);
    }

    static Result gcc(List<String> args) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<String>();
        cmd.add("gcc");
        cmd.addAll(args);
        return run(cmd, basedir(), null);
    }
}
