package dev.conveyor.engine;

import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.store.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of stage conditions, rule executions, stage retries and rollbacks for the API (no locks, committed state). */
public final class ConditionQueries {
    private final Database db;
    private static final List<String> CONDITION_TYPES = List.of(ConditionExecutionRow.BEFORE_ENTRY, ConditionExecutionRow.ON_SUCCESS,
            ConditionExecutionRow.ON_FAILURE);
    private final ConditionRepository repository = new ConditionRepository();

    public ConditionQueries(Database db) {
        this.db = db;
    }

    /** A condition as evaluated, with its rules. */
    public record EvaluatedCondition(ConditionExecutionRow condition, List<RuleExecutionRow> rules) {
    }

    /**
     * What a stage of an execution shows about its conditions (by type: the latest attempt's, in declared order) and
     * its retries.
     */
    public record StageConditions(Map<String, List<EvaluatedCondition>> byType, Optional<ConditionRepository.StageRetry> retry) {
    }

    /**
     * What a stage of an execution shows; {@code withConditions} false (the stage declares none) reads its retries
     * only.
     */
    public StageConditions stageConditions(String executionId, String stageName, boolean withConditions) {
        return db.read(c -> {
            Map<String, List<EvaluatedCondition>> byType = new HashMap<>();
            for (String type : withConditions ? CONDITION_TYPES : List.<String>of()) {
                List<ConditionExecutionRow> all = repository.conditions(c, executionId, stageName, type);
                if (all.isEmpty()) {
                    continue;
                }
                int latest = all.getLast().stageAttempt();
                List<EvaluatedCondition> evaluated = new ArrayList<>();
                for (ConditionExecutionRow row : all) {
                    if (row.stageAttempt() == latest) {
                        evaluated.add(new EvaluatedCondition(row, repository.rulesOf(c, row.id())));
                    }
                }
                byType.put(type, evaluated);
            }
            return new StageConditions(byType, repository.retry(c, executionId, stageName));
        });
    }

    /** ListRuleExecutions' page: newest first, below the (startTime, id) cursor when given. */
    public List<RuleExecutionRow> ruleExecutions(String pipelineName, String executionId, Instant beforeStart, String beforeId, int limit) {
        return db.read(c -> repository.listRules(c, pipelineName, executionId, beforeStart, beforeId, limit));
    }

    /** A rule execution by id (its log's endpoint). */
    public Optional<RuleExecutionRow> rule(String ruleExecutionId) {
        return db.read(c -> repository.findRule(c, ruleExecutionId));
    }

    public Optional<ConditionRepository.Rollback> rollback(String executionId) {
        return db.read(c -> repository.rollback(c, executionId));
    }

    /** Rollback execution id → the execution it rolled back to, for a pipeline. */
    public Map<String, String> rollbackTargets(String pipelineName) {
        Map<String, String> targets = new HashMap<>();
        db.read(c -> repository.rollbacksOf(c, pipelineName)).forEach(r -> targets.put(r.pipelineExecutionId(), r.targetExecutionId()));
        return targets;
    }
}
