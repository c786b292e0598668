package io.hami.cli;

import io.hami.boot.Agent;
import io.hami.log.Log;
import io.hami.region.Region;
import io.hami.region.RegionException;
import io.hami.region.RegionLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code hami-run doctor}: whether jobs can run here, one line per check: the driver, NVML, the distribution, the
 * region, the preloads and the Java options around it. Changes nothing.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        versionProvider = HamiRun.Version.class,
        sortOptions = false,
        header = "Check that hami-run jobs can run on this machine, and say what to fix.",
        description = {
            "",
            "One line per check: ok, warn or FAIL, the check, what it found and, where something is wrong, the fix. "
                    + "Checks the CUDA driver (libcuda.so.1, cuInit, the devices, /dev/nvidia*), NVML, the "
                    + "distribution (runtime/, lib/libhami.so and its hooks, lib/hami.aot accepted by runtime/ "
                    + "with the embedded JVM's options, runtime/lib/libjsig.so), the region (same rules as status), "
                    + "preloads and Java options that would meet the trampoline, and the logging settings. Reads "
                    + "only: creates and changes nothing. Warnings do not fail.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status (several FAILs: the first one printed decides):%n",
        exitCodeList = {
            "0:every check passed (warnings allowed)",
            "3:the CUDA driver cannot be used here (no libcuda.so.1 on the loader path, cuInit fails, no device, "
                    + "no /dev/nvidia*)",
            "4:the distribution is incomplete or damaged (runtime, trampoline, AOT cache, libjsig)",
            "5:the environment defeats the trampoline (another CUDA interposer preloaded, a region jobs cannot use)",
            "125:bad option",
        },
        footerHeading = "%nSee also:%n",
        footer = {"  docs/cli.md (every check and its fix), hami-run status"})
final class DoctorCommand extends RegionCommand {
    /** The trampoline's export that lists the embedded JVM's fixed options (boot.c). */
    static final String JVM_OPTION_EXPORT = "hami_jvm_option";
    /** Entry points the trampoline must export besides the hooks: without them nothing is intercepted. */
    static final List<String> INTERPOSITION = List.of("dlsym", "cuGetProcAddress", "cuGetProcAddress_v2",
            JVM_OPTION_EXPORT);
    /** Libraries that intercept the CUDA driver as the trampoline does: one process can hold only one. */
    static final List<String> INTERPOSERS = List.of("libvgpu.so", ChildEnvironment.TRAMPOLINE_NAME);
    private static final Pattern JAVA_VERSION = Pattern.compile("version \"([^\"]+)\"");
    private static final Pattern AOT_PROBLEM = Pattern.compile(
            ".*(\\]\\[(error|warning) *\\]\\[(aot|cds)|Unable to use|Error occurred).*");

    enum Status {
        OK("ok"), WARN("warn"), FAIL("FAIL");

        final String word;

        Status(String word) {
            this.word = word;
        }
    }

    /** One check's line; {@code failCode} is the exit status it stands for when it fails. */
    record Check(Status status, String name, String finding, String fix, int failCode) {
        String line() {
            return String.format("%-4s  %s: %s%s", status.word, name, finding, fix == null ? "" : " \u2014 fix: " + fix);
        }
    }

    DoctorProbes probes = new NativeProbes();

    private final List<Check> checks = new ArrayList<>();

    @Override
    int run() {
        checks.clear();
        Map<String, String> env = parent.host().environment();
        driver();
        nvml();
        Path dist = parent.host().dist();
        boolean runtime = runtime(dist);
        DoctorProbes.Trampoline trampoline = trampoline(dist);
        aotCache(dist, runtime, trampoline);
        signals(dist);
        region();
        preloads(env);
        javaOptions(env);
        logging(env);
        PrintWriter out = out();
        checks.forEach(check -> out.println(check.line()));
        long warnings = checks.stream().filter(c -> c.status() == Status.WARN).count();
        List<Check> failed = checks.stream().filter(c -> c.status() == Status.FAIL).toList();
        out.println();
        out.println(failed.isEmpty()
                ? "hami-run doctor: jobs can run here" + (warnings > 0 ? " (" + warnings + " warnings above)" : "")
                : "hami-run doctor: " + failed.size() + " check" + (failed.size() == 1 ? "" : "s")
                        + " failed: fix the FAIL lines above, first to last");
        out.flush();
        return failed.isEmpty() ? 0 : failed.getFirst().failCode();
    }

    private void ok(String name, String finding) {
        checks.add(new Check(Status.OK, name, finding, null, 0));
    }

    private void warn(String name, String finding, String fix) {
        checks.add(new Check(Status.WARN, name, finding, fix, 0));
    }

    private void fail(int code, String name, String finding, String fix) {
        checks.add(new Check(Status.FAIL, name, finding, fix, code));
    }

    // ---- the driver ---------------------------------------------------------------------------------------------

    private void driver() {
        List<String> nodes = deviceNodes();
        String nodeList = nodes.isEmpty() ? "no /dev/nvidia*" : String.join(" ", nodes);
        DoctorProbes.Driver driver = probes.driver();
        int code = ExitCodes.DOCTOR_DRIVER;
        if (driver.loadError() != null) {
            fail(code, "driver", "cannot run CUDA: " + NativeProbes.DRIVER + " cannot be loaded (" + driver.loadError()
                    + ")" + (nodes.isEmpty() ? ", and there are no /dev/nvidia* device nodes: no NVIDIA GPU is "
                            + "visible here" : ""),
                    nodes.isEmpty() ? "run on a machine with an NVIDIA GPU and its driver (in a container: start it "
                            + "with the GPUs, e.g. docker run --gpus all, or the NVIDIA device plugin)"
                            : "install the NVIDIA driver's user-space libraries, or put the directory that holds "
                                    + NativeProbes.DRIVER + " on LD_LIBRARY_PATH");
            deviceNodes(nodes, false);
            return;
        }
        String from = NativeProbes.DRIVER + (driver.file() == null ? "" : " (" + driver.file() + ")");
        String version = driver.version() > 0 ? ", CUDA " + driver.version() / 1000 + "." + driver.version() % 1000 / 10
                + " (driver API " + driver.version() + ")" : "";
        if (driver.initResult() != DoctorProbes.SUCCESS) {
            fail(code, "driver", "cannot run CUDA: " + from + version + " loads, but cuInit(0) returned "
                    + driver.initError() + (nodes.isEmpty() ? "; there are no /dev/nvidia* device nodes" : ""),
                    nodes.isEmpty() ? "give this machine or container the GPU device nodes (docker run --gpus all, "
                            + "the NVIDIA device plugin)" : "check the GPUs with nvidia-smi, and that "
                            + "CUDA_VISIBLE_DEVICES names devices that exist; see the driver's log (dmesg)");
            deviceNodes(nodes, false);
            return;
        }
        if (driver.devices().isEmpty()) {
            fail(code, "driver", from + version + " reports no device", "check CUDA_VISIBLE_DEVICES and nvidia-smi");
            return;
        }
        ok("driver", from + version + ", " + driver.devices().size() + " device"
                + (driver.devices().size() == 1 ? "" : "s"));
        for (DoctorProbes.Gpu gpu : driver.devices()) {
            if (gpu.result() == DoctorProbes.SUCCESS) {
                ok("device " + gpu.ordinal(), gpu.name() + ", " + Formats.size(gpu.totalBytes()));
            } else {
                fail(code, "device " + gpu.ordinal(), "the driver refuses its name or memory: " + gpu.error(),
                        "check the device with nvidia-smi");
            }
        }
        deviceNodes(nodes, true);
        if (nodes.isEmpty()) {
            warn("device nodes", nodeList + ", yet the driver answers: a stub or test driver (jobs get its answers, "
                    + "not a GPU's)", null);
        }
    }

    private void deviceNodes(List<String> nodes, boolean driverAnswers) {
        if (!nodes.isEmpty()) {
            ok("device nodes", String.join(" ", nodes));
        } else if (!driverAnswers) {
            fail(ExitCodes.DOCTOR_DRIVER, "device nodes", "no /dev/nvidia* in " + parent.host().systemPath("/dev"),
                    "load the NVIDIA kernel driver (nvidia-smi creates the nodes), or pass them into the container");
        }
    }

    /** /dev/nvidia0, /dev/nvidiactl, /dev/nvidia-uvm, ... (sorted; the caps directory too). */
    private List<String> deviceNodes() {
        Path dev = parent.host().systemPath("/dev");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dev, "nvidia*")) {
            List<String> nodes = new ArrayList<>();
            entries.forEach(entry -> nodes.add("/dev/" + entry.getFileName()));
            nodes.sort(null);
            return nodes;
        } catch (IOException e) {
            return List.of();
        }
    }

    private void nvml() {
        DoctorProbes.Nvml nvml = probes.nvml();
        String without = "nvidia-smi and NVML-based monitors see whole GPUs, not tenants; memory limits still work";
        if (nvml.loadError() != null) {
            warn("nvml", NativeProbes.NVML + " cannot be loaded (" + nvml.loadError() + "): " + without,
                    "install the driver's NVML library (it comes with the driver) if you need them");
        } else if (nvml.initResult() != DoctorProbes.SUCCESS) {
            warn("nvml", "nvmlInit_v2 returned " + nvml.initResult()
                    + (nvml.initError() == null ? "" : " (" + nvml.initError() + ")") + ": " + without,
                    "check nvidia-smi");
        } else {
            ok("nvml", NativeProbes.NVML + ", driver " + (nvml.driverVersion() == null ? "(version unknown)"
                    : nvml.driverVersion()));
        }
    }

    // ---- the distribution ---------------------------------------------------------------------------------------

    private static final String REINSTALL = "reinstall the hami-ffm distribution (mvn package builds it), copied whole";

    private boolean runtime(Path dist) {
        Path java = dist.resolve("runtime/bin/java");
        int code = ExitCodes.DOCTOR_DISTRIBUTION;
        if (!Files.isExecutable(java)) {
            fail(code, "runtime", java + " is missing: CUDA processes cannot start hami-ffm's JVM", REINSTALL);
            return false;
        }
        DoctorProbes.Output output = runQuietly(List.of(java.toString(), "-version"));
        Matcher version = JAVA_VERSION.matcher(output.text());
        if (output.exit() != 0 || !version.find()) {
            fail(code, "runtime", java + " -version failed (exit " + output.exit() + "): " + firstLine(output.text()),
                    REINSTALL);
            return false;
        }
        ok("runtime", "Java " + version.group(1) + " (" + dist.resolve("runtime") + ")");
        return true;
    }

    private DoctorProbes.Trampoline trampoline(Path dist) {
        Path library = dist.resolve(HamiRun.TRAMPOLINE);
        int code = ExitCodes.DOCTOR_DISTRIBUTION;
        if (!Files.isRegularFile(library)) {
            fail(code, "trampoline", library + " is missing: no job can be limited", REINSTALL);
            return null;
        }
        List<String> exports = Stream.concat(Agent.hookExports().stream(), INTERPOSITION.stream()).toList();
        DoctorProbes.Trampoline trampoline = probes.trampoline(library, exports);
        if (trampoline.loadError() != null) {
            fail(code, "trampoline", library + " cannot be loaded (" + trampoline.loadError() + "): the loader "
                    + "would skip the preload and jobs would run without limits", REINSTALL);
            return null;
        }
        if (!trampoline.missing().isEmpty()) {
            fail(code, "trampoline", library + " lacks " + String.join(", ", trampoline.missing()) + ": it is not "
                    + "from the build of lib/hami-ffm.jar", REINSTALL);
            return null;
        }
        ok("trampoline", library + " exports all " + exports.size() + " hooks and entry points (dlsym, "
                + "cuGetProcAddress, cuGetProcAddress_v2)");
        return trampoline;
    }

    private void aotCache(Path dist, boolean runtime, DoctorProbes.Trampoline trampoline) {
        Path cache = dist.resolve("lib/hami.aot");
        int code = ExitCodes.DOCTOR_DISTRIBUTION;
        if (!Files.isRegularFile(cache)) {
            warn("aot cache", cache + " is missing: the JVM in CUDA processes starts without it (about 100 ms later "
                    + "first allocation)", "build the distribution without HAMI_AOT=0");
            return;
        }
        if (!runtime || trampoline == null) {
            fail(code, "aot cache", "not checked: it needs the runtime and the trampoline above", REINSTALL);
            return;
        }
        // exactly the boot's options (boot.c: agent, class path, then the exported fixed ones), the cache required
        Path agent = dist.resolve("lib/hami-ffm.jar");
        List<String> command = new ArrayList<>(List.of(dist.resolve("runtime/bin/java").toString(),
                "-javaagent:" + agent, "-Djava.class.path=" + agent, "-Dhami.dist=" + dist));
        command.addAll(trampoline.jvmOptions());
        command.addAll(List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-version"));
        DoctorProbes.Output output = runQuietly(command);
        String problem = output.text().lines().filter(line -> AOT_PROBLEM.matcher(line).matches()).findFirst()
                .orElse(null);
        if (output.exit() != 0 || problem != null) {
            fail(code, "aot cache", cache + " is refused by " + dist.resolve("runtime") + " (exit " + output.exit()
                    + (problem == null ? "" : ": " + problem.strip()) + "): the JVM in CUDA processes starts without "
                    + "it", "rebuild the distribution with the JDK its runtime comes from, and move it only whole");
            return;
        }
        ok("aot cache", cache + " (" + Formats.size(sizeOf(cache)) + ") accepted by the runtime with the "
                + trampoline.jvmOptions().size() + " embedded JVM options");
    }

    private void signals(Path dist) {
        Path jsig = dist.resolve("runtime/lib/libjsig.so");
        if (!Files.isRegularFile(jsig)) {
            fail(ExitCodes.DOCTOR_DISTRIBUTION, "signals", jsig + " is missing: libhami.so needs it, so the "
                    + "loader skips the preload and jobs run without limits", REINSTALL);
            return;
        }
        ok("signals", "libjsig.so is loaded with libhami.so: handlers a host installs for SIGSEGV, SIGBUS, SIGFPE, "
                + "SIGILL (faulthandler, absl) chain with the JVM's, before or after its boot; the JVM runs with -Xrs, "
                + "so SIGINT, SIGTERM, SIGHUP and SIGQUIT stay the host's");
    }

    // ---- the environment ----------------------------------------------------------------------------------------

    private void region() {
        Path path = regionPath();
        int code = ExitCodes.DOCTOR_ENVIRONMENT;
        String fix = "choose a path jobs can write with --region or " + Region.PATH_VARIABLE;
        if (Files.notExists(path)) {
            Path directory = path.getParent();
            if (directory != null && Files.isDirectory(directory) && Files.isWritable(directory)) {
                ok("region", path + " does not exist yet: it will be created by the first job");
            } else {
                fail(code, "region", path + " does not exist and the first job cannot create it ("
                        + directory + " is not a writable directory)", fix);
            }
            return;
        }
        try (Region ignored = Region.open(path)) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
            String owner = Files.getOwner(path).getName();
            String layout = layout(path);
            if (!Files.isReadable(path) || !Files.isWritable(path)) {
                fail(code, "region", path + " (layout " + layout + ", " + mode + ", owner " + owner + ") is not "
                        + "readable and writable by this user: its jobs cannot join it",
                        "run as a user who may write it, or " + fix);
            } else {
                ok("region", path + ", layout " + layout + " (this build reads " + RegionLayout.MAJOR_VERSION
                        + ".x), " + mode + ", owner " + owner);
            }
        } catch (RegionException | IOException e) {
            fail(code, "region", e.getMessage(), "remove the file if no job uses it (hami-run status shows), or "
                    + fix);
        }
    }

    /** major.minor as the header stores them (little-endian, docs/region.md). */
    private static String layout(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path)) {
            ByteBuffer header = ByteBuffer.allocate(RegionLayout.MINOR_VERSION_OFFSET + Integer.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            return header.getInt(RegionLayout.MAJOR_VERSION_OFFSET) + "."
                    + header.getInt(RegionLayout.MINOR_VERSION_OFFSET);
        }
    }

    private void preloads(Map<String, String> env) {
        Path trampoline = parent.host().dist().resolve(HamiRun.TRAMPOLINE);
        List<String> problems = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        String variable = ChildEnvironment.callerValue(env, "LD_PRELOAD");
        Path systemFile = parent.host().systemPath("/etc/ld.so.preload");
        String system = null;
        try {
            system = Files.isRegularFile(systemFile) ? Files.readString(systemFile) : null;
        } catch (IOException e) {
            problems.add("/etc/ld.so.preload cannot be read (" + e.getMessage() + ")");
        }
        // hami-run puts its trampoline first in LD_PRELOAD, and drops another libhami.so from it
        int trampolines = 1;
        for (String[] source : new String[][] {{"LD_PRELOAD", variable}, {"/etc/ld.so.preload", system}}) {
            if (source[1] == null) {
                continue;
            }
            for (String entry : source[1].split("[:\\s]+")) {
                String name = entry.substring(entry.lastIndexOf('/') + 1);
                if (entry.isEmpty() || entry.startsWith("#") || !INTERPOSERS.contains(name)) {
                    continue;
                }
                seen.add(source[0] + ": " + entry);
                boolean ours = name.equals(ChildEnvironment.TRAMPOLINE_NAME);
                if (!ours) {
                    problems.add(source[0] + " names " + entry + ", another CUDA interposer (HAMi-core's): it "
                            + "and hami-ffm would both count and limit every allocation");
                } else if (source[0].startsWith("/") && !sameFile(Path.of(entry), trampoline)) {
                    trampolines++;
                }
            }
        }
        if (trampolines > 1) {
            problems.add("/etc/ld.so.preload names another copy of libhami.so than " + trampoline + ": jobs would "
                    + "load two trampolines");
        }
        if (!problems.isEmpty()) {
            fail(ExitCodes.DOCTOR_ENVIRONMENT, "preload", String.join("; ", problems),
                    "remove the other interposer from LD_PRELOAD or /etc/ld.so.preload (a process can hold one), or "
                            + "make /etc/ld.so.preload name " + trampoline);
        } else {
            ok("preload", seen.isEmpty() ? "no other CUDA interposer in LD_PRELOAD or /etc/ld.so.preload"
                    : String.join(", ", seen) + " (this distribution's trampoline)");
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private void javaOptions(Map<String, String> env) {
        List<String> read = new ArrayList<>();
        for (String name : List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")) {
            String value = ChildEnvironment.callerValue(env, name);
            if (value != null) {
                read.add(name + "=" + value);
            }
        }
        String hami = env.get("HAMI_JVM_OPTIONS");
        if (hami != null) {
            read.add("HAMI_JVM_OPTIONS=" + hami);
        }
        String launcherOnly = ChildEnvironment.callerValue(env, "JDK_JAVA_OPTIONS") == null ? ""
                : " (JDK_JAVA_OPTIONS is set, but only the java launcher reads it, not the JVM in CUDA processes)";
        if (read.isEmpty()) {
            ok("java options", "no JAVA_TOOL_OPTIONS, _JAVA_OPTIONS or HAMI_JVM_OPTIONS for the JVM in CUDA "
                    + "processes" + launcherOnly);
        } else {
            warn("java options", String.join(", ", read) + ": the JVM inside every CUDA process reads "
                    + (read.size() == 1 ? "it" : "them") + " too (its agents, its output, and an option that "
                    + "differs from the trained ones makes it start without lib/hami.aot)" + launcherOnly,
                    "unset them for hami-run jobs unless they are meant for that JVM");
        }
    }

    private void logging(Map<String, String> env) {
        String levelText = env.get(Log.LEVEL_VARIABLE);
        int level = Log.parseLevel(levelText);
        String what = level >= Log.DEBUG ? "errors, warnings, information and debug lines"
                : level >= Log.INFO ? "errors, warnings and information" : level >= Log.WARN ? "errors and warnings"
                        : "errors only";
        String fileText = env.get(Log.FILE_VARIABLE);
        Path file = Log.file(fileText);
        String where = file == null ? "on stderr" : "appended to " + file;
        String setting = levelText == null ? Log.LEVEL_VARIABLE + " unset" : Log.LEVEL_VARIABLE + "=" + levelText;
        if (levelText != null && !levelText.isBlank() && Log.level(levelText).isEmpty()) {
            warn("logging", setting + " is not a level: errors and warnings are logged, " + where,
                    "set it to 0-4 or error, warn, info, debug (HAMi-core's meanings)");
        } else if (fileText != null && !fileText.isEmpty() && !writable(file)) {
            warn("logging", Log.FILE_VARIABLE + "=" + fileText + " cannot be appended to: lines go to stderr",
                    "point it at a file in a writable directory");
        } else {
            ok("logging", setting + ": " + what + ", " + where);
        }
    }

    private static boolean writable(Path file) {
        if (file == null) {
            return false;
        }
        Path directory = file.toAbsolutePath().getParent();
        return Files.exists(file) ? Files.isRegularFile(file) && Files.isWritable(file)
                : directory != null && Files.isDirectory(directory) && Files.isWritable(directory);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private DoctorProbes.Output runQuietly(List<String> command) {
        try {
            return probes.run(command);
        } catch (IOException e) {
            return new DoctorProbes.Output(-1, e.getMessage());
        }
    }

    private static String firstLine(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse("(no output)");
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
