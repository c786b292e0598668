package io.hami.cli;

import io.hami.cli.MemoryLimits.DeviceLimit;
import io.hami.cli.Tenancy.Tenant;
import io.hami.region.Region;
import io.hami.region.RegionException;
import io.hami.region.TenantSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code hami-run}: runs a command with GPU memory limits that bind all its processes together.
 *
 * <p>The launch is the top-level command. Tools over a live region are Picocli subcommands listed in
 * {@code subcommands} ({@code set}, {@code status}, {@code top}: docs/cli.md; {@code doctor}, {@code monitor},
 * {@code jshell} are meant to join them); a program with one of those names is launched as {@code hami-run -- NAME}.
 */
@Command(
        name = "hami-run",
        mixinStandardHelpOptions = true,
        versionProvider = HamiRun.Version.class,
        sortOptions = false,
        subcommands = {SetCommand.class, StatusCommand.class, TopCommand.class, DoctorCommand.class,
                JshellCommand.class,
                MonitorCommand.class},
        commandListHeading = "%nCommands (a program of one of these names runs as hami-run -- NAME):%n",
        customSynopsis = {
            "hami-run [--memory SIZE] [--device-memory DEV=SIZE,...] [--tenant NAME]",
            "                [--region PATH] -- COMMAND [ARG...]",
        },
        header = "Run a command with GPU memory limits shared by all its processes.",
        description = {
            "",
            "hami-run puts COMMAND in a tenant of the shared region, sets its limits, preloads the hami-ffm "
                    + "trampoline and then becomes COMMAND: same pid, same signals, same exit status, no process "
                    + "left behind. Processes that never touch CUDA pay only for the preload.",
        },
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "125:hami-run itself failed (bad option, region, tenant); COMMAND did not run",
            "126:COMMAND was found but cannot be executed",
            "127:COMMAND was not found",
            "other:COMMAND's own exit status",
        },
        footerHeading = "%nTenants:%n",
        footer = {
            "Without --tenant each launch gets a fresh ephemeral tenant named job-<pid> (the pid of hami-run, "
                    + "which becomes COMMAND's), freed once COMMAND and all its processes are gone; a launch inside "
                    + "a hami-run job (HAMI_TENANT set, no --region) joins that job's tenant instead.",
            "--tenant NAME joins the tenant NAME, creating it with the limits given. A tenant that exists keeps its "
                    + "limits: omit --memory/--device-memory to join it with them; asking for other limits is "
                    + "refused (exit 125) and never applied silently.",
            "",
            "Environment of COMMAND (inherited CUDA_DEVICE_MEMORY_LIMIT* are removed):",
            "  CUDA_DEVICE_MEMORY_LIMIT[_<i>]   the tenant's limits in bytes (HAMi's names)",
            "  CUDA_DEVICE_MEMORY_SHARED_CACHE  the region file",
            "  HAMI_TENANT                      the tenant's name",
            "  CUDA_OVERSUBSCRIBE               true with --oversubscribe",
            "  LD_PRELOAD                       the trampoline, then the caller's preloads",
            "",
            "Examples:",
            "  hami-run --memory 8g -- python train.py",
            "  hami-run --tenant team-a --device-memory 0=20g,1=10g -- ./serve",
            "  hami-run --tenant team-a -- python eval.py      (joins team-a with its limits)",
        })
public final class HamiRun implements Callable<Integer> {
    static final String TRAMPOLINE = "lib/libhami.so";
    static final String OVERSUBSCRIBE_VARIABLE = "CUDA_OVERSUBSCRIBE";

    @Option(names = "--memory", paramLabel = "SIZE", converter = Converters.MemorySize.class,
            description = "Memory limit on every GPU, e.g. 8g or 512m (binary units; no suffix: bytes).")
    Long memory;

    @Option(names = "--device-memory", paramLabel = "DEV=SIZE", split = ",",
            converter = Converters.DeviceMemory.class,
            description = "Memory limit on single GPUs, e.g. 0=8g,1=4g; DEV is 0-15 as COMMAND sees it after "
                    + "CUDA_VISIBLE_DEVICES. Overrides --memory for those GPUs.")
    List<DeviceLimit> deviceMemory;

    @Option(names = "--tenant", paramLabel = "NAME", converter = Converters.TenantName.class,
            description = "Join or create the named tenant (1-63 of A-Z a-z 0-9 . _ : @ -) instead of a fresh one.")
    String tenant;

    @Option(names = "--region", paramLabel = "PATH",
            description = "Region file shared by the tenants (default: $CUDA_DEVICE_MEMORY_SHARED_CACHE, else "
                    + "/dev/shm/hami-ffm.region).")
    Path region;

    @Option(names = "--oversubscribe",
            description = "Serve allocations beyond the limit from host memory (slower, not refused); sets "
                    + "CUDA_OVERSUBSCRIBE=true for COMMAND.")
    boolean oversubscribe;

    @Option(names = "--sm", paramLabel = "PERCENT", converter = SetCommand.Percent.class,
            description = "Share of every GPU's SM time, 1-100 percent, over 1-second windows (docs/compute.md).")
    Integer sm;

    @Option(names = "--device-sm", paramLabel = "DEV=PERCENT", split = ",", converter = SetCommand.DevicePercent.class,
            description = "SM share on single GPUs, e.g. 0=30,1=50; overrides --sm for those GPUs.")
    List<SetCommand.DeviceValue> deviceSm;

    @Option(names = "--priority", paramLabel = "LEVEL", converter = SetCommand.PriorityLevel.class,
            description = "high (never waits while under its share), normal, or low (yields to an active high-priority "
                    + "tenant down to a 5 %% minimum).")
    Integer priority;

    @Option(names = "--bandwidth", paramLabel = "PERCENT", converter = SetCommand.Percent.class,
            description = "Cap on the share of every GPU's DRAM bandwidth, 1-100 percent (NVML GPM; docs/compute.md).")
    Integer bandwidth;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command and its arguments, after --. Everything after COMMAND is its own.")
    List<String> command;

    private final Host host;

    HamiRun(Host host) {
        this.host = host;
    }

    /** The host, for the subcommands. */
    Host host() {
        return host;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new PosixHost()).execute(args));
    }

    /** The configured command line: one-line errors on stderr with exit 125, COMMAND's arguments left untouched. */
    static CommandLine commandLine(Host host) {
        CommandLine cli = new CommandLine(new HamiRun(host));
        cli.setStopAtPositional(true); // options after COMMAND belong to COMMAND
        cli.setExpandAtFiles(false); // an @file argument is COMMAND's
        conventions(cli);
        cli.setParameterExceptionHandler(HamiRun::invalidInput);
        cli.setExecutionExceptionHandler((e, failed, parsed) -> failure(failed.getErr(), e));
        return cli;
    }

    /**
     * What every subcommand gets, also one added later that forgets it: --help and --version (hami-run's version),
     * and an exit-status list in its help. Its errors already take the one-line form through the handlers above.
     */
    static void conventions(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (!spec.mixinStandardHelpOptions()) {
                spec.mixinStandardHelpOptions(true);
            }
            if (!(spec.versionProvider() instanceof Version)) {
                spec.versionProvider(new Version());
            }
            if (spec.usageMessage().exitCodeList().isEmpty()) {
                Map<String, String> codes = new LinkedHashMap<>();
                codes.put("0", "success");
                codes.put(Integer.toString(ExitCodes.FAILED), "bad option, or hami-run itself failed");
                spec.usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(codes);
            }
            conventions(sub);
        }
    }

    @Override
    public Integer call() throws LaunchException {
        if (command == null || command.isEmpty()) {
            throw new LaunchException(ExitCodes.FAILED,
                    "no command to run: write it after --, e.g. hami-run --memory 8g -- python train.py");
        }
        long[] requested = MemoryLimits.requested(memory, deviceMemory);
        Path trampoline = host.dist().resolve(TRAMPOLINE);
        if (!Files.isRegularFile(trampoline)) {
            throw new LaunchException(ExitCodes.FAILED, "the trampoline " + trampoline + " is missing: reinstall "
                    + "the hami-ffm distribution");
        }
        Map<String, String> env = host.environment();
        // before the region: a typo must not leave a tenant behind
        Path program = CommandResolver.resolve(command.getFirst(), env.get("PATH"), host.workingDirectory());
        Path regionPath = (region != null ? host.workingDirectory().resolve(region) : Region.defaultPath(env))
                .toAbsolutePath().normalize();
        Tenant joined;
        long[] childLimits;
        try (Region shared = Region.openOrCreate(regionPath)) {
            // limits are asked per visible index and recorded per GPU (docs/memory.md): where they differ between
            // devices, the driver says which GPU each index is
            List<byte[]> gpus = requested != null && !VisibleGpus.uniform(requested) ? host.visibleGpus() : null;
            long[] placed = gpus == null ? requested : VisibleGpus.place(shared, gpus, requested);
            joined = Tenancy.resolve(shared, tenantName(env), placed, host.pid());
            if (gpus == null && !VisibleGpus.uniform(joined.limits())) {
                gpus = host.visibleGpus();
            }
            childLimits = gpus == null ? joined.limits() : VisibleGpus.view(shared, gpus, joined.limits());
            long[] shares = SetCommand.perDevice(sm == null ? null : sm.longValue(), deviceSm, "--device-sm",
                    "0=30,1=50");
            if (shares != null && !VisibleGpus.uniform(shares)) { // per visible index too, like --device-memory
                gpus = gpus != null ? gpus : host.visibleGpus();
                shares = gpus == null ? shares : VisibleGpus.place(shared, gpus, shares, TenantSettings.UNCHANGED);
            }
            Tenancy.applyCompute(shared, joined, shares, priority, bandwidth);
        } catch (RegionException e) {
            throw new LaunchException(ExitCodes.FAILED, e.getMessage(), e);
        }
        Map<String, String> childEnv = ChildEnvironment.build(host.nativeEnvironment(),
                host.toNative(regionPath.toString()), host.toNative(joined.name()), childLimits,
                host.toNative(trampoline.toString()));
        if (oversubscribe) {
            childEnv.put(OVERSUBSCRIBE_VARIABLE, "true");
        }
        List<String> argv = host.nativeArguments(command);
        // a name with a slash is executed as given (execve resolves it against the working directory)
        String file = command.getFirst().indexOf('/') >= 0 ? argv.getFirst() : host.toNative(program.toString());
        host.exec(file, argv, childEnv);
        return 0; // only a host that does not replace the process gets here
    }

    /** --tenant, else the tenant of the job this launch runs inside (so a nested launch cannot escape its limit). */
    private String tenantName(Map<String, String> env) {
        if (tenant != null || region != null) {
            return tenant;
        }
        return env.get(ChildEnvironment.TENANT_VARIABLE);
    }

    private static int invalidInput(ParameterException e, String[] args) {
        StringBuilder message = new StringBuilder(e.getMessage());
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message.append(" (did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append("?)");
        } else if (!(e.getCause() instanceof TypeConversionException)) {
            message.append(" (run ").append(e.getCommandLine().getCommandSpec().qualifiedName())
                    .append(" --help for the options)");
        }
        return report(e.getCommandLine().getErr(), ExitCodes.FAILED, message.toString());
    }

    private static int failure(PrintWriter err, Exception e) {
        if (e instanceof LaunchException launch) {
            return report(err, launch.exitCode(), launch.getMessage());
        }
        return report(err, ExitCodes.FAILED, "internal error, please report it: " + e);
    }

    /** One line on stderr: the problem and the fix. */
    static int report(PrintWriter err, int exitCode, String message) {
        err.println("hami-run: " + message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
        err.flush();
        return exitCode;
    }

    /** {@code hami-run --version}: the version in the jar's manifest and the runtime it runs on. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = HamiRun.class.getPackage().getImplementationVersion();
            return new String[] {
                "hami-run " + (version == null ? "(development build)" : version),
                "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.home") + ")",
            };
        }
    }
}
