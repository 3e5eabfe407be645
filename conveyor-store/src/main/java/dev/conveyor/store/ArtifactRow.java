package dev.conveyor.store;

import java.time.Instant;

/**
 * An artifact version: the object version holding it, its name, the digest (of the plaintext zip, when known) and
 * size, and the action execution that produced it.
 */
public record ArtifactRow(long id, String bucket, String key, String versionId, String artifactName, String sha256,
                          long size, ArtifactUseRow producer) {
    public Instant created() {
        return producer.at();
    }
}
