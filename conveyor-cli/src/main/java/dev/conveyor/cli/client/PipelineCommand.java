package dev.conveyor.cli.client;

import picocli.CommandLine.Parameters;

/** A client command about one pipeline, named by the first parameter. */
abstract class PipelineCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The pipeline.")
    String pipeline;
}
