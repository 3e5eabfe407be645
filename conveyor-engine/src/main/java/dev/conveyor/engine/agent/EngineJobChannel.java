package dev.conveyor.engine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.store.execution.JobRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** The job queue of the engine in this process: no network hop, and woken the moment a job is queued. */
public final class EngineJobChannel implements JobChannel {
    private final ExecutionEngine engine;

    public EngineJobChannel(ExecutionEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<ClaimedJob> poll(Collection<ActionTypeId> types, Set<String> labels, int max, String workerId, Duration wait)
            throws InterruptedException {
        Instant until = Instant.now().plus(wait);
        while (true) {
            long generation = engine.jobSignal().generation();
            List<JobRow> jobs = engine.claimJobsToRun(types, max, workerId, engine.config().leaseDuration(),
                    job -> AgentLabels.satisfies(labels, job.dataJson()));
            if (!jobs.isEmpty()) {
                return claimed(jobs);
            }
            Duration left = Duration.between(Instant.now(), until);
            if (left.isNegative() || left.isZero()) {
                return List.of();
            }
            engine.jobSignal().awaitAfter(generation, left);
        }
    }

    /** Nothing to do: the jobs this channel hands out are InProgress from their claim on. */
    @Override
    public void acknowledge(String jobId, String nonce) {
    }

    @Override
    public boolean renew(String jobId, String workerId) {
        return engine.renewLease(jobId, workerId, engine.config().leaseDuration());
    }

    @Override
    public void complete(String jobId, JobOutcome outcome) {
        engine.completeJob(jobId, outcome);
    }

    /** The result and the claim of the next jobs in one transaction (see {@link ExecutionEngine#completeJob(String, JobOutcome, ExecutionEngine.NextJobs)}). */
    @Override
    public List<ClaimedJob> completeAndClaim(String jobId, JobOutcome outcome, Collection<ActionTypeId> types, Set<String> labels,
                                             int max, String workerId) {
        return claimed(engine.completeJob(jobId, outcome, new ExecutionEngine.NextJobs(types, max, workerId,
                engine.config().leaseDuration(), job -> AgentLabels.satisfies(labels, job.dataJson()))));
    }

    private static List<ClaimedJob> claimed(List<JobRow> jobs) {
        return jobs.stream().map(j -> new ClaimedJob(j.id(), j.nonce(), j.actionTypeId(), j.dataJson())).toList();
    }

    @Override
    public JsonNode request(String jobId, String workerId, JsonNode request) {
        return engine.jobRequest(jobId, workerId, request);
    }

    @Override
    public void releaseJobsOf(String workerId) {
        engine.releaseJobsOf(workerId);
    }
}
