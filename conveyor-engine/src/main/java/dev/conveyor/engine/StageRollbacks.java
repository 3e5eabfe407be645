package dev.conveyor.engine;

import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * ROLLBACK executions: a new execution that re-runs one stage with the source revisions, variables and artifacts of
 * an earlier execution that succeeded in that stage (the target). It enters that stage directly, sees what the
 * target's earlier stages produced as if it had produced it, and ends when the stage settles.
 */
final class StageRollbacks {
    static final String ROLLBACK = "ROLLBACK";
    static final String STANDARD = "STANDARD";

    private final ExecutionRepository executions;
    private final ConditionRepository repository;

    StageRollbacks(ExecutionRepository executions, ConditionRepository repository) {
        this.executions = executions;
        this.repository = repository;
    }

    Optional<ConditionRepository.Rollback> of(ExecutionTx tx, PipelineExecutionRow execution) throws SQLException {
        if (!ROLLBACK.equals(execution.executionType())) {
            return Optional.empty();
        }
        return repository.rollback(tx.connection, execution.id());
    }

    /** The index of the stage a rollback execution re-runs, or -1 for a standard execution. */
    int stageIndex(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline) throws SQLException {
        Optional<ConditionRepository.Rollback> rollback = of(tx, execution);
        if (rollback.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < pipeline.stages().size(); i++) {
            if (pipeline.stages().get(i).name().equals(rollback.get().stageName())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The action executions whose outputs a rollback execution's actions see: the target's, from the stages before the
     * rolled-back one, then the rollback's own. A standard execution sees only its own.
     */
    List<ActionExecutionRow> visibleRows(ExecutionTx tx, PipelineExecutionRow execution, List<ActionExecutionRow> own)
            throws SQLException {
        Optional<ConditionRepository.Rollback> rollback = of(tx, execution);
        if (rollback.isEmpty()) {
            return own;
        }
        List<StageExecutionRow> targetStages = executions.stages(tx.connection, rollback.get().targetExecutionId());
        int stageIndex = targetStages.stream().filter(s -> s.stageName().equals(rollback.get().stageName()))
                .mapToInt(StageExecutionRow::stageIndex).findFirst().orElse(Integer.MAX_VALUE);
        List<String> earlier = targetStages.stream().filter(s -> s.stageIndex() < stageIndex).map(StageExecutionRow::stageName).toList();
        List<ActionExecutionRow> rows = new ArrayList<>();
        for (ActionExecutionRow row : executions.actions(tx.connection, rollback.get().targetExecutionId())) {
            if (earlier.contains(row.stageName())) {
                rows.add(row);
            }
        }
        rows.addAll(own);
        return rows;
    }

    /**
     * The newest standard execution of the pipeline, other than {@code except}, that ran {@code pipelineVersion} and
     * succeeded in {@code stageName}: where an automatic rollback goes.
     */
    Optional<PipelineExecutionRow> latestGood(ExecutionTx tx, String pipelineName, int pipelineVersion, String stageName,
                                             String except) throws SQLException {
        Long before = null;
        for (int page = 0; page < 100; page++) {
            List<PipelineExecutionRow> rows = executions.listExecutions(tx.connection, pipelineName, before, 50);
            for (PipelineExecutionRow e : rows) {
                before = e.sequence();
                if (e.id().equals(except) || !STANDARD.equals(e.executionType()) || e.pipelineVersion() != pipelineVersion) {
                    continue;
                }
                if (succeededIn(tx, e.id(), stageName)) {
                    return Optional.of(e);
                }
            }
            if (rows.size() < 50) {
                break;
            }
        }
        return Optional.empty();
    }

    boolean succeededIn(ExecutionTx tx, String executionId, String stageName) throws SQLException {
        return executions.stages(tx.connection, executionId).stream()
                .anyMatch(s -> s.stageName().equals(stageName) && s.status() == StageExecutionStatus.Succeeded);
    }

    /** Writes a new ROLLBACK execution of {@code stageName} to {@code target}; the caller advances the pipeline. */
    PipelineExecutionRow start(ExecutionTx tx, PipelineDeclaration pipeline, String stageName, PipelineExecutionRow target,
                               String triggerType, String triggerDetail) throws SQLException {
        ExecutionRepository.LockedPipeline locked = executions.lockPipeline(tx.connection, pipeline.name()).orElseThrow();
        long sequence = executions.nextSequence(tx.connection, locked);
        PipelineExecutionRow rollback = new PipelineExecutionRow(UUID.randomUUID().toString(), pipeline.name(), locked.version(),
                sequence, PipelineExecutionStatus.InProgress, null, pipeline.effectiveExecutionMode(), ROLLBACK, triggerType,
                triggerDetail, null, target.variablesJson(), target.sourceRevisionsJson(), target.artifactRevisionsJson(),
                null, null, tx.now, tx.now);
        executions.insert(tx.connection, rollback);
        repository.insert(tx.connection, new ConditionRepository.Rollback(rollback.id(), pipeline.name(), stageName, target.id()));
        tx.changed(pipeline.name(), rollback.id());
        return rollback;
    }
}
