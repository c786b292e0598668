package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import io.hami.region.RegionLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hami-run doctor} over a fake machine: the driver, NVML and the runtime answer what each test says. */
class DoctorCommandTest {
    private static final long GIB = 1L << 30;
    private static final List<String> OPTIONS = List.of("-Xrs", "-XX:+UseSerialGC");

    @TempDir
    Path root;

    FakeHost host;
    Path region;
    FakeProbes probes = new FakeProbes();

    /** A healthy machine unless a test changes it. */
    static final class FakeProbes implements DoctorProbes {
        Driver driver = new Driver(null, "/usr/lib/libcuda.so.580", SUCCESS, null, 13000, List.of(
                new Gpu(0, "NVIDIA H200", 141 * GIB, SUCCESS, null), new Gpu(1, "NVIDIA H200", 141 * GIB, SUCCESS,
                        null)));
        Nvml nvml = new Nvml(null, SUCCESS, null, "580.65.06");
        Trampoline trampoline = new Trampoline(null, List.of(), OPTIONS);
        Output version = new Output(0, "openjdk version \"25.0.3\" 2026-04-21 LTS\n");
        Output aot = new Output(0, "openjdk version \"25.0.3\" 2026-04-21 LTS\n");
        final List<List<String>> commands = new ArrayList<>();
        List<String> exportsAsked;

        @Override
        public Driver driver() {
            return driver;
        }

        @Override
        public Nvml nvml() {
            return nvml;
        }

        @Override
        public Trampoline trampoline(Path library, List<String> exports) {
            exportsAsked = exports;
            return trampoline;
        }

        @Override
        public Output run(List<String> command) {
            commands.add(command);
            return command.contains("-XX:AOTMode=on") ? aot : version;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(root);
        region = root.resolve("test.region");
        Path java = host.dist.resolve("runtime/bin/java");
        Files.createDirectories(java.getParent());
        Files.createFile(java, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createDirectories(host.dist.resolve("runtime/lib"));
        Files.createFile(host.dist.resolve("runtime/lib/libjsig.so"));
        Files.writeString(host.dist.resolve("lib/hami.aot"), "cache");
        Files.createDirectories(host.system.resolve("dev"));
        Files.createDirectories(host.system.resolve("etc"));
        for (String node : List.of("nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm")) {
            Files.createFile(host.system.resolve("dev").resolve(node));
        }
    }

    private CliRun doctor(String... args) {
        List<String> all = new ArrayList<>(List.of("doctor", "--region", region.toString()));
        all.addAll(List.of(args));
        return CliRun.run(host, (CommandLine cli) -> {
            DoctorCommand doctor = cli.getSubcommands().get("doctor").getCommand();
            doctor.probes = probes;
        }, all.toArray(String[]::new));
    }

    private static String line(CliRun result, String check) {
        return result.lines().stream().filter(l -> l.matches("^(ok|warn|FAIL) +" + check + ": .*")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + check + " in:\n" + result.out()));
    }

    @Test
    void aHealthyMachinePassesEveryCheckAndExits0() {
        CliRun result = doctor().assertSuccess();
        for (String check : List.of("driver", "device 0", "device 1", "device nodes", "nvml", "runtime",
                "trampoline", "aot cache", "signals", "region", "preload", "java options", "logging")) {
            assertThat(line(result, check)).startsWith("ok    ");
        }
        assertThat(line(result, "driver")).contains("/usr/lib/libcuda.so.580", "CUDA 13.0", "2 devices");
        assertThat(line(result, "device 0")).endsWith("NVIDIA H200, 141.0 GiB");
        assertThat(line(result, "device nodes")).contains("/dev/nvidia-uvm /dev/nvidia0 /dev/nvidia1 /dev/nvidiactl");
        assertThat(line(result, "nvml")).contains("580.65.06");
        assertThat(line(result, "runtime")).contains("Java 25.0.3");
        assertThat(line(result, "region")).contains(region.toString(), "will be created by the first job");
        assertThat(result.lines().getLast()).isEqualTo("hami-run doctor: jobs can run here");
        assertThat(probes.exportsAsked).as("the agent's hooks and the interposition entry points")
                .contains("cuMemAlloc_v2", "cuMemCreate", "cuLaunchKernel", "dlsym", "cuGetProcAddress_v2",
                        DoctorCommand.JVM_OPTION_EXPORT);
    }

    @Test
    void theAotCacheIsTriedWithExactlyTheBootsOptionsAndRequired() {
        doctor().assertSuccess();
        List<String> aot = probes.commands.stream().filter(c -> c.contains("-XX:AOTMode=on")).findFirst().orElseThrow();
        Path agent = host.dist.resolve("lib/hami-ffm.jar");
        assertThat(aot).containsExactly(host.dist.resolve("runtime/bin/java").toString(), "-javaagent:" + agent,
                "-Djava.class.path=" + agent, "-Dhami.dist=" + host.dist, "-Xrs", "-XX:+UseSerialGC",
                "-XX:AOTCache=" + host.dist.resolve("lib/hami.aot"), "-XX:AOTMode=on", "-version");
    }

    @Test
    void withoutAGpuItSaysWhyCudaCannotRunAndExits3() throws IOException {
        try (var nodes = Files.list(host.system.resolve("dev"))) {
            for (Path node : nodes.toList()) {
                Files.delete(node);
            }
        }
        probes.driver = DoctorProbes.Driver.unloadable("libcuda.so.1: cannot open shared object file: No such file "
                + "or directory");
        probes.nvml = new DoctorProbes.Nvml("libnvidia-ml.so.1: cannot open shared object file", -1, null, null);
        CliRun result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_DRIVER);
        assertThat(result.err()).isEmpty();
        assertThat(line(result, "driver")).startsWith("FAIL  driver: cannot run CUDA: libcuda.so.1 cannot be loaded")
                .contains("No such file", "no /dev/nvidia* device nodes", " \u2014 fix: ", "--gpus all");
        assertThat(line(result, "device nodes")).startsWith("FAIL");
        assertThat(line(result, "nvml")).startsWith("warn").contains("memory limits still work");
        assertThat(line(result, "runtime")).as("the rest is still checked").startsWith("ok");
        assertThat(result.lines().getLast()).contains("2 checks failed");
    }

    @Test
    void aDriverWhoseCuInitFailsIsNamedWithItsError() {
        probes.driver = new DoctorProbes.Driver(null, "/x/libcuda.so.1", 100, "CUDA_ERROR_NO_DEVICE (100)", 12080,
                List.of());
        CliRun result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_DRIVER);
        assertThat(line(result, "driver")).contains("CUDA 12.8", "cuInit(0) returned CUDA_ERROR_NO_DEVICE (100)",
                "nvidia-smi");
    }

    @Test
    void aStubDriverWithoutDeviceNodesIsAWarningOnly() throws IOException {
        for (String node : List.of("nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm")) {
            Files.delete(host.system.resolve("dev").resolve(node));
        }
        CliRun result = doctor().assertSuccess();
        assertThat(line(result, "device nodes")).startsWith("warn").contains("stub or test driver");
        assertThat(result.lines().getLast()).contains("1 warnings above");
    }

    @Test
    void aRefusedAotCacheFailsWithTheJvmsReasonAndExits4() {
        probes.aot = new DoctorProbes.Output(1, "[0.01s][error][aot] An error has occurred while processing the AOT "
                + "cache.\n[0.01s][error][aot] Mismatched values for property jdk.module.addmods\nError occurred "
                + "during initialization of VM\n");
        CliRun result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_DISTRIBUTION);
        assertThat(line(result, "aot cache")).startsWith("FAIL").contains("refused", "exit 1",
                "[error][aot] An error has occurred", "fix: rebuild");
    }

    @Test
    void aMissingAotCacheIsAWarning() throws IOException {
        Files.delete(host.dist.resolve("lib/hami.aot"));
        CliRun result = doctor().assertSuccess();
        assertThat(line(result, "aot cache")).startsWith("warn").contains("HAMI_AOT=0");
        assertThat(probes.commands).noneMatch(c -> c.contains("-XX:AOTMode=on"));
    }

    @Test
    void aTrampolineOfAnotherBuildFailsAndSkipsTheAotCheck() {
        probes.trampoline = new DoctorProbes.Trampoline(null, List.of("cuMemCreate", "hami_jvm_option"), List.of());
        CliRun result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_DISTRIBUTION);
        assertThat(line(result, "trampoline")).startsWith("FAIL").contains("lacks cuMemCreate, hami_jvm_option");
        assertThat(line(result, "aot cache")).startsWith("FAIL").contains("not checked");
    }

    @Test
    void aMissingRuntimeAndLibjsigFail() throws IOException {
        Files.delete(host.dist.resolve("runtime/bin/java"));
        Files.delete(host.dist.resolve("runtime/lib/libjsig.so"));
        CliRun result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_DISTRIBUTION);
        assertThat(line(result, "runtime")).startsWith("FAIL").contains("runtime/bin/java is missing");
        assertThat(line(result, "signals")).startsWith("FAIL").contains("libjsig.so is missing");
    }

    @Test
    void anotherInterposerInTheCallersPreloadOrLdSoPreloadFailsWithExit5() throws IOException {
        host.env.put("HAMI_ORIG_LD_PRELOAD", "/usr/local/vgpu/libvgpu.so:/opt/other.so"); // as bin/hami-run hands it
        CliRun result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_ENVIRONMENT);
        assertThat(line(result, "preload")).startsWith("FAIL").contains("LD_PRELOAD names /usr/local/vgpu/libvgpu.so");

        host.env.remove("HAMI_ORIG_LD_PRELOAD");
        Files.writeString(host.system.resolve("etc/ld.so.preload"), "# HAMi\n/usr/local/other/lib/libhami.so\n");
        result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_ENVIRONMENT);
        assertThat(line(result, "preload")).contains("another copy of libhami.so", "two trampolines");

        Files.writeString(host.system.resolve("etc/ld.so.preload"), host.dist.resolve("lib/libhami.so") + "\n");
        assertThat(line(doctor().assertSuccess(), "preload")).startsWith("ok").contains("this distribution's");
    }

    @Test
    void theFirstFailPrintedDecidesTheExitStatus() {
        probes.driver = DoctorProbes.Driver.unloadable("gone");
        host.env.put("LD_PRELOAD", "libvgpu.so");
        assertThat(doctor().exit()).isEqualTo(ExitCodes.DOCTOR_DRIVER);
    }

    @Test
    void javaOptionsTheEmbeddedJvmReadsAreWarnings() {
        host.env.put("HAMI_ORIG_JAVA_TOOL_OPTIONS", "-javaagent:/x.jar");
        host.env.put("HAMI_ORIG_JDK_JAVA_OPTIONS", "-Xmx1g");
        CliRun result = doctor().assertSuccess();
        assertThat(line(result, "java options")).startsWith("warn").contains("JAVA_TOOL_OPTIONS=-javaagent:/x.jar",
                "only the java launcher reads it").doesNotContain("JDK_JAVA_OPTIONS=");
    }

    @Test
    void aRegionFromANewerLayoutFailsWithExit5() throws Exception {
        try (Region created = Region.openOrCreate(region)) {
            assertThat(created.path()).isEqualTo(region);
        }
        assertThat(line(doctor().assertSuccess(), "region")).contains("layout " + RegionLayout.MAJOR_VERSION + "."
                + RegionLayout.MINOR_VERSION, "rw");
        try (FileChannel channel = FileChannel.open(region, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(0, RegionLayout.MAJOR_VERSION + 1), RegionLayout.MAJOR_VERSION_OFFSET);
        }
        CliRun result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_ENVIRONMENT);
        assertThat(line(result, "region")).startsWith("FAIL").contains("newer than this hami-ffm reads");
    }

    @Test
    void aRegionNobodyCanCreateFails() {
        region = root.resolve("no/such/dir/test.region");
        CliRun result = doctor();
        assertThat(result.exit()).isEqualTo(ExitCodes.DOCTOR_ENVIRONMENT);
        assertThat(line(result, "region")).contains("cannot create it", "--region");
    }

    @Test
    void theLogSettingsAreShownAndABadLevelIsAWarning() {
        host.env.put("LIBCUDA_LOG_LEVEL", "4");
        host.env.put("HAMI_LOG_FILE", root.resolve("hami.log").toString());
        assertThat(line(doctor().assertSuccess(), "logging")).contains("LIBCUDA_LOG_LEVEL=4", "debug",
                "appended to " + root.resolve("hami.log"));
        host.env.put("LIBCUDA_LOG_LEVEL", "loud");
        assertThat(line(doctor().assertSuccess(), "logging")).startsWith("warn").contains("not a level");
        host.env.put("LIBCUDA_LOG_LEVEL", "0");
        host.env.put("HAMI_LOG_FILE", root.resolve("none/hami.log").toString());
        assertThat(line(doctor().assertSuccess(), "logging")).startsWith("warn").contains("cannot be appended");
    }

    @Test
    void helpListsTheDoctorsExitCodes() {
        CliRun result = CliRun.run(host, "doctor", "--help").assertSuccess();
        assertThat(result.out()).contains("Usage: hami-run doctor", "Exit status", "libcuda.so.1");
        for (int code : new int[] {0, ExitCodes.DOCTOR_DRIVER, ExitCodes.DOCTOR_DISTRIBUTION,
                ExitCodes.DOCTOR_ENVIRONMENT, ExitCodes.FAILED}) {
            assertThat(result.out()).containsPattern("(?m)^\\s+" + code + "\\s");
        }
    }
}
