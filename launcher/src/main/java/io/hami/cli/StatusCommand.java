package io.hami.cli;

import io.hami.region.Region;
import io.hami.region.RegionSnapshot;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hami-run status}: every tenant and process of a region, once. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = HamiRun.Version.class,
        sortOptions = false,
        header = "Show the tenants and processes of a region, once.",
        description = {
            "",
            "Every active tenant (memory used and limit per device, SM share, priority, live processes) and every "
                    + "process slot (pid, state, tenant, memory in use per device, command). Only devices with a "
                    + "limit, usage or SM share are shown; devices that read alike share one row (1-15). A dead "
                    + "process keeps its row, and its memory stays charged to its tenant, until a hami-ffm process "
                    + "reclaims its slot (any that starts, and every running one within seconds). Reads only: "
                    + "changes nothing in the region.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {RegionCommand.EXIT_OK, RegionCommand.EXIT_NO_REGION, RegionCommand.EXIT_FAILED},
        footerHeading = "%nSee also:%n",
        footer = {
            "  hami-run top (the same, live), hami-run set (change a tenant's limits),",
            "  docs/cli.md",
        })
final class StatusCommand extends RegionCommand {
    @Option(names = "--json", description = "Machine-readable JSON (format 1, described in docs/cli.md).")
    boolean json;

    @Override
    int run() throws LaunchException {
        RegionSnapshot snapshot;
        try (Region shared = openRegion()) {
            snapshot = RegionSnapshot.of(shared);
        }
        PrintWriter out = out();
        if (json) {
            out.print(StatusJson.of(snapshot));
        } else {
            new StatusView(Formats.ellipsis(System.out.charset())).lines(snapshot).forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
