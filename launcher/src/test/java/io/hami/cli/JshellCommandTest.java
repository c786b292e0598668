package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JshellCommandTest {
    @TempDir
    Path root;

    private Path fakeJdk(String name) throws Exception {
        Path bin = Files.createDirectories(root.resolve(name).resolve("bin"));
        Path jshell = Files.createFile(bin.resolve("jshell"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        return jshell;
    }

    @Test
    void runs_java_home_s_jshell_with_the_library_native_access_the_startup_script_and_the_region() throws Exception {
        FakeHost host = new FakeHost(root);
        Path jshell = fakeJdk("jdk");
        host.env.put("JAVA_HOME", root.resolve("jdk").toString());
        host.env.put("HAMI_ORIG_LD_PRELOAD", "/opt/other.so"); // bin/hami-run handed the caller's preload over
        Path lib = host.dist.resolve("lib");

        CliRun.run(host, "jshell", "--region", "r.region", "--", "-J-Xmx1g", "-q").assertSuccess();

        assertThat(host.execProgram).isEqualTo(jshell.toString());
        assertThat(host.execArgv).containsExactly(jshell.toString(),
                "--class-path", lib.resolve("hami-api.jar") + ":" + lib.resolve("hami-ffm.jar") + ":"
                        + lib.resolve("hami-bindings.jar"),
                "-R--enable-native-access=ALL-UNNAMED", "-J--enable-native-access=ALL-UNNAMED",
                "--startup", "DEFAULT", "--startup", lib.resolve("hami.jsh").toString(),
                "-J-Xmx1g", "-q");
        assertThat(host.execEnv)
                .containsEntry("CUDA_DEVICE_MEMORY_SHARED_CACHE", host.workingDirectory.resolve("r.region").toString())
                .containsEntry("LD_PRELOAD", "/opt/other.so") // the caller's own, and never the trampoline
                .doesNotContainKey("HAMI_ORIG_LD_PRELOAD");
    }

    @Test
    void without_java_home_jshell_comes_from_path_and_the_default_region() throws Exception {
        FakeHost host = new FakeHost(root);
        Path jshell = fakeJdk("onpath");
        host.env.put("PATH", jshell.getParent().toString());

        CliRun.run(host, "jshell").assertSuccess();

        assertThat(host.execProgram).isEqualTo(jshell.toString());
        assertThat(host.execEnv).containsEntry("CUDA_DEVICE_MEMORY_SHARED_CACHE", "/dev/shm/hami-ffm.region");
    }

    @Test
    void no_jshell_anywhere_is_127_and_says_the_bundled_runtime_has_none_and_what_to_set() throws Exception {
        FakeHost host = new FakeHost(root);
        host.env.put("JAVA_HOME", root.resolve("jre").toString());
        host.env.put("PATH", root.resolve("empty").toString());

        CliRun.run(host, "jshell").assertOneErrorLine(127, "no jshell found",
                "JAVA_HOME=" + root.resolve("jre") + " has no bin/jshell", "JDK 22 or newer",
                "the bundled runtime has no jshell", "set JAVA_HOME");
        assertThat(host.execProgram).isNull();
    }
}
