package dev.conveyor.artifacts;

import dev.conveyor.model.pipeline.EncryptionKey;

/**
 * Where and for whom an output artifact is stored: the pipeline's artifact bucket and optional encryption key,
 * the artifact's name, and the execution, stage and action producing it.
 */
public record ArtifactPlacement(
        String bucket,
        EncryptionKey encryptionKey,
        String pipelineName,
        String artifactName,
        String pipelineExecutionId,
        String stageName,
        String actionName,
        String actionExecutionId) {
}
