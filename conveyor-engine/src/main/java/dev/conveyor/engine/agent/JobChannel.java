package dev.conveyor.engine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * How an agent talks to the job queue: in the server's process directly ({@link EngineJobChannel}), or over the
 * job protocol from another host. The agent's logic is the same either way.
 */
public interface JobChannel {
    /** A job handed to this agent: its id, the nonce to acknowledge it with, its stored data (JSON). */
    record ClaimedJob(String jobId, String nonce, ActionTypeId actionTypeId, String dataJson) {
    }

    /**
     * Claims up to {@code max} jobs of the given types whose required labels this agent has, waiting up to
     * {@code wait} for one to appear.
     */
    List<ClaimedJob> poll(Collection<ActionTypeId> types, Set<String> labels, int max, String workerId, Duration wait)
            throws InterruptedException;

    void acknowledge(String jobId, String nonce);

    /** Renews the lease on a running job; false when the job is no longer this worker's (abandoned, timed out). */
    boolean renew(String jobId, String workerId);

    void complete(String jobId, JobOutcome outcome);

    /**
     * Reports a job's outcome and, where the channel can do both in one exchange, claims up to {@code max} of the jobs
     * the outcome queued for this agent to run next (as {@link #poll} would, without waiting). A channel that cannot
     * reports only and returns none: the agent's poller finds the next jobs.
     */
    default List<ClaimedJob> completeAndClaim(String jobId, JobOutcome outcome, Collection<ActionTypeId> types, Set<String> labels,
                                              int max, String workerId) {
        complete(jobId, outcome);
        return List.of();
    }

    /** Sends a line of a running job's log to where logs are kept (nothing to do when that is this process). */
    default void appendLog(String jobId, String workerId, String line) {
    }

    /**
     * Sends a provider's request about a job it runs to the server and returns the answer (see the engine's
     * JobRequestHandler).
     */
    default JsonNode request(String jobId, String workerId, JsonNode request) {
        throw new UnsupportedOperationException("this job channel carries no requests");
    }

    /** Offers again the jobs a previous incarnation of this worker held; called when the agent starts. */
    void releaseJobsOf(String workerId);
}
