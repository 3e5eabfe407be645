package dev.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** {@code conveyor server} is parsed without the other subcommands (a faster start): it must read as it did through them. */
class ServerCommandLineTest {
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static String[] withServer(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "server";
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    @Test
    void helpIsTheSameAsThroughTheWholeCommandLine() {
        Run whole = run(ConveyorCli.commandLine(), withServer("--help"));
        Run alone = run(ConveyorCli.serverCommandLine(), "--help");

        assertThat(alone).isEqualTo(whole);
        assertThat(alone.out()).startsWith("Usage: conveyor server").contains("--data-dir");
    }

    @Test
    void invalidOptionsFailTheSameWay() {
        for (String[] args : new String[][] {{"--no-such-option"}, {"--port", "eighty"}, {"--port"}}) {
            Run whole = run(ConveyorCli.commandLine(), withServer(args));
            Run alone = run(ConveyorCli.serverCommandLine(), args);

            assertThat(alone).as(String.join(" ", args)).isEqualTo(whole);
            assertThat(alone.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        }
    }
}
