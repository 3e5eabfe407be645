package dev.conveyor.store.execution;

import dev.conveyor.model.execution.JobStatus;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.store.jdbc.Columns;
import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Jobs waiting for, or held by, workers. A job is claimed with a conditional update (status still Queued, or an
 * acknowledgement deadline passed), so of two workers polling at once exactly one gets it, on either database,
 * without relying on SKIP LOCKED.
 */
public final class JobRepository {
    private static final String COLUMNS = "id, action_execution_id, pipeline_execution_id, category, owner, provider, type_version, "
            + "status, data, nonce, worker_id, dispatch_count, lease_until, created_at, updated_at";

    public void insert(Connection c, JobRow j) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO job (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, j.id());
            s.setString(2, j.actionExecutionId());
            s.setString(3, j.pipelineExecutionId());
            s.setString(4, j.actionTypeId().category());
            s.setString(5, j.actionTypeId().owner());
            s.setString(6, j.actionTypeId().provider());
            s.setString(7, j.actionTypeId().version());
            s.setString(8, j.status().name());
            s.setString(9, j.dataJson());
            s.setString(10, j.nonce());
            s.setString(11, j.workerId());
            s.setInt(12, j.dispatchCount());
            Columns.setInstant(s, 13, j.leaseUntil());
            Columns.setInstant(s, 14, j.createdAt());
            Columns.setInstant(s, 15, j.updatedAt());
            s.executeUpdate();
        }
    }

    public void update(Connection c, JobRow j) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE job SET status = ?, data = ?, nonce = ?, worker_id = ?, dispatch_count = ?, "
                + "lease_until = ?, updated_at = ? WHERE id = ?")) {
            s.setString(1, j.status().name());
            s.setString(2, j.dataJson());
            s.setString(3, j.nonce());
            s.setString(4, j.workerId());
            s.setInt(5, j.dispatchCount());
            Columns.setInstant(s, 6, j.leaseUntil());
            Columns.setInstant(s, 7, j.updatedAt());
            s.setString(8, j.id());
            s.executeUpdate();
        }
    }

    /**
     * Whose a job is, in one query: its action execution and that action's pipeline; both null for a job that is not
     * an action's (a rule's). Empty when there is no such job.
     */
    public Optional<JobOwner> owner(Connection c, String jobId) throws SQLException {
        return Queries.first(c, "SELECT j.action_execution_id, a.pipeline_name FROM job j "
                + "LEFT JOIN action_execution a ON a.id = j.action_execution_id WHERE j.id = ?",
                r -> new JobOwner(r.getString(1), r.getString(2)), jobId);
    }

    /** The action execution a job runs and its pipeline (null for a rule's job). */
    public record JobOwner(String actionExecutionId, String pipelineName) {
    }

    public Optional<JobRow> find(Connection c, String jobId) throws SQLException {
        return Queries.first(c, "SELECT " + COLUMNS + " FROM job WHERE id = ?", JobRepository::row, jobId);
    }

    /** The jobs of an action execution, oldest first (more than one after continuation tokens). */
    public List<JobRow> jobsOfAction(Connection c, String actionExecutionId) throws SQLException {
        return Queries.list(c, "SELECT " + COLUMNS + " FROM job WHERE action_execution_id = ? ORDER BY created_at", JobRepository::row,
                actionExecutionId);
    }

    /**
     * Jobs of the given action types a worker may claim, oldest first: the Queued ones, and the Dispatched ones whose
     * worker let the acknowledgement deadline ({@code lease_until}) pass, while handed out fewer than
     * {@code maxDispatches} times. Reading the deadline here, rather than waiting for a sweep to queue the job again,
     * makes a re-offered job visible to the very next poll on any replica.
     */
    public List<JobRow> claimable(Connection c, Collection<ActionTypeId> types, Instant now, int maxDispatches, int limit)
            throws SQLException {
        if (types.isEmpty()) {
            return List.of();
        }
        // Queued jobs per action type through job_by_queue (status, provider, created_at), in its order, so that each
        // branch reads at most `limit` rows however many jobs wait (issue 20: with thousands queued by CreatePipeline's
        // first executions, one query filtering every queued job by type and sorting them took 40 % of the server's
        // CPU); then Dispatched jobs whose acknowledgement is overdue, which are few. "status = …" keeps the job
        // history out (issue 20: otherwise H2 read every job ever run).
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM (");
        for (ActionTypeId ignored : types) {
            sql.append("(SELECT ").append(COLUMNS).append(" FROM job WHERE status = 'Queued' AND provider = ? AND category = ? "
                    + "AND owner = ? AND type_version = ? ORDER BY status, provider, created_at LIMIT ?) UNION ALL ");
        }
        sql.append("(SELECT ").append(COLUMNS).append(" FROM job WHERE status = 'Dispatched' AND lease_until < ? AND dispatch_count < ? AND (");
        int n = 0;
        for (ActionTypeId ignored : types) {
            sql.append(n++ == 0 ? "" : " OR ").append("(category = ? AND owner = ? AND provider = ? AND type_version = ?)");
        }
        sql.append(") ORDER BY created_at LIMIT ?)) claimable ORDER BY created_at LIMIT ?");
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (ActionTypeId t : types) {
                s.setString(i++, t.provider());
                s.setString(i++, t.category());
                s.setString(i++, t.owner());
                s.setString(i++, t.version());
                s.setInt(i++, limit);
            }
            Columns.setInstant(s, i++, now);
            s.setInt(i++, maxDispatches);
            for (ActionTypeId t : types) {
                s.setString(i++, t.category());
                s.setString(i++, t.owner());
                s.setString(i++, t.provider());
                s.setString(i++, t.version());
            }
            s.setInt(i++, limit);
            s.setInt(i, limit);
            return Queries.list(s, JobRepository::row);
        }
    }

    /**
     * Claims a job for a worker, making it {@code status} (Dispatched, or InProgress for a worker that needs no
     * separate acknowledgement), with a new nonce: true when this caller got it. The update only matches while the job
     * is still Queued, or Dispatched past its acknowledgement deadline (the nonce of that earlier hand-out is then
     * void), so a concurrent claim by another worker makes this one return false.
     */
    public boolean claim(Connection c, String jobId, String workerId, String nonce, Instant leaseUntil, Instant now, JobStatus status)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE job SET status = ?, worker_id = ?, nonce = ?, lease_until = ?, "
                + "dispatch_count = dispatch_count + 1, updated_at = ? WHERE id = ? AND (status = 'Queued' "
                + "OR (status = 'Dispatched' AND lease_until < ?))")) {
            s.setString(1, status.name());
            s.setString(2, workerId);
            s.setString(3, nonce);
            Columns.setInstant(s, 4, leaseUntil);
            Columns.setInstant(s, 5, now);
            s.setString(6, jobId);
            Columns.setInstant(s, 7, now);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Gives back a job claimed InProgress for {@code workerId} that never reached it, as it was before its claim
     * (Queued, not counted as handed out): true when it did.
     */
    public boolean unclaim(Connection c, String jobId, String workerId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE job SET status = 'Queued', nonce = NULL, worker_id = NULL, "
                + "lease_until = NULL, dispatch_count = dispatch_count - 1, updated_at = ? WHERE id = ? AND worker_id = ? "
                + "AND status = 'InProgress'")) {
            Columns.setInstant(s, 1, now);
            s.setString(2, jobId);
            s.setString(3, workerId);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Queues again a job whose worker's lease ran out: true when it did. Conditional, so that a poll that claimed the
     * job again in the meantime (see {@link #claimable}) keeps it.
     */
    public boolean requeue(Connection c, String jobId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE job SET status = 'Queued', nonce = NULL, worker_id = NULL, "
                + "lease_until = NULL, updated_at = ? WHERE id = ? AND status IN ('Dispatched', 'InProgress') AND lease_until < ?")) {
            Columns.setInstant(s, 1, now);
            s.setString(2, jobId);
            Columns.setInstant(s, 3, now);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Marks a Dispatched job InProgress for the worker holding {@code nonce}: true when it did. Conditional, so that
     * an acknowledgement racing a new hand-out of the same job (past its deadline) loses rather than overwrites it.
     */
    public boolean acknowledge(Connection c, String jobId, String nonce, Instant leaseUntil, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE job SET status = 'InProgress', lease_until = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'Dispatched' AND nonce = ?")) {
            Columns.setInstant(s, 1, leaseUntil);
            Columns.setInstant(s, 2, now);
            s.setString(3, jobId);
            s.setString(4, nonce);
            return s.executeUpdate() == 1;
        }
    }

    /** Jobs held by a worker (Dispatched or InProgress) whose lease has run out. */
    public List<JobRow> expiredLeases(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM job WHERE status IN ('Dispatched', 'InProgress') "
                + "AND lease_until IS NOT NULL AND lease_until < ?")) {
            Columns.setInstant(s, 1, now);
            return Queries.list(s, JobRepository::row);
        }
    }

    /** Records the third-party client a job was handed to (PollForThirdPartyJobs). */
    public void setClientId(Connection c, String jobId, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE job SET client_id = ? WHERE id = ?")) {
            s.setString(1, clientId);
            s.setString(2, jobId);
            s.executeUpdate();
        }
    }

    /** The third-party client a job was handed to, or null. */
    public String clientId(Connection c, String jobId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT client_id FROM job WHERE id = ?")) {
            s.setString(1, jobId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** Jobs a worker holds (Dispatched or InProgress). */
    public List<JobRow> heldBy(Connection c, String workerId) throws SQLException {
        return Queries.list(c, "SELECT " + COLUMNS + " FROM job WHERE status IN ('Dispatched', 'InProgress') AND worker_id = ?",
                JobRepository::row, workerId);
    }

    /** Extends the lease of a job held by {@code workerId}; false when the worker no longer holds it. */
    public boolean extendLease(Connection c, String jobId, String workerId, Instant leaseUntil, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE job SET lease_until = ?, updated_at = ? WHERE id = ? AND worker_id = ? "
                + "AND status IN ('Dispatched', 'InProgress')")) {
            Columns.setInstant(s, 1, leaseUntil);
            Columns.setInstant(s, 2, now);
            s.setString(3, jobId);
            s.setString(4, workerId);
            return s.executeUpdate() == 1;
        }
    }

    private static JobRow row(ResultSet r) throws SQLException {
        return new JobRow(r.getString("id"), r.getString("action_execution_id"), r.getString("pipeline_execution_id"),
                new ActionTypeId(r.getString("category"), r.getString("owner"), r.getString("provider"), r.getString("type_version")),
                JobStatus.valueOf(r.getString("status")), r.getString("data"), r.getString("nonce"), r.getString("worker_id"),
                r.getInt("dispatch_count"), Columns.instant(r, "lease_until"), Columns.instant(r, "created_at"),
                Columns.instant(r, "updated_at"));
    }
}
