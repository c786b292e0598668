package io.hami.cli;

import io.hami.region.Region;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hami-run jshell}: the user's JDK's jshell with the hami-ffm library on its class path and the live region
 * open. The bundled runtime has no jshell (it holds java.base and java.instrument only), so a full JDK 22 or newer
 * is needed: {@code $JAVA_HOME/bin/jshell}, else {@code jshell} on PATH.
 */
@Command(
        name = "jshell",
        mixinStandardHelpOptions = true,
        versionProvider = HamiRun.Version.class,
        sortOptions = false,
        header = "Explore a live region from jshell with the hami-ffm Java library.",
        description = {
            "",
            "Starts your JDK's jshell ($JAVA_HOME/bin/jshell, else jshell on PATH; JDK 22 or newer: the bundled "
                    + "runtime has none) with the library jars on the class path, native access enabled, and a "
                    + "startup script that imports io.hami.api.* and opens the region as 'region' (null when there "
                    + "is none yet). Arguments after -- go to jshell. Tutorial: docs/tutorial-jshell.md.",
        },
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "125:bad option",
            "127:no jshell found (set JAVA_HOME to a JDK 22 or newer)",
            "other:jshell's own exit status",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  hami-run jshell",
            "  hami-run jshell --region /tmp/scratch.region",
            "  hami-run jshell -- -J-Xmx1g",
        })
final class JshellCommand extends RegionCommand {
    /** The library jars, in dist/lib, a JVM application or jshell puts on its class path. */
    static final List<String> LIBRARY_JARS = List.of("hami-api.jar", "hami-ffm.jar", "hami-bindings.jar");
    /** The startup script in dist/lib: imports and the open region. */
    static final String STARTUP = "hami.jsh";

    @Parameters(paramLabel = "JSHELL_ARG", arity = "0..*", description = "Passed to jshell as they are.")
    List<String> jshellArgs;

    @Override
    int run() throws LaunchException {
        Host host = parent.host();
        Map<String, String> env = ChildEnvironment.restored(host.nativeEnvironment());
        Path jshell = findJshell(host.environment(), host.workingDirectory());
        Path lib = host.dist().resolve("lib");
        List<String> argv = new ArrayList<>();
        argv.add(host.toNative(jshell.toString()));
        argv.add("--class-path");
        argv.add(host.toNative(String.join(":", LIBRARY_JARS.stream().map(j -> lib.resolve(j).toString()).toList())));
        // the region is a mapped file read with FFM, in jshell's execution JVM (-R) and in jshell's own (-J)
        argv.add("-R--enable-native-access=ALL-UNNAMED");
        argv.add("-J--enable-native-access=ALL-UNNAMED");
        argv.add("--startup");
        argv.add("DEFAULT");
        argv.add("--startup");
        argv.add(host.toNative(lib.resolve(STARTUP).toString()));
        if (jshellArgs != null) {
            argv.addAll(host.nativeArguments(jshellArgs));
        }
        env.put(Region.PATH_VARIABLE, host.toNative(regionPath().toString())); // what the startup script opens
        host.exec(argv.getFirst(), argv, env);
        return 0; // only a host that does not replace the process gets here
    }

    /** {@code $JAVA_HOME/bin/jshell}, else {@code jshell} on PATH; 127 with the fix when neither exists. */
    static Path findJshell(Map<String, String> env, Path workingDirectory) throws LaunchException {
        String javaHome = env.get("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            Path candidate = Path.of(javaHome, "bin", "jshell");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        try {
            return CommandResolver.resolve("jshell", env.get("PATH"), workingDirectory);
        } catch (LaunchException e) {
            throw new LaunchException(ExitCodes.NOT_FOUND, "no jshell found (" + (javaHome == null || javaHome
                    .isBlank() ? "JAVA_HOME is not set" : "JAVA_HOME=" + javaHome + " has no bin/jshell")
                    + ", and none is on PATH): hami-run jshell needs a full JDK 22 or newer, the bundled runtime has "
                    + "no jshell; set JAVA_HOME to one", e);
        }
    }
}
