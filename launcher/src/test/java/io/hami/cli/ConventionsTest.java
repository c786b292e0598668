package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Picocli conventions on every command, found by walking the command tree (a subcommand added later is covered
 * without touching this test): --help with its exit statuses, --version, errors as one line on stderr.
 */
class ConventionsTest {
    @TempDir
    Path root;

    FakeHost host;

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(root);
    }

    /** Every subcommand's name path: [set], [status], ... */
    private List<List<String>> subcommands() {
        List<List<String>> paths = new ArrayList<>();
        collect(HamiRun.commandLine(host), new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine cli, List<String> prefix, List<List<String>> paths) {
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(sub.getKey());
            paths.add(path);
            collect(sub.getValue(), path, paths);
        }
    }

    private CliRun run(List<String> path, String... args) {
        List<String> all = new ArrayList<>(path);
        all.addAll(List.of(args));
        return CliRun.run(host, all.toArray(String[]::new));
    }

    @Test
    void theToolsAreAllThere() {
        assertThat(subcommands()).contains(List.of("set"), List.of("status"), List.of("top"), List.of("doctor"));
    }

    @Test
    void everyCommandsHelpListsItsExitStatuses() {
        List<List<String>> commands = new ArrayList<>(subcommands());
        commands.add(List.of()); // the launch itself
        for (List<String> path : commands) {
            CliRun help = run(path, "--help").assertSuccess();
            Map<String, String> codes = spec(path).usageMessage().exitCodeList();
            assertThat(codes).as("exit codes of %s", path).isNotEmpty();
            assertThat(help.out()).as("help of %s", path).contains("Usage: hami-run", "Exit status", "--help",
                    "--version");
            for (String code : codes.keySet()) {
                assertThat(help.out()).as("help of %s", path).containsPattern("(?m)^\\s+" + code + "\\s");
            }
            assertThat(codes).as("%s: bad options exit 125", path).containsKey("125");
        }
    }

    @Test
    void everyCommandPrintsTheVersion() {
        for (List<String> path : subcommands()) {
            CliRun version = run(path, "--version").assertSuccess();
            assertThat(version.lines().getFirst()).as("version of %s", path).startsWith("hami-run ");
            assertThat(version.out()).contains("Java ");
        }
    }

    @Test
    void everyCommandReportsABadOptionOnOneLineWithExit125() {
        for (List<String> path : subcommands()) {
            // the first problem picocli finds (set misses --tenant before it sees the unknown option)
            CliRun result = run(path, "--no-such-option").assertOneErrorLine(ExitCodes.FAILED, "hami-run: ");
            assertThat(result.err()).as("%s", path).containsPattern("^hami-run: .+: .+|^hami-run: .+ \\(run hami-run ");
        }
    }

    @Command(name = "bare")
    static final class Bare implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    @Test
    void aSubcommandThatForgetsTheConventionsGetsThemFromTheParent() {
        CommandLine cli = new CommandLine(new HamiRun(host));
        cli.addSubcommand(new Bare());
        HamiRun.conventions(cli);
        CommandLine bare = cli.getSubcommands().get("bare");
        assertThat(bare.getCommandSpec().mixinStandardHelpOptions()).isTrue();
        assertThat(bare.getCommandSpec().versionProvider()).isInstanceOf(HamiRun.Version.class);
        assertThat(bare.getUsageMessage()).contains("--version", "Exit status", "125");
    }

    private CommandLine.Model.CommandSpec spec(List<String> path) {
        CommandLine cli = HamiRun.commandLine(host);
        for (String name : path) {
            cli = cli.getSubcommands().get(name);
        }
        return cli.getCommandSpec();
    }
}
