package dev.conveyor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Adds what a built-in provider needs beyond its action's configuration to each job of one action type, at the
 * moment the job is queued: for example the git URL a CodeCommit source or a connection resolves to, which only
 * the server knows. The result reaches the provider as {@code ActionJob.contributedData()}, on the embedded agent
 * and remote ones alike. It runs inside the transaction that queues the job, so it must be quick and must not
 * change executions.
 */
@FunctionalInterface
public interface JobDataContributor {
    /** Data for one job of the action, or null for none. */
    JsonNode contribute(String pipelineName, String actionName, Map<String, String> resolvedConfiguration);
}
