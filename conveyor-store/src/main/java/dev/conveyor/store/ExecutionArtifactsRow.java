package dev.conveyor.store;

import java.time.Instant;

/** A pipeline execution that has artifacts: when it stored its last one, and how many. */
public record ExecutionArtifactsRow(String pipelineExecutionId, Instant lastStored, int artifacts) {
}
