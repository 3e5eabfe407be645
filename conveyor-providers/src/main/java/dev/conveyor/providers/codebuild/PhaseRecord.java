package dev.conveyor.providers.codebuild;

import java.time.Duration;
import java.time.Instant;

/**
 * One phase of a build as CodeBuild reports it: its type (SUBMITTED … COMPLETED), status (null while it runs),
 * when it started and ended, and for a phase that did not succeed a status code and message.
 */
public record PhaseRecord(String type, String status, Instant start, Instant end, String contextCode, String contextMessage) {

    public Long durationSeconds() {
        return end == null ? null : Duration.between(start, end).toSeconds();
    }

    PhaseRecord ended(String newStatus, Instant at, String code, String message) {
        return new PhaseRecord(type, newStatus, start, at, code, message);
    }
}
