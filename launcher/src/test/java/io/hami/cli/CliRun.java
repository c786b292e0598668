package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;

/** hami-run's command line run in this JVM with a {@link FakeHost}: exit status, stdout and stderr. */
record CliRun(int exit, String out, String err) {
    static CliRun run(FakeHost host, String... args) {
        return run(host, cli -> {}, args);
    }

    /** {@code configure} may reach the subcommands' objects before the run (test seams of top). */
    static CliRun run(FakeHost host, Consumer<CommandLine> configure, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HamiRun.commandLine(host);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        configure.accept(cli);
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    List<String> lines() {
        return out.lines().toList();
    }

    /** Exit {@code exit}, nothing on stdout, one line on stderr that holds every fragment. */
    CliRun assertOneErrorLine(int expected, String... fragments) {
        assertThat(exit).as("exit status; stderr: %s", err).isEqualTo(expected);
        assertThat(out).isEmpty();
        assertThat(err.lines()).hasSize(1);
        assertThat(err).startsWith("hami-run: ").contains(fragments);
        return this;
    }

    CliRun assertSuccess() {
        assertThat(exit).as("exit status; stderr: %s", err).isZero();
        assertThat(err).isEmpty();
        return this;
    }
}
