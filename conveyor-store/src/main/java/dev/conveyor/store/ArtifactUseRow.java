package dev.conveyor.store;

import java.time.Instant;

/** An action execution that produced or consumed an artifact version, and when. */
public record ArtifactUseRow(String pipelineName, String pipelineExecutionId, String stageName, String actionName,
                             String actionExecutionId, Instant at) {
}
