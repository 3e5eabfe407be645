package dev.conveyor.artifacts;

import java.time.Instant;

/** An artifact version as stored: its location, name, content digest (of the plaintext zip) and size. */
public record StoredArtifact(S3Location location, String artifactName, String sha256, long size, Instant created) {
}
