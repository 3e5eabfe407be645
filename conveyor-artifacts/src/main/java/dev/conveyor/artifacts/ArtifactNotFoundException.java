package dev.conveyor.artifacts;

/** The location names no artifact (nothing recorded there, or its object is gone). */
public final class ArtifactNotFoundException extends RuntimeException {
    public ArtifactNotFoundException(S3Location location) {
        super("no artifact at " + location);
    }
}
