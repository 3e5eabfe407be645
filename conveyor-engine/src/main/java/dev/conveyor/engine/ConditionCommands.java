package dev.conveyor.engine;

import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.engine.rules.RuleOutcome;
import dev.conveyor.model.errors.ConditionNotOverridableException;
import dev.conveyor.model.errors.ConflictException;
import dev.conveyor.model.errors.NotLatestPipelineExecutionException;
import dev.conveyor.model.errors.PipelineExecutionNotFoundException;
import dev.conveyor.model.errors.PipelineExecutionOutdatedException;
import dev.conveyor.model.errors.StageNotFoundException;
import dev.conveyor.model.errors.UnableToRollbackStageException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.store.Database;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The commands of stage conditions and rollbacks: RollbackStage, OverrideStageCondition, and the engine's own
 * recording of rule outcomes and rule timeouts. Like every engine command, each is one transaction under the
 * pipeline's row lock that writes the change and advances the pipeline.
 */
public final class ConditionCommands {
    private final ExecutionEngine engine;
    private final Database db;
    private final ExecutionRepository executions;
    private final PipelineDeclarations declarations;
    private final StageOutcomes outcomes;
    private final ExecutionAdvancer advancer;

    ConditionCommands(ExecutionEngine engine, Database db, ExecutionRepository executions, PipelineDeclarations declarations,
                      StageOutcomes outcomes, ExecutionAdvancer advancer) {
        this.engine = engine;
        this.db = db;
        this.executions = executions;
        this.declarations = declarations;
        this.outcomes = outcomes;
        this.advancer = advancer;
    }

    /**
     * Rolls {@code stageName} back to {@code targetExecutionId} (RollbackStage): starts a ROLLBACK execution (trigger
     * ManualRollback by {@code caller}) and returns its id, or refuses as CodePipeline does.
     */
    public String rollbackStage(String pipelineName, String stageName, String targetExecutionId, String caller) {
        return engine.inPipeline(pipelineName, (tx, locked) -> {
            PipelineDeclaration pipeline = declarations.get(tx.connection, pipelineName, locked.version());
            int index = stageIndex(pipeline, stageName);
            if (index < 0) {
                throw new StageNotFoundException("Stage '" + stageName + "' is not in pipeline '" + pipelineName + "'", "stageName");
            }
            StageDeclaration stage = pipeline.stages().get(index);
            boolean source = stage.actionsOrEmpty().stream().anyMatch(a -> a.actionTypeId() != null && "Source".equals(a.actionTypeId().category()));
            if (index == 0 || source) {
                throw new UnableToRollbackStageException("Stage '" + stageName + "' is a source stage, which cannot be rolled back", "stageName");
            }
            PipelineExecutionRow target = executions.findExecution(tx.connection, targetExecutionId)
                    .filter(e -> e.pipelineName().equals(pipelineName))
                    .orElseThrow(() -> new PipelineExecutionNotFoundException("Pipeline '" + pipelineName + "' has no execution with id "
                            + targetExecutionId, "targetPipelineExecutionId"));
            if (StageRollbacks.ROLLBACK.equals(target.executionType())) {
                throw new UnableToRollbackStageException("Execution " + targetExecutionId + " is itself a rollback; roll back to a "
                        + "STANDARD execution", "targetPipelineExecutionId");
            }
            if (target.pipelineVersion() != locked.version()) {
                throw new PipelineExecutionOutdatedException("Execution " + targetExecutionId + " ran version " + target.pipelineVersion()
                        + " of the pipeline, which is now at version " + locked.version() + "; only an execution of the current "
                        + "version can be a rollback target", "targetPipelineExecutionId");
            }
            if (!outcomes.rollbacks().succeededIn(tx, targetExecutionId, stageName)) {
                throw new UnableToRollbackStageException("Execution " + targetExecutionId + " did not succeed in stage '" + stageName
                        + "', so the stage cannot be rolled back to it", "targetPipelineExecutionId");
            }
            if (executions.stageOccupiedByOther(tx.connection, pipelineName, stageName, "")) {
                throw new ConflictException("Stage '" + stageName + "' has an execution in progress; roll it back once it settles");
            }
            PipelineExecutionRow rollback = outcomes.rollbacks().start(tx, pipeline, stageName, target, "ManualRollback", caller);
            advancer.advancePipeline(tx, pipelineName);
            return rollback.id();
        });
    }

    private static int stageIndex(PipelineDeclaration pipeline, String stageName) {
        List<StageDeclaration> stages = pipeline.stagesOrEmpty();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(stageName)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Overrides the in-progress BEFORE_ENTRY or ON_SUCCESS condition of a stage in its latest execution
     * (OverrideStageCondition): the condition counts as met and the execution goes on.
     */
    public void overrideStageCondition(String pipelineName, String stageName, String executionId, String conditionType,
                                       String caller) {
        if (!ConditionExecutionRow.BEFORE_ENTRY.equals(conditionType) && !ConditionExecutionRow.ON_SUCCESS.equals(conditionType)) {
            throw new ValidationException("conditionType must be BEFORE_ENTRY or ON_SUCCESS", "conditionType");
        }
        engine.inPipeline(pipelineName, (tx, locked) -> {
            PipelineDeclaration pipeline = declarations.get(tx.connection, pipelineName, locked.version());
            if (stageIndex(pipeline, stageName) < 0) {
                throw new StageNotFoundException("Stage '" + stageName + "' is not in pipeline '" + pipelineName + "'", "stageName");
            }
            StageExecutionRow latest = executions.latestStageExecutions(tx.connection, pipelineName).stream()
                    .filter(s -> s.stageName().equals(stageName)).findFirst().orElse(null);
            if (latest == null || !latest.pipelineExecutionId().equals(executionId)) {
                throw new NotLatestPipelineExecutionException("Execution " + executionId + " is not the latest execution of stage '"
                        + stageName + "'; only the latest execution's conditions can be overridden");
            }
            if (latest.status() != StageExecutionStatus.InProgress
                    || !outcomes.conditions().override(tx, latest, conditionType, caller)) {
                throw new ConditionNotOverridableException("Stage '" + stageName + "' of execution " + executionId + " has no "
                        + conditionType + " condition in progress to override", "conditionType");
            }
            advancer.advancePipeline(tx, pipelineName);
            return null;
        });
    }

    /** Records what a rule's provider answered and advances the pipeline. */
    void settleRule(RuleExecutionRow evaluated, RuleOutcome outcome) {
        engine.inPipeline(evaluated.pipelineName(), (tx, locked) -> {
            RuleExecutionRow row = outcomes.conditions().repository().findRule(tx.connection, evaluated.id()).orElse(null);
            if (row == null || row.settled()) {
                return null; // overridden, stopped or timed out meanwhile
            }
            switch (outcome) {
                case RuleOutcome.Succeeded s -> outcomes.conditions().repository().update(tx.connection, row.settle("Succeeded",
                        StageConditions.outputJson(s.externalExecutionId(), s.summary(), s.externalExecutionUrl(), null, null), s.summary(), null, null,
                        s.externalExecutionId(), s.externalExecutionUrl(), tx.now));
                case RuleOutcome.Failed f -> outcomes.conditions().repository().update(tx.connection, row.settle("Failed",
                        StageConditions.outputJson(f.externalExecutionId(), null, f.externalExecutionUrl(), f.code(), f.message()), f.message(), f.code(),
                        f.message(), f.externalExecutionId(), f.externalExecutionUrl(), tx.now));
                case RuleOutcome.Waiting w -> {
                    Instant next = w.nextCheckAt() == null || w.nextCheckAt().isBefore(tx.now) ? tx.now : w.nextCheckAt();
                    outcomes.conditions().repository().update(tx.connection, row.waiting(w.summary(), w.state(), w.externalExecutionId(),
                            w.externalExecutionUrl(), next, tx.now));
                    tx.changed(row.pipelineName(), row.pipelineExecutionId());
                    return null;
                }
            }
            outcomes.conditions().settle(tx, row.conditionExecutionId());
            tx.changed(row.pipelineName(), row.pipelineExecutionId());
            advancer.advancePipeline(tx, row.pipelineName());
            return null;
        });
    }

    /** Fails the rules past their deadline. */
    void timeOutRules(Instant now) {
        List<RuleExecutionRow> overdue = db.read(c -> outcomes.conditions().repository().overdueRules(c, now));
        for (RuleExecutionRow row : overdue) {
            Duration allowed = Duration.between(row.startedAt(), row.deadlineAt());
            settleRule(row, new RuleOutcome.Failed("JobFailed", "The rule did not finish within " + allowed.toMinutes()
                    + " minutes and timed out" + (row.summary() == null ? "" : " (" + row.summary() + ")"), row.externalExecutionId(),
                    row.externalExecutionUrl()));
        }
    }
}
