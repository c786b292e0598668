package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandResolverTest {
    @TempDir
    Path dir;

    private Path file(String name, String mode) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static int exitCodeOf(ThrowingCall call) {
        try {
            call.run();
            throw new AssertionError("no LaunchException");
        } catch (LaunchException e) {
            return e.exitCode();
        }
    }

    interface ThrowingCall {
        void run() throws LaunchException;
    }

    @Test
    void findsTheFirstExecutableOnPath() throws IOException, LaunchException {
        file("a/tool", "rw-r--r--");
        Path second = file("b/tool", "rwxr-xr-x");
        file("c/tool", "rwxr-xr-x");
        String path = dir.resolve("a") + ":" + dir.resolve("b") + ":" + dir.resolve("c");
        assertThat(CommandResolver.resolve("tool", path, dir)).isEqualTo(second);
    }

    @Test
    void emptyPathEntryIsTheWorkingDirectory() throws IOException, LaunchException {
        Path tool = file("tool", "rwxr-xr-x");
        assertThat(CommandResolver.resolve("tool", "/nonexistent::", dir)).isEqualTo(tool);
    }

    @Test
    void findsRealCommands() throws LaunchException {
        assertThat(CommandResolver.resolve("sh", "/usr/bin:/bin", dir)).isExecutable();
        assertThat(CommandResolver.resolve("sh", null, dir)).isExecutable();
    }

    @Test
    void missingCommandIs127() {
        assertThat(exitCodeOf(() -> CommandResolver.resolve("no-such-tool", dir.toString(), dir))).isEqualTo(127);
        assertThat(exitCodeOf(() -> CommandResolver.resolve("./no-such-tool", "/bin", dir))).isEqualTo(127);
        assertThat(exitCodeOf(() -> CommandResolver.resolve("", "/bin", dir))).isEqualTo(127);
    }

    @Test
    void nonExecutableOnPathIs126() throws IOException {
        file("tool", "rw-r--r--");
        assertThatThrownBy(() -> CommandResolver.resolve("tool", dir.toString(), dir))
                .isInstanceOf(LaunchException.class).hasMessageContaining("permission denied");
        assertThat(exitCodeOf(() -> CommandResolver.resolve("tool", dir.toString(), dir))).isEqualTo(126);
    }

    @Test
    void pathsWithASlashAreNotSearched() throws IOException, LaunchException {
        Path tool = file("sub/tool", "rwxr-xr-x");
        assertThat(CommandResolver.resolve("sub/tool", "/bin", dir)).isEqualTo(tool);
        assertThat(CommandResolver.resolve(tool.toString(), "/bin", dir)).isEqualTo(tool);
        file("plain", "rw-r--r--");
        assertThat(exitCodeOf(() -> CommandResolver.resolve("./plain", "/bin", dir))).isEqualTo(126);
        assertThat(exitCodeOf(() -> CommandResolver.resolve("./sub", "/bin", dir))).isEqualTo(126);
        assertThatThrownBy(() -> CommandResolver.resolve("./sub", "/bin", dir)).hasMessageContaining("directory");
    }
}
