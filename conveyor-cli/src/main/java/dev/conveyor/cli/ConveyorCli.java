package dev.conveyor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code conveyor}: the entry point. Each subcommand is a class of its own. */
@Command(name = "conveyor", mixinStandardHelpOptions = true, version = "Conveyor 0.1.0",
        description = "A self-hosted continuous-delivery server that speaks the AWS CodePipeline API.",
        subcommands = {ServerCommand.class, CommandLine.HelpCommand.class})
public final class ConveyorCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConveyorCli()).execute(args));
    }
}
