package dev.conveyor.store.execution;

import dev.conveyor.model.execution.StageExecutionStatus;
import java.time.Instant;

/**
 * A stage of one pipeline execution. {@code attempt} grows with each RetryStageExecution; {@code retryMode} is the
 * mode of the latest retry (null before any), which decides whether earlier successful actions count as done.
 */
public record StageExecutionRow(
        String pipelineExecutionId,
        String stageName,
        int stageIndex,
        String pipelineName,
        int attempt,
        StageExecutionStatus status,
        String retryMode,
        Instant startedAt,
        Instant updatedAt) {

    public StageExecutionRow withStatus(StageExecutionStatus newStatus, Instant now) {
        return new StageExecutionRow(pipelineExecutionId, stageName, stageIndex, pipelineName, attempt, newStatus, retryMode, startedAt, now);
    }

    public StageExecutionRow retried(String mode, Instant now) {
        return new StageExecutionRow(pipelineExecutionId, stageName, stageIndex, pipelineName, attempt + 1,
                StageExecutionStatus.InProgress, mode, startedAt, now);
    }
}
