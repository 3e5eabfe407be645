package dev.conveyor.cli;

import dev.conveyor.cli.client.ApproveCommand;
import dev.conveyor.cli.client.FailurePrinter;
import dev.conveyor.cli.client.LogsCommand;
import dev.conveyor.cli.client.RejectCommand;
import dev.conveyor.cli.client.RunCommand;
import dev.conveyor.cli.client.SecretsCommand;
import dev.conveyor.cli.client.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code conveyor}: the entry point. Each subcommand is a class of its own. */
@Command(name = "conveyor", mixinStandardHelpOptions = true, version = "Conveyor 0.1.0",
        description = "A self-hosted continuous-delivery server that speaks the AWS CodePipeline API.",
        subcommands = {ServerCommand.class, AgentCommand.class, RunCommand.class, StatusCommand.class, ApproveCommand.class, RejectCommand.class,
                LogsCommand.class, SecretsCommand.class, dev.conveyor.cli.client.AuditCommand.class,
                dev.conveyor.cli.client.AgentsCommand.class, dev.conveyor.cli.client.EventsCommand.class, BackupCommand.class,
                RestoreCommand.class, CommandLine.HelpCommand.class})
public final class ConveyorCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with every subcommand and the one-line error reporting; tests run commands through it. */
    public static CommandLine commandLine() {
        return new CommandLine(new ConveyorCli()).setExecutionExceptionHandler(new FailurePrinter());
    }

    /**
     * {@code conveyor server …} alone: the server's options without every other subcommand. Picocli reads a command's
     * annotations by reflection when its command line is made; the whole tree (every client command) took a fifth of
     * a server start's CPU (issue 20: start to healthy). Same usage, errors and exit codes as through
     * {@link #commandLine()}.
     */
    static CommandLine serverCommandLine() {
        return new CommandLine(new ServerCommand()).setCommandName("conveyor server").setExecutionExceptionHandler(new FailurePrinter());
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("server")) {
            dev.conveyor.server.ConveyorServer.readAhead(); // while picocli reads the options
            System.exit(serverCommandLine().execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(commandLine().execute(args));
    }
}
