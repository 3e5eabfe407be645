package dev.conveyor.cli.client;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;

/**
 * {@code conveyor logs NAME}: what the actions of an execution (the latest by default) printed, each line prefixed by
 * stage/action; with {@code --follow}, live until the execution settles. Log lines go to standard output, notes
 * about them (which execution, how it ended) to standard error, so the output can be piped as it is.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print the logs of an execution's actions (the latest execution by default), prefixed by stage/action.")
public final class LogsCommand extends PipelineCommand {
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** How long --follow waits for logs to complete once the execution settled. */
    static final Duration SETTLE_GRACE = Duration.ofSeconds(30);

    @Option(names = "--execution", paramLabel = "ID", description = "The execution (default: the latest).")
    String executionId;

    @Option(names = "--stage", paramLabel = "STAGE", description = "Only the actions of this stage.")
    String stage;

    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action.")
    String action;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output, and the logs of actions that start later, until the execution settles.")
    boolean follow;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (CodePipelineClient codePipeline = client.codePipeline(); ActionLogs logs = client.actionLogs()) {
            PipelineExecution execution = Executions.named(codePipeline, pipeline, executionId, client.endpointArgument());
            String id = execution.pipelineExecutionId();
            PipelineDeclaration declaration = Executions.declaration(codePipeline, pipeline, execution.pipelineVersion());
            checkSelection(declaration);
            LogFollower follower = new LogFollower(codePipeline, logs, pipeline, id, this::selected, out, Executions.nameWidth(declaration));
            err.println("Logs of " + pipeline + " execution " + id + " (" + execution.statusAsString() + ")"
                    + (follow && !Executions.isSettled(execution.status()) ? ", following until it settles" : ""));
            err.flush();
            if (follow) {
                try (ExecutionEvents events = client.executionEvents(pipeline, id)) {
                    PipelineExecutionStatus end = follower.wakingOn(events).follow(POLL_INTERVAL, SETTLE_GRACE);
                    err.println("Execution " + id + " " + end);
                }
            } else if (follower.printAvailable() == 0) {
                err.println("No action" + selection() + " has run in this execution yet.");
            }
            err.flush();
            return 0;
        }
    }

    private boolean selected(ActionExecutionDetail detail) {
        return (stage == null || stage.equals(detail.stageName())) && (action == null || action.equals(detail.actionName()));
    }

    private String selection() {
        return (stage == null ? "" : " of stage " + stage) + (action == null ? "" : " named " + action);
    }

    /** Names that are not in the pipeline are mistakes worth saying so, not an empty log. */
    private void checkSelection(PipelineDeclaration declaration) {
        List<StageDeclaration> stages = declaration.stages();
        if (stage != null && stages.stream().noneMatch(s -> s.name().equals(stage))) {
            throw new CommandFailure("pipeline " + pipeline + " has no stage " + stage + " (its stages: "
                    + String.join(", ", stages.stream().map(StageDeclaration::name).toList()) + ")");
        }
        List<String> actions = stages.stream().filter(s -> stage == null || s.name().equals(stage))
                .flatMap(s -> s.actions().stream().map(ActionDeclaration::name)).distinct().toList();
        if (action != null && !actions.contains(action)) {
            throw new CommandFailure("pipeline " + pipeline + (stage == null ? "" : " stage " + stage) + " has no action " + action
                    + " (its actions: " + String.join(", ", actions) + ")");
        }
    }
}
