package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FFM calls that do not replace the process; the exec itself is proven by the integration tests. */
class PosixTest {
    @TempDir
    Path dir;

    @Test
    void failedExecveReturnsErrno() {
        assertThat(Posix.execve("/nonexistent/hami-test", List.of("x"), List.of("A=b"))).isEqualTo(Posix.ENOENT);
    }

    @Test
    void execveOfANonExecutableFileIsEacces() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain"), "echo\n");
        assertThat(Posix.execve(plain.toString(), List.of("plain"), List.of())).isEqualTo(Posix.EACCES);
    }

    @Test
    void strerrorNamesTheError() {
        assertThat(Posix.strerror(Posix.ENOENT)).containsIgnoringCase("no such file");
    }

    @Test
    void descriptorsAreMarkedCloseOnExec() throws IOException {
        try (FileChannel channel = FileChannel.open(Files.createFile(dir.resolve("f")), StandardOpenOption.WRITE)) {
            PosixHost.markCloseOnExec();
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                List<Integer> open = fds.map(p -> Integer.parseInt(p.getFileName().toString()))
                        .filter(fd -> fd > 2).toList();
                assertThat(open).isNotEmpty();
                // the listing's own descriptor is the only one opened after the marking
                assertThat(open.stream().filter(Posix::isCloseOnExec).count()).isGreaterThanOrEqualTo(open.size() - 1);
            }
        }
    }

    @Test
    void signalsCanBeUnblocked() {
        Posix.unblockAllSignals();
    }
}
