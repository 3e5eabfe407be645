package dev.conveyor.engine.rules;

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
 * Condition and rule executions, stage retries and rollback executions. Every method works inside the caller's
 * transaction; changes to a pipeline's conditions are made under its row lock, like every other execution change.
 */
public final class ConditionRepository {
    /** How often a stage of an execution was retried, automatically and by request, and which came last. */
    public record StageRetry(String pipelineExecutionId, String stageName, int autoAttempts, int manualAttempts,
                             String latestTrigger) {
    }

    /** A ROLLBACK execution: the stage it re-runs and the execution it rolls back to. */
    public record Rollback(String pipelineExecutionId, String pipelineName, String stageName, String targetExecutionId) {
    }

    // ---- conditions

    private static final String CONDITION_COLUMNS = "id, pipeline_execution_id, pipeline_name, stage_name, stage_attempt, "
            + "condition_type, condition_index, result, status, summary, started_at, updated_at";

    public void insert(Connection c, ConditionExecutionRow row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO condition_execution (" + CONDITION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, row.id());
            s.setString(2, row.pipelineExecutionId());
            s.setString(3, row.pipelineName());
            s.setString(4, row.stageName());
            s.setInt(5, row.stageAttempt());
            s.setString(6, row.conditionType());
            s.setInt(7, row.conditionIndex());
            s.setString(8, row.result());
            s.setString(9, row.status());
            s.setString(10, row.summary());
            Columns.setInstant(s, 11, row.startedAt());
            Columns.setInstant(s, 12, row.updatedAt());
            s.executeUpdate();
        }
    }

    public void update(Connection c, ConditionExecutionRow row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE condition_execution SET status = ?, summary = ?, updated_at = ? WHERE id = ?")) {
            s.setString(1, row.status());
            s.setString(2, row.summary());
            Columns.setInstant(s, 3, row.updatedAt());
            s.setString(4, row.id());
            s.executeUpdate();
        }
    }

    /** The conditions of one type evaluated for a stage of an execution, oldest attempt first, in declared order. */
    public List<ConditionExecutionRow> conditions(Connection c, String executionId, String stageName, String type) throws SQLException {
        return Queries.list(c, "SELECT " + CONDITION_COLUMNS + " FROM condition_execution WHERE pipeline_execution_id = ? "
                + "AND stage_name = ? AND condition_type = ? ORDER BY stage_attempt, condition_index", ConditionRepository::condition,
                executionId, stageName, type);
    }

    /** Every condition evaluated for an execution, oldest first. */
    public List<ConditionExecutionRow> conditionsOfExecution(Connection c, String executionId) throws SQLException {
        return Queries.list(c, "SELECT " + CONDITION_COLUMNS + " FROM condition_execution WHERE pipeline_execution_id = ? "
                + "ORDER BY started_at, stage_attempt, condition_index", ConditionRepository::condition, executionId);
    }

    public Optional<ConditionExecutionRow> findCondition(Connection c, String id) throws SQLException {
        return Queries.first(c, "SELECT " + CONDITION_COLUMNS + " FROM condition_execution WHERE id = ?", ConditionRepository::condition, id);
    }

    private static ConditionExecutionRow condition(ResultSet r) throws SQLException {
        return new ConditionExecutionRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5), r.getString(6),
                r.getInt(7), r.getString(8), r.getString(9), r.getString(10), Columns.instant(r, "started_at"),
                Columns.instant(r, "updated_at"));
    }

    // ---- rules

    private static final String RULE_COLUMNS = "id, condition_execution_id, pipeline_execution_id, pipeline_name, pipeline_version, "
            + "stage_name, rule_name, provider, status, input, output, summary, error_code, error_message, external_execution_id, "
            + "external_execution_url, provider_state, next_check_at, deadline_at, started_at, updated_at";

    public void insert(Connection c, RuleExecutionRow row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO rule_execution (" + RULE_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, row.id());
            s.setString(2, row.conditionExecutionId());
            s.setString(3, row.pipelineExecutionId());
            s.setString(4, row.pipelineName());
            s.setInt(5, row.pipelineVersion());
            s.setString(6, row.stageName());
            s.setString(7, row.ruleName());
            s.setString(8, row.provider());
            s.setString(9, row.status());
            s.setString(10, row.inputJson());
            bindMutable(s, 11, row);
            Columns.setInstant(s, 18, row.nextCheckAt());
            Columns.setInstant(s, 19, row.deadlineAt());
            Columns.setInstant(s, 20, row.startedAt());
            Columns.setInstant(s, 21, row.updatedAt());
            s.executeUpdate();
        }
    }

    private static void bindMutable(PreparedStatement s, int from, RuleExecutionRow row) throws SQLException {
        Columns.setStrings(s, from, row.outputJson(), row.summary(), row.errorCode(), row.errorMessage(), row.externalExecutionId(),
                row.externalExecutionUrl(), row.providerState());
    }

    public void update(Connection c, RuleExecutionRow row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE rule_execution SET status = ?, output = ?, summary = ?, error_code = ?, "
                + "error_message = ?, external_execution_id = ?, external_execution_url = ?, provider_state = ?, next_check_at = ?, "
                + "claimed_until = NULL, updated_at = ? WHERE id = ?")) {
            s.setString(1, row.status());
            bindMutable(s, 2, row);
            Columns.setInstant(s, 9, row.nextCheckAt());
            Columns.setInstant(s, 10, row.updatedAt());
            s.setString(11, row.id());
            s.executeUpdate();
        }
    }

    public Optional<RuleExecutionRow> findRule(Connection c, String id) throws SQLException {
        return Queries.first(c, "SELECT " + RULE_COLUMNS + " FROM rule_execution WHERE id = ?", ConditionRepository::rule, id);
    }

    public List<RuleExecutionRow> rulesOf(Connection c, String conditionExecutionId) throws SQLException {
        return Queries.list(c, "SELECT " + RULE_COLUMNS + " FROM rule_execution WHERE condition_execution_id = ? ORDER BY started_at, id",
                ConditionRepository::rule, conditionExecutionId);
    }

    /** Rules in progress whose next look is due and that no evaluator holds, oldest first. */
    public List<RuleExecutionRow> dueRules(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + RULE_COLUMNS + " FROM rule_execution WHERE status = 'InProgress' "
                + "AND (next_check_at IS NULL OR next_check_at <= ?) AND (claimed_until IS NULL OR claimed_until < ?) "
                + "ORDER BY next_check_at, started_at LIMIT " + limit)) {
            Columns.setInstant(s, 1, now);
            Columns.setInstant(s, 2, now);
            return Queries.list(s, ConditionRepository::rule);
        }
    }

    /** Rules in progress past their deadline. */
    public List<RuleExecutionRow> overdueRules(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + RULE_COLUMNS + " FROM rule_execution WHERE status = 'InProgress' "
                + "AND deadline_at < ?")) {
            Columns.setInstant(s, 1, now);
            return Queries.list(s, ConditionRepository::rule);
        }
    }

    /** Takes a rule for evaluation until {@code until}; false when another evaluator holds it or it settled. */
    public boolean claim(Connection c, String ruleExecutionId, Instant until, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE rule_execution SET claimed_until = ? WHERE id = ? AND status = 'InProgress' "
                + "AND (claimed_until IS NULL OR claimed_until < ?)")) {
            Columns.setInstant(s, 1, until);
            s.setString(2, ruleExecutionId);
            Columns.setInstant(s, 3, now);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Rule executions of a pipeline (of one execution when given) newest first, below the (startTime, id) cursor when
     * given: ListRuleExecutions' pages.
     */
    public List<RuleExecutionRow> listRules(Connection c, String pipelineName, String executionId, Instant beforeStart,
                                            String beforeId, int limit) throws SQLException {
        return HistoryPages.newestFirst(c, "rule_execution", RULE_COLUMNS, pipelineName, executionId, beforeStart, beforeId, limit,
                ConditionRepository::rule);
    }

    private static RuleExecutionRow rule(ResultSet r) throws SQLException {
        return new RuleExecutionRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5), r.getString(6),
                r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getString(13),
                r.getString(14), r.getString(15), r.getString(16), r.getString(17), Columns.instant(r, "next_check_at"),
                Columns.instant(r, "deadline_at"), Columns.instant(r, "started_at"), Columns.instant(r, "updated_at"));
    }

    // ---- jobs of rules (a JobRule's work: see V2__rule_jobs.sql)

    /** Marks a job just queued (by the store's JobRepository) as the work of a rule execution. */
    public void linkJob(Connection c, String jobId, String ruleExecutionId) throws SQLException {
        Queries.update(c, "UPDATE job SET rule_execution_id = ? WHERE id = ?", ruleExecutionId, jobId);
    }

    /** The rule execution a job does the work of, if it is a rule's job. */
    public Optional<String> ruleOfJob(Connection c, String jobId) throws SQLException {
        return Queries.first(c, "SELECT rule_execution_id FROM job WHERE id = ? AND rule_execution_id IS NOT NULL",
                r -> r.getString(1), jobId);
    }

    /** The ids of the jobs that did a rule execution's work, oldest first (several after continuation tokens). */
    public List<String> jobsOf(Connection c, String ruleExecutionId) throws SQLException {
        return Queries.list(c, "SELECT id FROM job WHERE rule_execution_id = ? ORDER BY created_at, id", r -> r.getString(1), ruleExecutionId);
    }

    /** The status of the rule execution's job that has not finished (Queued, Dispatched, InProgress), if it has one. */
    public Optional<String> unfinishedJobStatus(Connection c, String ruleExecutionId) throws SQLException {
        return Queries.first(c, "SELECT status FROM job WHERE rule_execution_id = ? AND status IN ('Queued', 'Dispatched', 'InProgress') "
                + "ORDER BY created_at DESC", r -> r.getString(1), ruleExecutionId);
    }

    /**
     * Fails the jobs of a rule execution that have not finished (the rule settled without them: timed out, abandoned);
     * a worker running one loses its lease at its next renewal and stops it. Returns how many there were.
     */
    public int failJobsOf(Connection c, String ruleExecutionId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE job SET status = 'Failed', updated_at = ? WHERE rule_execution_id = ? "
                + "AND status IN ('Queued', 'Dispatched', 'InProgress')")) {
            Columns.setInstant(s, 1, now);
            s.setString(2, ruleExecutionId);
            return s.executeUpdate();
        }
    }

    // ---- stage retries

    public Optional<StageRetry> retry(Connection c, String executionId, String stageName) throws SQLException {
        return Queries.first(c, "SELECT pipeline_execution_id, stage_name, auto_attempts, manual_attempts, latest_trigger FROM stage_retry "
                + "WHERE pipeline_execution_id = ? AND stage_name = ?", r -> new StageRetry(r.getString(1), r.getString(2), r.getInt(3),
                r.getInt(4), r.getString(5)), executionId, stageName);
    }

    /** Counts one more retry of the stage, automatic or by request. */
    public void recordRetry(Connection c, String executionId, String stageName, boolean automated) throws SQLException {
        Optional<StageRetry> existing = retry(c, executionId, stageName);
        String trigger = automated ? "AutomatedStageRetry" : "ManualStageRetry";
        if (existing.isEmpty()) {
            Queries.update(c, "INSERT INTO stage_retry (pipeline_execution_id, stage_name, auto_attempts, manual_attempts, latest_trigger) "
                    + "VALUES (?, ?, " + (automated ? "1, 0" : "0, 1") + ", ?)", executionId, stageName, trigger);
        } else {
            Queries.update(c, "UPDATE stage_retry SET " + (automated ? "auto_attempts = auto_attempts + 1" : "manual_attempts = manual_attempts + 1")
                    + ", latest_trigger = ? WHERE pipeline_execution_id = ? AND stage_name = ?", trigger, executionId, stageName);
        }
    }

    // ---- rollbacks

    public void insert(Connection c, Rollback rollback) throws SQLException {
        Queries.update(c, "INSERT INTO rollback_execution (pipeline_execution_id, pipeline_name, stage_name, target_execution_id) "
                + "VALUES (?, ?, ?, ?)", rollback.pipelineExecutionId(), rollback.pipelineName(), rollback.stageName(),
                rollback.targetExecutionId());
    }

    public Optional<Rollback> rollback(Connection c, String executionId) throws SQLException {
        return Queries.first(c, "SELECT pipeline_execution_id, pipeline_name, stage_name, target_execution_id FROM rollback_execution "
                + "WHERE pipeline_execution_id = ?", ConditionRepository::rollback, executionId);
    }

    public List<Rollback> rollbacksOf(Connection c, String pipelineName) throws SQLException {
        return Queries.list(c, "SELECT pipeline_execution_id, pipeline_name, stage_name, target_execution_id FROM rollback_execution "
                + "WHERE pipeline_name = ?", ConditionRepository::rollback, pipelineName);
    }

    private static Rollback rollback(ResultSet r) throws SQLException {
        return new Rollback(r.getString(1), r.getString(2), r.getString(3), r.getString(4));
    }
}
