package io.hami.cli;

import io.hami.region.Region;
import io.hami.region.RegionException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What the tools over a live region ({@code set}, {@code status}, {@code top}) share: {@code --region}, how the
 * region is found and opened (never created), and their exit statuses.
 */
abstract class RegionCommand implements Callable<Integer> {
    /** The region or the tenant named does not exist; nothing was shown or changed. */
    static final int NOT_FOUND = 1;

    static final String EXIT_OK = "0:success";
    static final String EXIT_NO_REGION = "1:no region at PATH (no hami-run job has created it yet)";
    static final String EXIT_FAILED = "125:bad option, or a region file that cannot be used (foreign, corrupt, newer "
            + "layout, no permission)";

    @ParentCommand
    HamiRun parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--region", paramLabel = "PATH",
            description = "Region file (default: $CUDA_DEVICE_MEMORY_SHARED_CACHE, else /dev/shm/hami-ffm.region).")
    Path region;

    @Override
    public final Integer call() throws LaunchException {
        if (parent.memory != null || parent.deviceMemory != null || parent.tenant != null) {
            throw new LaunchException(ExitCodes.FAILED, "--memory, --device-memory and --tenant before '"
                    + spec.name() + "' belong to a launch: to run a program called " + spec.name() + " write hami-run "
                    + "[OPTIONS] -- " + spec.name() + ", else put the options after '" + spec.name() + "'");
        }
        return run();
    }

    abstract int run() throws LaunchException;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** --region (after the subcommand, else before it), else the environment's region, else the default one. */
    Path regionPath() {
        Host host = parent.host();
        Path given = region != null ? region : parent.region;
        Path path = given != null ? host.workingDirectory().resolve(given) : Region.defaultPath(host.environment());
        return path.toAbsolutePath().normalize();
    }

    /** Opens the region; a missing one is {@link #NOT_FOUND}, an unusable one {@link ExitCodes#FAILED}. */
    Region openRegion() throws LaunchException {
        Path path = regionPath();
        try {
            return Region.open(path);
        } catch (RegionException e) {
            if (Files.notExists(path)) {
                throw new LaunchException(NOT_FOUND, "no region at " + path + ": start a job with hami-run"
                        + (region != null || parent.region != null ? " --region " + path : "")
                        + " -- COMMAND, or name the region of your jobs with --region PATH");
            }
            throw new LaunchException(ExitCodes.FAILED, e.getMessage(), e);
        }
    }
}
