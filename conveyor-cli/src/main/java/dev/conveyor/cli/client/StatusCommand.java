package dev.conveyor.cli.client;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecution;
import software.amazon.awssdk.services.codepipeline.model.ActionState;
import software.amazon.awssdk.services.codepipeline.model.GetPipelineStateResponse;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.codepipeline.model.StageState;

/**
 * {@code conveyor status NAME}: GetPipelineState as a table (each stage's latest execution, each action's latest
 * run and what it said), then what holds executions back: disabled transitions and approvals, with the commands
 * that answer them.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show where a pipeline stands: stages, actions, statuses, summaries, pending approvals (GetPipelineState).")
public final class StatusCommand extends PipelineCommand {
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (CodePipelineClient codePipeline = client.codePipeline()) {
            GetPipelineStateResponse state = codePipeline.getPipelineState(r -> r.name(pipeline));
            PipelineDeclaration declaration = Executions.declaration(codePipeline, pipeline, state.pipelineVersion());
            Optional<PipelineExecutionSummary> latest = Executions.latest(codePipeline, pipeline);

            out.println("Pipeline " + pipeline + ", version " + state.pipelineVersion());
            out.println(latest.map(e -> "Latest execution " + e.pipelineExecutionId() + " " + e.statusAsString() + ", started "
                    + Times.local(e.startTime()) + summaryOf(e))
                    .orElse("No executions yet: bin/conveyor run " + pipeline + client.endpointArgument()));
            out.println();
            table(state).lines().forEach(out::println);
            List<String> held = heldBack(state, declaration);
            if (!held.isEmpty()) {
                out.println();
                held.forEach(out::println);
            }
            out.flush();
            return 0;
        }
    }

    /** Why the execution ended as it did; nothing when the summary only repeats the status. */
    private static String summaryOf(PipelineExecutionSummary execution) {
        String summary = execution.statusSummary();
        return summary == null || summary.isBlank() || summary.equalsIgnoreCase(execution.statusAsString()) ? ""
                : ": " + summary.replaceAll("\\s+", " ");
    }

    private static TextTable table(GetPipelineStateResponse state) {
        TextTable table = new TextTable("STAGE", "EXECUTION", "STATUS", "ACTION", "STATUS", "CHANGED", "SUMMARY");
        for (StageState stage : state.stageStates()) {
            boolean first = true;
            for (ActionState action : stage.actionStates()) {
                ActionExecution run = action.latestExecution();
                String summary = run == null ? null
                        : run.errorDetails() != null && run.errorDetails().message() != null ? run.errorDetails().message() : run.summary();
                table.row(first ? stage.stageName() : "",
                        first && stage.latestExecution() != null ? shortId(stage.latestExecution().pipelineExecutionId()) : "",
                        first ? statusOf(stage) : "",
                        action.actionName(),
                        run == null ? "-" : run.statusAsString(),
                        run == null ? "" : Times.local(run.lastStatusChange()),
                        summary);
                first = false;
            }
        }
        return table;
    }

    private static String statusOf(StageState stage) {
        return stage.latestExecution() == null ? "-" : stage.latestExecution().statusAsString();
    }

    /** Execution ids are UUIDs; their first eight characters tell executions of one pipeline apart. */
    private static String shortId(String id) {
        return id == null || id.length() <= 8 ? id : id.substring(0, 8);
    }

    /** Disabled transitions and executions waiting at them; approvals waiting for an answer, with the commands. */
    private List<String> heldBack(GetPipelineStateResponse state, PipelineDeclaration declaration) {
        Map<String, ActionDeclaration> declared = new HashMap<>();
        declaration.stages().forEach(s -> s.actions().forEach(a -> declared.put(s.name() + "/" + a.name(), a)));
        List<String> transitions = new ArrayList<>();
        List<String> approvals = new ArrayList<>();
        for (StageState stage : state.stageStates()) {
            if (stage.inboundTransitionState() != null && Boolean.FALSE.equals(stage.inboundTransitionState().enabled())) {
                String reason = stage.inboundTransitionState().disabledReason();
                transitions.add("  into " + stage.stageName() + (reason == null ? "" : ": " + reason)
                        + (stage.hasInboundExecutions() && !stage.inboundExecutions().isEmpty()
                        ? " (waiting: " + String.join(", ", stage.inboundExecutions().stream().map(e -> shortId(e.pipelineExecutionId())).toList()) + ")"
                        : ""));
            }
            for (ActionState action : stage.actionStates()) {
                ActionExecution run = action.latestExecution();
                if (run == null || run.token() == null || !"InProgress".equals(run.statusAsString())) {
                    continue;
                }
                ActionDeclaration a = declared.get(stage.stageName() + "/" + action.actionName());
                String customData = a == null ? null : a.configuration().get("CustomData");
                approvals.add("  " + stage.stageName() + "/" + action.actionName() + (customData == null ? "" : ": " + customData)
                        + (action.entityUrl() == null ? "" : " (" + action.entityUrl() + ")"));
                for (String verb : List.of("approve", "reject")) {
                    approvals.add("    " + Executions.approvalCommand(verb, pipeline, stage.stageName(), action.actionName(),
                            client.endpointArgument()) + " [--summary TEXT]");
                }
            }
        }
        List<String> lines = new ArrayList<>();
        if (!transitions.isEmpty()) {
            lines.add("Transitions disabled:");
            lines.addAll(transitions);
        }
        if (!approvals.isEmpty()) {
            lines.add("Waiting for approval:");
            lines.addAll(approvals);
        }
        return lines;
    }
}
