package dev.conveyor.cli.client;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineVariable;

/** {@code conveyor run NAME}: StartPipelineExecution, and with {@code --watch} the execution live until it settles. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start an execution of a pipeline (StartPipelineExecution).",
        footer = {"", "Exit status with --watch: 0 when the execution Succeeded, 1 otherwise (Failed, Stopped, Superseded...) or on error."})
public final class RunCommand extends PipelineCommand {
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** With the event stream, state is re-read on each event; this bounds the wait when none comes. */
    static final Duration FALLBACK_INTERVAL = Duration.ofSeconds(5);

    @Option(names = "--var", paramLabel = "NAME=VALUE", description = "A pipeline variable's value for this execution (repeatable).")
    Map<String, String> variables = new LinkedHashMap<>();

    @Option(names = "--watch", description = "Show the stages and actions as they run, until the execution settles.")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (CodePipelineClient codePipeline = client.codePipeline()) {
            String id = codePipeline.startPipelineExecution(r -> {
                r.name(pipeline);
                if (!variables.isEmpty()) { // an empty list is not the same as none: the API wants at least one
                    r.variables(variables.entrySet().stream()
                            .map(v -> PipelineVariable.builder().name(v.getKey()).value(v.getValue()).build()).toList());
                }
            }).pipelineExecutionId();
            out.println("Started execution " + id + " of " + pipeline + ".");
            if (!watch) {
                String at = client.endpointArgument();
                out.println("Follow it: bin/conveyor status " + pipeline + at + "   or   bin/conveyor logs " + pipeline + " --follow" + at);
                out.flush();
                return 0;
            }
            out.flush();
            // The execution's event stream wakes the watcher on each change; the interval is only a fallback (issue 17).
            try (ExecutionEvents events = client.executionEvents(pipeline, id)) {
                ExecutionProgress end = new ExecutionWatcher(codePipeline, pipeline, id, out, Terminal.isInteractive(), FALLBACK_INTERVAL,
                        client.endpointArgument(), Clock.systemDefaultZone()).wakingOn(events).watch();
                return end.status() == PipelineExecutionStatus.SUCCEEDED ? 0 : 1;
            }
        }
    }
}
