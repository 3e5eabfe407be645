package dev.conveyor.cli.client;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionExecution;
import software.amazon.awssdk.services.codepipeline.model.ActionState;
import software.amazon.awssdk.services.codepipeline.model.ApprovalStatus;
import software.amazon.awssdk.services.codepipeline.model.GetPipelineStateResponse;
import software.amazon.awssdk.services.codepipeline.model.StageState;

/**
 * What {@code approve} and {@code reject} share: PutApprovalResult, with the token taken from GetPipelineState
 * (the token is what CodePipeline requires; nobody should have to copy it by hand).
 */
abstract class ApprovalCommand extends PipelineCommand {
    @Parameters(index = "1", paramLabel = "STAGE", description = "The stage of the approval action.")
    String stage;

    @Parameters(index = "2", paramLabel = "ACTION", description = "The approval action.")
    String action;

    @Option(names = "--summary", paramLabel = "TEXT", description = "Why (recorded with the result; up to 512 characters).")
    String summary;

    abstract ApprovalStatus result();

    /** The command's own name, for the commands it suggests. */
    private String verb() {
        return result() == ApprovalStatus.APPROVED ? "approve" : "reject";
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (CodePipelineClient codePipeline = client.codePipeline()) {
            GetPipelineStateResponse state = codePipeline.getPipelineState(r -> r.name(pipeline));
            StageState stageState = state.stageStates().stream().filter(s -> s.stageName().equals(stage)).findFirst()
                    .orElseThrow(() -> new CommandFailure("pipeline " + pipeline + " has no stage " + stage + " (its stages: "
                            + String.join(", ", state.stageStates().stream().map(StageState::stageName).toList()) + ")"));
            ActionState actionState = stageState.actionStates().stream().filter(a -> a.actionName().equals(action)).findFirst()
                    .orElseThrow(() -> new CommandFailure("stage " + stage + " of " + pipeline + " has no action " + action
                            + " (its actions: " + String.join(", ", stageState.actionStates().stream().map(ActionState::actionName).toList()) + ")"));
            ActionExecution latest = actionState.latestExecution();
            if (latest == null || latest.token() == null || !"InProgress".equals(latest.statusAsString())) {
                throw new CommandFailure(nothingWaits(state, latest));
            }
            String text = summary != null ? summary : (result() == ApprovalStatus.APPROVED ? "Approved" : "Rejected") + " with conveyor " + verb();
            Instant at = codePipeline.putApprovalResult(r -> r.pipelineName(pipeline).stageName(stage).actionName(action)
                    .token(latest.token()).result(x -> x.status(result()).summary(text))).approvedAt();
            String execution = stageState.latestExecution() == null ? "" : " in execution " + stageState.latestExecution().pipelineExecutionId();
            out.println((result() == ApprovalStatus.APPROVED ? "Approved " : "Rejected ") + pipeline + " " + stage + "/" + action
                    + execution + (at == null ? "" : " at " + Times.local(at)) + ".");
            out.flush();
            return 0;
        }
    }

    /** Why there is nothing to answer here, and what does wait for an answer elsewhere in the pipeline, if anything. */
    private String nothingWaits(GetPipelineStateResponse state, ActionExecution latest) {
        String why = latest == null ? "it has not run yet" : "its latest run is " + latest.statusAsString();
        List<String> elsewhere = new ArrayList<>();
        for (StageState s : state.stageStates()) {
            for (ActionState a : s.actionStates()) {
                ActionExecution run = a.latestExecution();
                if (run != null && run.token() != null && "InProgress".equals(run.statusAsString())) {
                    elsewhere.add(Executions.approvalCommand(verb(), pipeline, s.stageName(), a.actionName(), client.endpointArgument()));
                }
            }
        }
        return "nothing waits for approval at " + pipeline + " " + stage + "/" + action + " (" + why + ")"
                + (elsewhere.isEmpty() ? "" : "; waiting: " + String.join("; ", elsewhere));
    }
}
