package dev.conveyor.cli.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionDeclaration;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionOutput;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionResult;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.StageDeclaration;
import software.amazon.awssdk.services.codepipeline.model.StageExecution;
import software.amazon.awssdk.services.codepipeline.model.StageState;

/**
 * Where one execution stands, stage by stage and action by action in declaration order: what {@code run --watch}
 * draws. A status is null where the execution has not got to yet.
 *
 * @param status        the execution's status
 * @param statusSummary why it ended as it did, when the server says
 */
record ExecutionProgress(String executionId, PipelineExecutionStatus status, String statusSummary, List<Stage> stages) {

    /** @param note why the execution waits before this stage (a disabled transition), or null */
    record Stage(String name, String status, String note, List<Action> actions) {
    }

    /** @param summary what the action reported: its summary, or its error when it failed */
    record Action(String name, String status, String summary, boolean approval) {
    }

    boolean settled() {
        return Executions.isSettled(status);
    }

    /**
     * Reads the execution, the pipeline state, then the action executions. Once the execution read first is settled,
     * the rest is final too; and actions read after their stage can be ahead of it, never behind it.
     */
    static ExecutionProgress read(CodePipelineClient client, String pipeline, String executionId, PipelineDeclaration declaration) {
        PipelineExecution execution = Executions.execution(client, pipeline, executionId);
        Map<String, StageState> states = new HashMap<>();
        client.getPipelineState(r -> r.name(pipeline)).stageStates().forEach(s -> states.put(s.stageName(), s));
        Map<String, ActionExecutionDetail> newest = new HashMap<>();
        for (ActionExecutionDetail detail : Executions.actions(client, pipeline, executionId)) {
            newest.put(detail.stageName() + "/" + detail.actionName(), detail); // oldest first: retries replace earlier runs
        }

        List<Stage> stages = new ArrayList<>();
        for (StageDeclaration stage : declaration.stages()) {
            List<Action> actions = new ArrayList<>();
            for (ActionDeclaration action : stage.actions()) {
                ActionExecutionDetail detail = newest.get(stage.name() + "/" + action.name());
                actions.add(new Action(action.name(), detail == null ? null : detail.statusAsString(), summary(detail),
                        action.actionTypeId().category() == ActionCategory.APPROVAL));
            }
            StageState state = states.get(stage.name());
            stages.add(new Stage(stage.name(), stageStatus(state, executionId, actions), waitingNote(state, executionId), actions));
        }
        String summary = execution.statusSummary();
        boolean saysMore = summary != null && !summary.isBlank() && !summary.equalsIgnoreCase(execution.statusAsString());
        return new ExecutionProgress(executionId, execution.status(), saysMore ? summary : null, stages);
    }

    /**
     * The pipeline state knows a stage's status only for the latest execution through it; for an older execution
     * (another one overtook it in that stage) the status follows from its actions.
     */
    private static String stageStatus(StageState state, String executionId, List<Action> actions) {
        StageExecution latest = state == null ? null : state.latestExecution();
        if (latest != null && executionId.equals(latest.pipelineExecutionId())) {
            return latest.statusAsString();
        }
        List<String> statuses = actions.stream().map(Action::status).toList();
        if (statuses.stream().allMatch(s -> s == null)) {
            return null;
        }
        if (statuses.contains("InProgress")) {
            return "InProgress";
        }
        if (statuses.contains("Failed") || statuses.contains("Abandoned")) {
            return "Failed";
        }
        return statuses.stream().allMatch("Succeeded"::equals) ? "Succeeded" : "InProgress";
    }

    private static String waitingNote(StageState state, String executionId) {
        if (state == null || !state.hasInboundExecutions()
                || state.inboundExecutions().stream().noneMatch(e -> executionId.equals(e.pipelineExecutionId()))) {
            return null;
        }
        String reason = state.inboundTransitionState() == null ? null : state.inboundTransitionState().disabledReason();
        return "waiting: the transition into this stage is disabled" + (reason == null ? "" : " (" + reason + ")");
    }

    private static String summary(ActionExecutionDetail detail) {
        ActionExecutionOutput output = detail == null ? null : detail.output();
        ActionExecutionResult result = output == null ? null : output.executionResult();
        if (result == null) {
            return null;
        }
        if (result.errorDetails() != null && result.errorDetails().message() != null) {
            return result.errorDetails().message();
        }
        return result.externalExecutionSummary();
    }
}
