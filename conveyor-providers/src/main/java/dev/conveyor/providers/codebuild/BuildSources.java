package dev.conveyor.providers.codebuild;

import java.nio.file.Path;
import java.util.Map;

/**
 * A build's sources, in place in its workspace.
 *
 * @param primary               CODEBUILD_SRC_DIR
 * @param secondary             source identifier → directory (CODEBUILD_SRC_DIR_identifier)
 * @param sourceVersion         what was asked for (CODEBUILD_SOURCE_VERSION), or null
 * @param resolvedSourceVersion what it resolved to, e.g. a commit id (CODEBUILD_RESOLVED_SOURCE_VERSION), or null
 * @param repositoryUrl         the primary source's location (CODEBUILD_SOURCE_REPO_URL), or null
 */
public record BuildSources(Path primary, Map<String, Path> secondary, String sourceVersion, String resolvedSourceVersion,
                           String repositoryUrl) {

    /** Fetches a build's sources into its workspace, during DOWNLOAD_SOURCE. */
    @FunctionalInterface
    public interface Fetcher {
        BuildSources fetch(Path workspace) throws BuildFailure, java.io.IOException, InterruptedException;
    }
}
