package dev.conveyor.store.codebuild;

import java.time.Instant;

/**
 * A stored build. {@code documentJson} is the API's Build shape; the other columns repeat what lists, filters and
 * state changes need. {@code endedAt} is set once the build is complete and then the row no longer changes.
 * {@code actionExecutionId} and {@code jobId} are set for builds a pipeline's CodeBuild action ran.
 */
public record BuildRow(String id, String arn, String projectName, long buildNumber, String status, String currentPhase,
                       String initiator, String actionExecutionId, String jobId, String documentJson, Instant startedAt,
                       Instant endedAt) {

    public boolean complete() {
        return endedAt != null;
    }
}
