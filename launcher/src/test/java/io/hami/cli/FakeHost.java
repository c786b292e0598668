package io.hami.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A host that records the exec instead of doing it. */
final class FakeHost implements Host {
    final Map<String, String> env = new LinkedHashMap<>();
    final Path workingDirectory;
    final Path dist;
    /** Where this host's /dev, /etc, ... are. */
    final Path system;
    long pid = 4242;
    String execProgram;
    List<String> execArgv;
    Map<String, String> execEnv;

    FakeHost(Path root) throws IOException {
        workingDirectory = Files.createDirectories(root.resolve("work"));
        dist = Files.createDirectories(root.resolve("dist"));
        system = Files.createDirectories(root.resolve("system"));
        Files.createDirectories(dist.resolve("lib"));
        Files.createFile(dist.resolve(HamiRun.TRAMPOLINE));
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", "/root");
    }

    @Override
    public Map<String, String> environment() {
        return env;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Path workingDirectory() {
        return workingDirectory;
    }

    @Override
    public Path dist() {
        return dist;
    }

    @Override
    public Path systemPath(String absolute) {
        return system.resolve(absolute.substring(1));
    }

    @Override
    public void exec(String program, List<String> argv, Map<String, String> environment) {
        execProgram = program;
        execArgv = argv;
        execEnv = environment;
    }
}
