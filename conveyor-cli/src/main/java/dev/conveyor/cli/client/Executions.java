package dev.conveyor.cli.client;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionExecutionDetail;
import software.amazon.awssdk.services.codepipeline.model.PipelineDeclaration;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecution;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionStatus;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;

/** The reads the client commands share, over the CodePipeline API. */
final class Executions {
    private Executions() {
    }

    /** True once an execution will change no more (Stopping and InProgress still do). */
    static boolean isSettled(PipelineExecutionStatus status) {
        return status != PipelineExecutionStatus.IN_PROGRESS && status != PipelineExecutionStatus.STOPPING;
    }

    static PipelineExecution execution(CodePipelineClient client, String pipeline, String executionId) {
        return client.getPipelineExecution(r -> r.pipelineName(pipeline).pipelineExecutionId(executionId)).pipelineExecution();
    }

    /** The most recently started execution, if the pipeline ever ran. */
    static Optional<PipelineExecutionSummary> latest(CodePipelineClient client, String pipeline) {
        return client.listPipelineExecutions(r -> r.pipelineName(pipeline).maxResults(1)).pipelineExecutionSummaries().stream().findFirst();
    }

    /** The execution a command means: the one named, else the latest; fails clearly when there is none. */
    static PipelineExecution named(CodePipelineClient client, String pipeline, String executionId, String endpointArgument) {
        String id = executionId;
        if (id == null) {
            id = latest(client, pipeline).map(PipelineExecutionSummary::pipelineExecutionId).orElseThrow(() -> new CommandFailure(
                    "pipeline " + pipeline + " has not run yet: start it with bin/conveyor run " + pipeline + endpointArgument));
        }
        return execution(client, pipeline, id);
    }

    /** The declaration an execution runs (its pipeline version, not necessarily the latest). */
    static PipelineDeclaration declaration(CodePipelineClient client, String pipeline, Integer version) {
        return client.getPipeline(r -> r.name(pipeline).version(version)).pipeline();
    }

    /** Every action execution of an execution, retries included, oldest first. */
    static List<ActionExecutionDetail> actions(CodePipelineClient client, String pipeline, String executionId) {
        return client.listActionExecutionsPaginator(r -> r.pipelineName(pipeline).filter(f -> f.pipelineExecutionId(executionId)))
                .actionExecutionDetails().stream()
                .sorted(Comparator.comparing(ActionExecutionDetail::startTime, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(ActionExecutionDetail::actionExecutionId))
                .toList();
    }

    /** The width of the longest "stage/action" of a pipeline, so that names printed in a column line up. */
    static int nameWidth(PipelineDeclaration declaration) {
        return declaration.stages().stream().flatMap(s -> s.actions().stream().map(a -> s.name().length() + 1 + a.name().length()))
                .max(Integer::compare).orElse(1);
    }

    /**
     * The command that answers a pending approval, as the user would type it. Pipeline, stage and action names are
     * limited to {@code [A-Za-z0-9.@_-]}, so they need no quoting.
     */
    static String approvalCommand(String verb, String pipeline, String stage, String action, String endpointArgument) {
        return "bin/conveyor " + verb + " " + pipeline + " " + stage + " " + action + endpointArgument;
    }
}
