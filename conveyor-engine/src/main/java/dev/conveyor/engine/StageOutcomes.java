package dev.conveyor.engine;

import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.model.pipeline.FailureConditions;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What a V2 stage's declaration says happens at its edges, for the advancer: entry conditions (FAIL or SKIP), success
 * conditions (FAIL or ROLLBACK), and on failure an automatic retry (once, then the stage fails), failure conditions
 * or a plain ROLLBACK. A ROLLBACK execution evaluates no conditions and is never retried or rolled back itself.
 * Each method runs in the advancer's transaction and answers a {@link Step}.
 */
final class StageOutcomes {
    /**
     * PROCEED: go on as without conditions; WROTE: something was written, the advancer stops here this round; WAIT:
     * nothing to do until rules settle; SKIP: skip the stage; RETRIED: the stage was retried, run its new attempt.
     */
    enum Step { PROCEED, WROTE, WAIT, SKIP, RETRIED }

    static final String DEFAULT_RETRY_MODE = "FAILED_ACTIONS";

    private final ExecutionRepository executions;
    private final StageConditions conditions;
    private final StageRollbacks rollbacks;

    StageOutcomes(ExecutionRepository executions, StageConditions conditions, StageRollbacks rollbacks) {
        this.executions = executions;
        this.conditions = conditions;
        this.rollbacks = rollbacks;
    }

    StageConditions conditions() {
        return conditions;
    }

    StageRollbacks rollbacks() {
        return rollbacks;
    }

    int firstStage(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline) throws SQLException {
        return Math.max(0, rollbacks.stageIndex(tx, execution, pipeline));
    }

    /** Whether the execution ends once stage {@code stageIndex} is done (a rollback runs one stage). */
    boolean endsAfter(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, int stageIndex) throws SQLException {
        return StageRollbacks.ROLLBACK.equals(execution.executionType()) && rollbacks.stageIndex(tx, execution, pipeline) == stageIndex;
    }

    List<ActionExecutionRow> visibleRows(ExecutionTx tx, PipelineExecutionRow execution, List<ActionExecutionRow> own) throws SQLException {
        return rollbacks.visibleRows(tx, execution, own);
    }

    void stopped(ExecutionTx tx, PipelineExecutionRow execution) throws SQLException {
        conditions.cancelAll(tx, execution.id(), "Cancelled: the execution was stopped");
    }

    /**
     * Whether any stage of the declaration has an entry, success or failure condition: only then does an execution of
     * it write condition executions (an onFailure that only retries or rolls back writes none).
     */
    static boolean declaresConditions(PipelineDeclaration pipeline) {
        for (StageDeclaration stage : pipeline.stages() == null ? List.<StageDeclaration>of() : pipeline.stages()) {
            if (stage.beforeEntry() != null && any(stage.beforeEntry().conditions())
                    || stage.onSuccess() != null && any(stage.onSuccess().conditions())
                    || stage.onFailure() != null && any(stage.onFailure().conditions())) {
                return true;
            }
        }
        return false;
    }

    private static boolean any(List<?> conditions) {
        return conditions != null && !conditions.isEmpty();
    }

    private static boolean rollback(PipelineExecutionRow execution) {
        return StageRollbacks.ROLLBACK.equals(execution.executionType());
    }

    private ActionLauncher.Visible visible(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline,
                                           List<ActionExecutionRow> actions) throws SQLException {
        return ActionLauncher.visible(execution, pipeline, visibleRows(tx, execution, actions));
    }

    Step beforeEntry(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageExecutionRow stage,
                     StageDeclaration declaration, List<ActionExecutionRow> actions) throws SQLException {
        if (rollback(execution) || declaration.beforeEntry() == null) {
            return Step.PROCEED;
        }
        StageConditions.Verdict v = conditions.evaluate(tx, execution, pipeline, stage, ConditionExecutionRow.BEFORE_ENTRY,
                declaration.beforeEntry().conditions(), visible(tx, execution, pipeline, actions));
        return switch (v.state()) {
            case NONE, MET -> Step.PROCEED;
            case PENDING -> v.wrote() ? Step.WROTE : Step.WAIT;
            case NOT_MET -> {
                if (v.results().stream().anyMatch(r -> r == null || "FAIL".equals(r))) {
                    failStage(tx, execution, stage, "The entry condition of stage '" + stage.stageName() + "' was not met: " + v.summary());
                    yield Step.WROTE;
                }
                yield Step.SKIP;
            }
        };
    }

    Step onSuccess(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageExecutionRow stage,
                   StageDeclaration declaration, List<ActionExecutionRow> actions) throws SQLException {
        if (rollback(execution) || declaration.onSuccess() == null) {
            return Step.PROCEED;
        }
        StageConditions.Verdict v = conditions.evaluate(tx, execution, pipeline, stage, ConditionExecutionRow.ON_SUCCESS,
                declaration.onSuccess().conditions(), visible(tx, execution, pipeline, actions));
        return switch (v.state()) {
            case NONE, MET -> Step.PROCEED;
            case PENDING -> v.wrote() ? Step.WROTE : Step.WAIT;
            case NOT_MET -> {
                String summary = "The success condition of stage '" + stage.stageName() + "' was not met: " + v.summary();
                failStage(tx, execution, stage, summary);
                if (v.results().contains("ROLLBACK")) {
                    rollBackAutomatically(tx, execution, pipeline, stage.stageName(), summary);
                }
                yield Step.WROTE;
            }
        };
    }

    /**
     * A group of the stage has a failed action: retry the stage automatically (once), wait for failure conditions, or
     * PROCEED to fail it (after which {@link #afterFailure} rolls back when the declaration says so).
     */
    Step onFailure(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageExecutionRow stage,
                   StageDeclaration declaration, List<ActionExecutionRow> actions) throws SQLException {
        FailureConditions onFailure = declaration.onFailure();
        if (rollback(execution) || onFailure == null) {
            return Step.PROCEED;
        }
        if ("RETRY".equals(onFailure.result())) {
            ConditionRepository repository = conditions.repository();
            int automatic = repository.retry(tx.connection, execution.id(), stage.stageName())
                    .map(ConditionRepository.StageRetry::autoAttempts).orElse(0);
            if (automatic >= 1) {
                return Step.PROCEED; // retried automatically once already: now the stage fails
            }
            String mode = onFailure.retryConfiguration() == null || onFailure.retryConfiguration().retryMode() == null
                    ? DEFAULT_RETRY_MODE : onFailure.retryConfiguration().retryMode();
            repository.recordRetry(tx.connection, execution.id(), stage.stageName(), true);
            executions.update(tx.connection, stage.retried(mode, tx.now));
            tx.changed(execution.pipelineName(), execution.id());
            return Step.RETRIED;
        }
        if (onFailure.conditions() != null && !onFailure.conditions().isEmpty()) {
            StageConditions.Verdict v = conditions.evaluate(tx, execution, pipeline, stage, ConditionExecutionRow.ON_FAILURE,
                    onFailure.conditions(), visible(tx, execution, pipeline, actions));
            if (v.state() == StageConditions.State.PENDING) {
                return v.wrote() ? Step.WROTE : Step.WAIT;
            }
        }
        return Step.PROCEED;
    }

    /** After the stage failed: roll back when its onFailure result is ROLLBACK, or its failure conditions were met. */
    void afterFailure(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageExecutionRow stage,
                      StageDeclaration declaration) throws SQLException {
        FailureConditions onFailure = declaration.onFailure();
        if (rollback(execution) || onFailure == null) {
            return;
        }
        boolean rollBack;
        if (onFailure.conditions() != null && !onFailure.conditions().isEmpty()) {
            StageConditions.Verdict v = conditions.evaluate(tx, execution, pipeline, stage, ConditionExecutionRow.ON_FAILURE,
                    onFailure.conditions(), ActionLauncher.visible(execution, pipeline, List.of()));
            rollBack = v.state() == StageConditions.State.MET;
        } else {
            rollBack = "ROLLBACK".equals(onFailure.result());
        }
        if (rollBack) {
            PipelineExecutionRow failed = executions.findExecution(tx.connection, execution.id()).orElse(execution);
            rollBackAutomatically(tx, failed, pipeline, stage.stageName(), failed.statusSummary());
        }
    }

    private void rollBackAutomatically(ExecutionTx tx, PipelineExecutionRow failed, PipelineDeclaration pipeline, String stageName,
                                       String summary) throws SQLException {
        int current = executions.lockPipeline(tx.connection, pipeline.name()).orElseThrow().version();
        Optional<PipelineExecutionRow> target = current == failed.pipelineVersion()
                ? rollbacks.latestGood(tx, pipeline.name(), failed.pipelineVersion(), stageName, failed.id()) : Optional.empty();
        String note;
        if (target.isPresent()) {
            PipelineExecutionRow rollback = rollbacks.start(tx, pipeline, stageName, target.get(), "AutomatedRollback",
                    failed.id());
            note = "; rolling back stage '" + stageName + "' to execution " + target.get().id() + " (rollback execution " + rollback.id() + ")";
        } else {
            note = "; no earlier execution of this pipeline version succeeded in stage '" + stageName + "', so there is none to roll back to";
        }
        PipelineExecutionRow fresh = executions.findExecution(tx.connection, failed.id()).orElse(failed);
        String text = (summary == null ? "" : summary) + note;
        executions.update(tx.connection, fresh.withStatus(fresh.status(), text.length() <= 2000 ? text : text.substring(0, 1999) + "…", tx.now));
        tx.changed(pipeline.name(), failed.id());
    }

    private void failStage(ExecutionTx tx, PipelineExecutionRow execution, StageExecutionRow stage, String summary) throws SQLException {
        executions.update(tx.connection, stage.withStatus(StageExecutionStatus.Failed, tx.now));
        PipelineExecutionRow fresh = executions.findExecution(tx.connection, execution.id()).orElse(execution);
        executions.update(tx.connection, fresh.withStatus(PipelineExecutionStatus.Failed,
                summary.length() <= 2000 ? summary : summary.substring(0, 1999) + "…", tx.now));
        tx.changed(execution.pipelineName(), execution.id());
    }
}
