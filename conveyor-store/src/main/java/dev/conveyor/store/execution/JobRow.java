package dev.conveyor.store.execution;

import dev.conveyor.model.execution.JobStatus;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.time.Instant;

/**
 * A job: an action execution handed to a worker over the job protocol (the embedded agent, remote agents and
 * third-party job workers alike). {@code dataJson} is the API's JobData shape. {@code leaseUntil} is when the
 * worker holding the job is presumed gone unless it reports; {@code dispatchCount} counts hand-outs.
 */
public record JobRow(
        String id,
        String actionExecutionId,
        String pipelineExecutionId,
        ActionTypeId actionTypeId,
        JobStatus status,
        String dataJson,
        String nonce,
        String workerId,
        int dispatchCount,
        Instant leaseUntil,
        Instant createdAt,
        Instant updatedAt) {

    public JobRow withStatus(JobStatus newStatus, Instant now) {
        return new JobRow(id, actionExecutionId, pipelineExecutionId, actionTypeId, newStatus, dataJson, nonce, workerId,
                dispatchCount, leaseUntil, createdAt, now);
    }

    /** This job as a claim for {@code workerId} wrote it ({@code JobRepository.claim}), without reading it back. */
    public JobRow claimedBy(String newWorkerId, String newNonce, Instant newLeaseUntil, JobStatus newStatus, Instant now) {
        return new JobRow(id, actionExecutionId, pipelineExecutionId, actionTypeId, newStatus, dataJson, newNonce, newWorkerId,
                dispatchCount + 1, newLeaseUntil, createdAt, now);
    }
}
