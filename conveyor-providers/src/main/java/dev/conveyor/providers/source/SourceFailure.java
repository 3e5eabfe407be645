package dev.conveyor.providers.source;

import dev.conveyor.engine.jobs.JobOutcome;

/** Why a source action cannot produce its revision, with the FailureType the job is failed with. */
final class SourceFailure extends Exception {
    private final String type;

    SourceFailure(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    SourceFailure(String type, String message, Throwable cause) {
        super(message, cause, false, false);
        this.type = type;
    }

    JobOutcome.Failure outcome() {
        return new JobOutcome.Failure(type, getMessage(), null);
    }
}
