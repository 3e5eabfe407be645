package dev.conveyor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.store.execution.JobRow;

/**
 * Answers what a built-in provider asks the server while its job runs, beyond logs and artifacts: for example a
 * CodeBuild action asking for its project and secrets, then reporting its phases and test reports. Registered per
 * action type with {@link ExecutionEngine#handleJobRequests}; a provider reaches it through
 * {@code ActionJob.request}, from the embedded agent directly and from a remote agent over the agent API, so it
 * asks the same way wherever it runs. The engine only routes requests: it checks that the asking worker is the one
 * the job was handed to (the job may have finished since, e.g. when a provider reports how it was stopped).
 */
@FunctionalInterface
public interface JobRequestHandler {
    /** The answer to {@code request} about {@code job}; never null. */
    JsonNode handle(JobRow job, JsonNode request);
}
