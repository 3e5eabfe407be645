package dev.conveyor.artifacts;

/** One action execution that produced or consumed an artifact version. */
public record ArtifactUse(String pipelineName, String pipelineExecutionId, String stageName, String actionName,
                          String actionExecutionId) {
}
