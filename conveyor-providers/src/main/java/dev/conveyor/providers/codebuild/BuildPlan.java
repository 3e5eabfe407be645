package dev.conveyor.providers.codebuild;

import dev.conveyor.providers.codebuild.buildspec.Buildspec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Everything a build's phases need, prepared: the sources in place, the buildspec read, the environment resolved.
 *
 * @param workspace       the build's private directory (sources, scripts, staged artifacts live under it)
 * @param sourceDir       the primary source: CODEBUILD_SRC_DIR, where commands start
 * @param buildspec       what to run
 * @param environment     every variable the commands see, CODEBUILD_* included
 * @param deadline        when the build times out
 * @param cacheDir        where this project's cache lives on this agent, or null for no cache
 * @param container       the image to run in and the engine to run it with, or null to run on the host
 * @param artifacts       which artifacts to lay out: null for the primary one, else a secondary identifier
 * @param artifactSink    where each laid-out artifact is uploaded, during UPLOAD_ARTIFACTS
 * @param processGroups   told of every process group the build starts (to be killed if the agent dies)
 */
public record BuildPlan(Path workspace, Path sourceDir, Buildspec buildspec, Map<String, String> environment, Instant deadline,
                        Path cacheDir, Container container, List<String> artifacts, ArtifactSink artifactSink,
                        LongConsumer processGroups) {

    /** A container to run in: the image, the engine, and whether it runs privileged. */
    public record Container(String image, ContainerEngine engine, boolean privileged) {
    }
}
