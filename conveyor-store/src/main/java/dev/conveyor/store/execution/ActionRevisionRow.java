package dev.conveyor.store.execution;

import java.time.Instant;

/**
 * The current revision of an action (GetPipelineState's ActionRevision), and the action execution that reported it.
 * {@code revisionChangeId} and {@code created} are null when the reporter did not say.
 */
public record ActionRevisionRow(String pipelineName, String stageName, String actionName, String actionExecutionId,
                                String revisionId, String revisionChangeId, Instant created, Instant recordedAt) {
}
