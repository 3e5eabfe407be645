package dev.conveyor.providers.codebuild;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a build's artifacts go once laid out: a pipeline's output artifacts, or the S3 location a project names.
 * Called during UPLOAD_ARTIFACTS, once per artifact; a failure fails that phase.
 */
@FunctionalInterface
public interface ArtifactSink {
    /** Where an artifact was uploaded (for the build's record) and the SHA-256 of the uploaded bytes (or null). */
    record Uploaded(String location, String sha256) {
    }

    /**
     * @param identifier the buildspec's identifier of the artifact, null for the primary one
     * @param name       the artifact's name in the buildspec, or null
     * @param directory  the artifact's files, laid out
     */
    Uploaded upload(String identifier, String name, Path directory) throws IOException, BuildFailure;

    /** A sink for builds that keep no artifacts. */
    ArtifactSink NONE = (identifier, name, directory) -> new Uploaded("", null);
}
