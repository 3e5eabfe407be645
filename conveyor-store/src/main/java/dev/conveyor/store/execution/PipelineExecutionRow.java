package dev.conveyor.store.execution;

import dev.conveyor.model.execution.PipelineExecutionStatus;
import java.time.Instant;

/**
 * A pipeline execution as stored. JSON columns hold what the API returns as nested shapes (resolved variables,
 * source revision overrides, artifact revisions). {@code waitingStage} is the index of the stage the execution
 * waits to enter (behind a disabled transition or an occupied stage), null when it is not waiting.
 */
public record PipelineExecutionRow(
        String id,
        String pipelineName,
        int pipelineVersion,
        long sequence,
        PipelineExecutionStatus status,
        String statusSummary,
        String executionMode,
        String executionType,
        String triggerType,
        String triggerDetail,
        String clientRequestToken,
        String variablesJson,
        String sourceRevisionsJson,
        String artifactRevisionsJson,
        Integer waitingStage,
        Boolean stopAbandon,
        Instant startedAt,
        Instant updatedAt) {

    public PipelineExecutionRow withStatus(PipelineExecutionStatus newStatus, String summary, Instant now) {
        return new PipelineExecutionRow(id, pipelineName, pipelineVersion, sequence, newStatus, summary, executionMode,
                executionType, triggerType, triggerDetail, clientRequestToken, variablesJson, sourceRevisionsJson,
                artifactRevisionsJson, waitingStage, stopAbandon, startedAt, now);
    }

    public PipelineExecutionRow withWaitingStage(Integer stage, Instant now) {
        return new PipelineExecutionRow(id, pipelineName, pipelineVersion, sequence, status, statusSummary, executionMode,
                executionType, triggerType, triggerDetail, clientRequestToken, variablesJson, sourceRevisionsJson,
                artifactRevisionsJson, stage, stopAbandon, startedAt, now);
    }

    public PipelineExecutionRow withStop(boolean abandon, String reason, Instant now) {
        return new PipelineExecutionRow(id, pipelineName, pipelineVersion, sequence, PipelineExecutionStatus.Stopping,
                reason, executionMode, executionType, triggerType, triggerDetail, clientRequestToken, variablesJson,
                sourceRevisionsJson, artifactRevisionsJson, null, abandon, startedAt, now);
    }

    public PipelineExecutionRow withArtifactRevisions(String json, Instant now) {
        return new PipelineExecutionRow(id, pipelineName, pipelineVersion, sequence, status, statusSummary, executionMode,
                executionType, triggerType, triggerDetail, clientRequestToken, variablesJson, sourceRevisionsJson,
                json, waitingStage, stopAbandon, startedAt, now);
    }
}
