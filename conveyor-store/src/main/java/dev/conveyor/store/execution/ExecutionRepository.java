package dev.conveyor.store.execution;

import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.store.jdbc.Columns;
import dev.conveyor.store.jdbc.HistoryPages;
import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Pipeline, stage and action executions. Every method works inside the caller's transaction (the engine holds
 * the pipeline's row lock while it changes an execution), so a change of several rows is all-or-nothing.
 */
public final class ExecutionRepository {

    /** The pipeline's current version and execution counter, locked until the transaction ends. */
    public record LockedPipeline(String name, int version, long executionCount) {
    }

    /** Locks the pipeline row: every change to its executions happens under this lock. Empty if it is gone. */
    public Optional<LockedPipeline> lockPipeline(Connection c, String pipelineName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT version, execution_count FROM pipeline WHERE name = ? FOR UPDATE")) {
            s.setString(1, pipelineName);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new LockedPipeline(pipelineName, r.getInt(1), r.getLong(2))) : Optional.empty();
            }
        }
    }

    /** Whether the pipeline exists, without locking it. */
    public boolean pipelineExists(Connection c, String pipelineName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pipeline WHERE name = ?")) {
            s.setString(1, pipelineName);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Takes the next execution sequence number of a locked pipeline. */
    public long nextSequence(Connection c, LockedPipeline pipeline) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE pipeline SET execution_count = execution_count + 1 WHERE name = ?")) {
            s.setString(1, pipeline.name());
            s.executeUpdate();
        }
        return pipeline.executionCount() + 1;
    }

    // ---- pipeline executions

    private static final String EXECUTION_COLUMNS = "id, pipeline_name, pipeline_version, sequence, status, status_summary, "
            + "execution_mode, execution_type, trigger_type, trigger_detail, client_request_token, variables, "
            + "source_revisions, artifact_revisions, waiting_stage, stop_abandon, started_at, updated_at";

    public void insert(Connection c, PipelineExecutionRow e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO pipeline_execution (" + EXECUTION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, e.id());
            s.setString(2, e.pipelineName());
            s.setInt(3, e.pipelineVersion());
            s.setLong(4, e.sequence());
            bindExecution(s, 5, e);
            s.executeUpdate();
        }
    }

    public void update(Connection c, PipelineExecutionRow e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE pipeline_execution SET status = ?, status_summary = ?, "
                + "execution_mode = ?, execution_type = ?, trigger_type = ?, trigger_detail = ?, client_request_token = ?, "
                + "variables = ?, source_revisions = ?, artifact_revisions = ?, waiting_stage = ?, stop_abandon = ?, "
                + "started_at = ?, updated_at = ? WHERE id = ?")) {
            bindExecution(s, 1, e);
            s.setString(15, e.id());
            s.executeUpdate();
        }
    }

    private static void bindExecution(PreparedStatement s, int i, PipelineExecutionRow e) throws SQLException {
        s.setString(i, e.status().name());
        s.setString(i + 1, e.statusSummary());
        s.setString(i + 2, e.executionMode());
        s.setString(i + 3, e.executionType());
        s.setString(i + 4, e.triggerType());
        s.setString(i + 5, e.triggerDetail());
        s.setString(i + 6, e.clientRequestToken());
        s.setString(i + 7, e.variablesJson());
        s.setString(i + 8, e.sourceRevisionsJson());
        s.setString(i + 9, e.artifactRevisionsJson());
        Columns.setInteger(s, i + 10, e.waitingStage());
        Columns.setBoolean(s, i + 11, e.stopAbandon());
        Columns.setInstant(s, i + 12, e.startedAt());
        Columns.setInstant(s, i + 13, e.updatedAt());
    }

    public Optional<PipelineExecutionRow> findExecution(Connection c, String id) throws SQLException {
        return Queries.first(c, "SELECT " + EXECUTION_COLUMNS + " FROM pipeline_execution WHERE id = ?", ExecutionRepository::execution,
                id);
    }

    public Optional<PipelineExecutionRow> findByClientToken(Connection c, String pipelineName, String token) throws SQLException {
        return Queries.first(c, "SELECT " + EXECUTION_COLUMNS + " FROM pipeline_execution WHERE pipeline_name = ? "
                + "AND client_request_token = ?", ExecutionRepository::execution, pipelineName, token);
    }

    /** The pipeline's executions that are InProgress or Stopping, oldest first. */
    public List<PipelineExecutionRow> activeExecutions(Connection c, String pipelineName) throws SQLException {
        return Queries.list(c, "SELECT " + EXECUTION_COLUMNS + " FROM pipeline_execution WHERE pipeline_name = ? "
                + "AND status IN ('InProgress', 'Stopping') ORDER BY sequence", ExecutionRepository::execution, pipelineName);
    }

    /** Ids and pipelines of every execution that is InProgress or Stopping, for the sweeper and restart recovery. */
    public List<PipelineExecutionRow> allActiveExecutions(Connection c) throws SQLException {
        return Queries.list(c, "SELECT " + EXECUTION_COLUMNS + " FROM pipeline_execution WHERE status IN ('InProgress', 'Stopping') "
                + "ORDER BY started_at", ExecutionRepository::execution);
    }

    /** A page of the pipeline's executions, newest first, starting below {@code beforeSequence} (null: from the newest). */
    public List<PipelineExecutionRow> listExecutions(Connection c, String pipelineName, Long beforeSequence, int limit) throws SQLException {
        String sql = "SELECT " + EXECUTION_COLUMNS + " FROM pipeline_execution WHERE pipeline_name = ?"
                + (beforeSequence == null ? "" : " AND sequence < ?") + " ORDER BY sequence DESC LIMIT ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            s.setString(i++, pipelineName);
            if (beforeSequence != null) {
                s.setLong(i++, beforeSequence);
            }
            s.setInt(i, limit);
            return Queries.list(s, ExecutionRepository::execution);
        }
    }

    private static PipelineExecutionRow execution(ResultSet r) throws SQLException {
        return new PipelineExecutionRow(r.getString("id"), r.getString("pipeline_name"), r.getInt("pipeline_version"),
                r.getLong("sequence"), PipelineExecutionStatus.valueOf(r.getString("status")), r.getString("status_summary"),
                r.getString("execution_mode"), r.getString("execution_type"), r.getString("trigger_type"),
                r.getString("trigger_detail"), r.getString("client_request_token"), r.getString("variables"),
                r.getString("source_revisions"), r.getString("artifact_revisions"), Columns.integer(r, "waiting_stage"),
                Columns.bool(r, "stop_abandon"), Columns.instant(r, "started_at"), Columns.instant(r, "updated_at"));
    }

    // ---- stage executions

    private static final String STAGE_COLUMNS = "pipeline_execution_id, stage_name, stage_index, pipeline_name, attempt, status, retry_mode, started_at, updated_at";

    public void insert(Connection c, StageExecutionRow st) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO stage_execution (" + STAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, st.pipelineExecutionId());
            s.setString(2, st.stageName());
            s.setInt(3, st.stageIndex());
            s.setString(4, st.pipelineName());
            s.setInt(5, st.attempt());
            s.setString(6, st.status().name());
            s.setString(7, st.retryMode());
            Columns.setInstant(s, 8, st.startedAt());
            Columns.setInstant(s, 9, st.updatedAt());
            s.executeUpdate();
        }
    }

    public void update(Connection c, StageExecutionRow st) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE stage_execution SET attempt = ?, status = ?, retry_mode = ?, updated_at = ? "
                + "WHERE pipeline_execution_id = ? AND stage_name = ?")) {
            s.setInt(1, st.attempt());
            s.setString(2, st.status().name());
            s.setString(3, st.retryMode());
            Columns.setInstant(s, 4, st.updatedAt());
            s.setString(5, st.pipelineExecutionId());
            s.setString(6, st.stageName());
            s.executeUpdate();
        }
    }

    /** The stages an execution has entered, in pipeline order. */
    public List<StageExecutionRow> stages(Connection c, String pipelineExecutionId) throws SQLException {
        return Queries.list(c, "SELECT " + STAGE_COLUMNS + " FROM stage_execution WHERE pipeline_execution_id = ? ORDER BY stage_index",
                ExecutionRepository::stage, pipelineExecutionId);
    }

    /** Whether another execution of the pipeline holds the stage (InProgress or Stopping in it). */
    public boolean stageOccupiedByOther(Connection c, String pipelineName, String stageName, String exceptExecutionId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM stage_execution WHERE pipeline_name = ? AND stage_name = ? "
                + "AND status IN ('InProgress', 'Stopping') AND pipeline_execution_id <> ?")) {
            s.setString(1, pipelineName);
            s.setString(2, stageName);
            s.setString(3, exceptExecutionId);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * For each stage name, the stage execution of the newest pipeline execution that entered it. One pass over the
     * pipeline's stage executions, numbered newest first per stage: the correlated form this replaced (each row
     * compared with the newest of its stage) read the stage's whole history again for every row, so its cost grew with
     * the square of the history (2.5 s at 1,000 executions on H2, against 18 ms: LatestExecutionsBench in docs/benchmarks.md).
     */
    public List<StageExecutionRow> latestStageExecutions(Connection c, String pipelineName) throws SQLException {
        return Queries.list(c, "SELECT pipeline_execution_id, stage_name, stage_index, pipeline_name, attempt, status, retry_mode, "
                + "started_at, updated_at FROM (SELECT s.pipeline_execution_id, s.stage_name, s.stage_index, s.pipeline_name, "
                + "s.attempt, s.status, s.retry_mode, s.started_at, s.updated_at, ROW_NUMBER() OVER (PARTITION BY s.stage_name "
                + "ORDER BY e.sequence DESC) AS newest FROM stage_execution s JOIN pipeline_execution e ON e.id = s.pipeline_execution_id "
                + "WHERE s.pipeline_name = ?) ranked WHERE newest = 1", ExecutionRepository::stage, pipelineName);
    }

    private static StageExecutionRow stage(ResultSet r) throws SQLException {
        return new StageExecutionRow(r.getString(1), r.getString(2), r.getInt(3), r.getString(4), r.getInt(5),
                StageExecutionStatus.valueOf(r.getString(6)), r.getString(7), Columns.instant(r, "started_at"),
                Columns.instant(r, "updated_at"));
    }

    // ---- action executions

    private static final String ACTION_COLUMNS = "id, pipeline_execution_id, pipeline_name, pipeline_version, stage_name, action_name, "
            + "stage_attempt, run_order, status, input, output, summary, error_code, error_message, external_execution_id, "
            + "external_execution_url, percent_complete, token, updated_by, deadline_at, started_at, updated_at";

    public void insert(Connection c, ActionExecutionRow a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO action_execution (" + ACTION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, a.id());
            s.setString(2, a.pipelineExecutionId());
            s.setString(3, a.pipelineName());
            s.setInt(4, a.pipelineVersion());
            s.setString(5, a.stageName());
            s.setString(6, a.actionName());
            s.setInt(7, a.stageAttempt());
            s.setInt(8, a.runOrder());
            s.setString(9, a.status().name());
            s.setString(10, a.inputJson());
            Columns.setStrings(s, 11, a.outputJson(), a.summary(), a.errorCode(), a.errorMessage(), a.externalExecutionId(),
                    a.externalExecutionUrl());
            Columns.setInteger(s, 17, a.percentComplete());
            s.setString(18, a.token());
            s.setString(19, a.updatedBy());
            Columns.setInstant(s, 20, a.deadlineAt());
            Columns.setInstant(s, 21, a.startedAt());
            Columns.setInstant(s, 22, a.updatedAt());
            s.executeUpdate();
        }
    }

    public void update(Connection c, ActionExecutionRow a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE action_execution SET status = ?, input = ?, output = ?, summary = ?, "
                + "error_code = ?, error_message = ?, external_execution_id = ?, external_execution_url = ?, percent_complete = ?, "
                + "token = ?, updated_by = ?, deadline_at = ?, updated_at = ? WHERE id = ?")) {
            s.setString(1, a.status().name());
            s.setString(2, a.inputJson());
            Columns.setStrings(s, 3, a.outputJson(), a.summary(), a.errorCode(), a.errorMessage(), a.externalExecutionId(),
                    a.externalExecutionUrl());
            Columns.setInteger(s, 9, a.percentComplete());
            s.setString(10, a.token());
            s.setString(11, a.updatedBy());
            Columns.setInstant(s, 12, a.deadlineAt());
            Columns.setInstant(s, 13, a.updatedAt());
            s.setString(14, a.id());
            s.executeUpdate();
        }
    }

    public Optional<ActionExecutionRow> findAction(Connection c, String actionExecutionId) throws SQLException {
        return Queries.first(c, "SELECT " + ACTION_COLUMNS + " FROM action_execution WHERE id = ?", ExecutionRepository::action,
                actionExecutionId);
    }

    /** Every action execution of a pipeline execution, oldest first. */
    public List<ActionExecutionRow> actions(Connection c, String pipelineExecutionId) throws SQLException {
        return Queries.list(c, "SELECT " + ACTION_COLUMNS + " FROM action_execution WHERE pipeline_execution_id = ? "
                + "ORDER BY stage_attempt, started_at, id", ExecutionRepository::action, pipelineExecutionId);
    }

    /** A page of a pipeline's action executions, newest first; optionally of one pipeline execution only. */
    public List<ActionExecutionRow> listActions(Connection c, String pipelineName, String pipelineExecutionId,
                                                Instant beforeStart, String beforeId, int limit) throws SQLException {
        return HistoryPages.newestFirst(c, "action_execution", ACTION_COLUMNS, pipelineName, pipelineExecutionId, beforeStart, beforeId,
                limit, ExecutionRepository::action);
    }

    /**
     * For each action of the pipeline, its newest execution (GetPipelineState's latestExecution): the latest start,
     * the greater id between two that started in the same millisecond. One pass, numbered newest first per action (the
     * NOT EXISTS form this replaced grew with the square of the history, as {@link #latestStageExecutions} did).
     */
    public List<ActionExecutionRow> latestActionExecutions(Connection c, String pipelineName) throws SQLException {
        return Queries.list(c, "SELECT " + ACTION_COLUMNS + " FROM (SELECT " + ACTION_COLUMNS + ", ROW_NUMBER() OVER (PARTITION BY "
                + "stage_name, action_name ORDER BY started_at DESC, id DESC) AS newest FROM action_execution WHERE pipeline_name = ?) "
                + "ranked WHERE newest = 1", ExecutionRepository::action, pipelineName);
    }

    /** The action execution holding a manual approval token, if any. */
    public Optional<ActionExecutionRow> findByToken(Connection c, String pipelineName, String token) throws SQLException {
        return Queries.first(c, "SELECT " + ACTION_COLUMNS + " FROM action_execution WHERE pipeline_name = ? AND token = ?",
                ExecutionRepository::action, pipelineName, token);
    }

    /** Actions still InProgress whose deadline has passed. */
    public List<ActionExecutionRow> overdueActions(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ACTION_COLUMNS + " FROM action_execution "
                + "WHERE status = 'InProgress' AND deadline_at IS NOT NULL AND deadline_at < ?")) {
            Columns.setInstant(s, 1, now);
            return Queries.list(s, ExecutionRepository::action);
        }
    }

    private static ActionExecutionRow action(ResultSet r) throws SQLException {
        return new ActionExecutionRow(r.getString("id"), r.getString("pipeline_execution_id"), r.getString("pipeline_name"),
                r.getInt("pipeline_version"), r.getString("stage_name"), r.getString("action_name"), r.getInt("stage_attempt"),
                r.getInt("run_order"), ActionExecutionStatus.valueOf(r.getString("status")), r.getString("input"),
                r.getString("output"), r.getString("summary"), r.getString("error_code"), r.getString("error_message"),
                r.getString("external_execution_id"), r.getString("external_execution_url"), Columns.integer(r, "percent_complete"),
                r.getString("token"), r.getString("updated_by"), Columns.instant(r, "deadline_at"), Columns.instant(r, "started_at"),
                Columns.instant(r, "updated_at"));
    }
}
