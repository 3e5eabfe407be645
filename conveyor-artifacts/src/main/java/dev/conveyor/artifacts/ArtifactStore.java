package dev.conveyor.artifacts;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Artifacts of pipeline executions as the engine sees them: zips kept as versioned objects in the pipeline's
 * artifact bucket (laid out as CodePipeline lays them out), encrypted when the pipeline's artifact store names a
 * key, with an audit trail of which execution and action produced and consumed each version.
 */
public interface ArtifactStore {
    /**
     * Stores a zip file as an output artifact of an action. The file is read once, streamed, never held in memory;
     * on failure nothing is left behind.
     */
    StoredArtifact putArtifact(ArtifactPlacement placement, Path zipFile);

    /** Opens an artifact's content (decrypted, verified as it is read: corrupted content fails the read). */
    InputStream openArtifact(S3Location location);

    /** Copies an artifact's content to {@code target} (verified), for an action's workspace. */
    void copyArtifact(S3Location location, Path target);

    /** Records that an action read an artifact version. */
    void recordConsumption(S3Location location, ArtifactUse use);

    /** The audit trail of one artifact version: who produced it, who consumed it. */
    ArtifactHistory history(S3Location location);

    /** The artifact versions an execution produced, in the order they were stored. */
    List<StoredArtifact> producedBy(String pipelineExecutionId);
}
