package dev.conveyor.engine.jobs;

import dev.conveyor.artifacts.S3Location;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a worker reports for a job: success (possibly to be continued) or failure. */
public sealed interface JobOutcome {

    /** An output artifact the worker stored. */
    record ProducedArtifact(String name, S3Location location) {
    }

    /** The source revision a source action produced (PutJobSuccessResult's currentRevision). */
    record CurrentRevision(String revision, String changeIdentifier, Instant created, String revisionSummary, String revisionUrl) {
    }

    /**
     * The job succeeded. With a continuation token the action is not finished: the engine hands out a new job
     * carrying the token, as CodePipeline does.
     */
    record Success(String summary, String externalExecutionId, String externalExecutionUrl, Integer percentComplete,
                   Map<String, String> outputVariables, List<ProducedArtifact> outputArtifacts,
                   CurrentRevision currentRevision, String continuationToken) implements JobOutcome {

        public static Success of(String summary) {
            return new Success(summary, null, null, null, Map.of(), List.of(), null, null);
        }
    }

    /**
     * The job failed. {@code type} is the model's FailureType (JobFailed, ConfigurationError, PermissionError,
     * RevisionOutOfSync, RevisionUnavailable, SystemUnavailable). {@code externalExecutionUrl}, when known, links to
     * the failed run.
     */
    record Failure(String type, String message, String externalExecutionId, String externalExecutionUrl) implements JobOutcome {
        public Failure(String type, String message, String externalExecutionId) {
            this(type, message, externalExecutionId, null);
        }

        public static Failure jobFailed(String message) {
            return new Failure("JobFailed", message, null);
        }
    }
}
