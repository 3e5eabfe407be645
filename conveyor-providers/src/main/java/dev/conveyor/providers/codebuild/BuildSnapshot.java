package dev.conveyor.providers.codebuild;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A build's state as the server records it: IN_PROGRESS with the phases so far, or its final status with the
 * exported variables and artifacts.
 *
 * @param resolvedSourceVersion the primary source's revision (a commit id), or null
 */
public record BuildSnapshot(String status, String currentPhase, List<PhaseRecord> phases, Map<String, String> exportedVariables,
                            String resolvedSourceVersion, List<BuildResult.StagedArtifact> artifacts, Instant endTime) {
    public static final String IN_PROGRESS = "IN_PROGRESS";

    public boolean complete() {
        return !IN_PROGRESS.equals(status);
    }
}
