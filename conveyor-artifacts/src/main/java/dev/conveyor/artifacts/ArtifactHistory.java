package dev.conveyor.artifacts;

import java.util.List;

/** The audit trail of an artifact version. */
public record ArtifactHistory(StoredArtifact artifact, ArtifactUse producer, List<ArtifactUse> consumers) {
}
