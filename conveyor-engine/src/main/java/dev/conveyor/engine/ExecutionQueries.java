package dev.conveyor.engine;

import dev.conveyor.model.errors.PipelineExecutionNotFoundException;
import dev.conveyor.model.errors.PipelineNotFoundException;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.store.Database;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ActionRevisionRepository;
import dev.conveyor.store.execution.ActionRevisionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import dev.conveyor.store.execution.TransitionRepository;
import dev.conveyor.store.execution.TransitionRow;
import java.time.Instant;
import java.util.List;

/**
 * Reads of execution state for the API, CLI and console. Reads take no locks: each is a consistent snapshot of
 * committed state, which is all a status display needs.
 */
public final class ExecutionQueries {
    private final Database db;
    private final ExecutionRepository executions = new ExecutionRepository();
    private final TransitionRepository transitions = new TransitionRepository();
    private final ActionRevisionRepository actionRevisions = new ActionRevisionRepository();
    private final PipelineDeclarations declarations;

    public ExecutionQueries(Database db, PipelineDeclarations declarations) {
        this.db = db;
        this.declarations = declarations;
    }

    /** Everything GetPipelineState shows, read in one transaction. */
    public record PipelineState(PipelineDeclaration pipeline, int version, Instant created, Instant updated,
                                List<StageExecutionRow> latestStages, List<ActionExecutionRow> latestActions,
                                List<TransitionRow> transitions, List<PipelineExecutionRow> activeExecutions,
                                List<ActionRevisionRow> actionRevisions) {
    }

    public PipelineState pipelineState(String pipelineName, int version, Instant created, Instant updated) {
        return db.inTransaction(c -> new PipelineState(declarations.get(c, pipelineName, version), version, created, updated,
                executions.latestStageExecutions(c, pipelineName), executions.latestActionExecutions(c, pipelineName),
                transitions.transitions(c, pipelineName), executions.activeExecutions(c, pipelineName),
                actionRevisions.ofPipeline(c, pipelineName)));
    }

    public PipelineExecutionRow execution(String pipelineName, String executionId) {
        return db.read(c -> executions.findExecution(c, executionId))
                .filter(e -> e.pipelineName().equals(pipelineName))
                .orElseThrow(() -> new PipelineExecutionNotFoundException("Pipeline '" + pipelineName
                        + "' has no execution with id " + executionId, "pipelineExecutionId"));
    }

    /** The declaration of {@code pipelineName} at {@code version} (what an execution of that version runs). */
    public dev.conveyor.model.pipeline.PipelineDeclaration declaration(String pipelineName, int version) {
        return db.read(c -> declarations.get(c, pipelineName, version));
    }

    /** An execution by id alone (in-process tools). */
    public PipelineExecutionRow executionById(String executionId) {
        return db.read(c -> executions.findExecution(c, executionId)).orElseThrow(() -> new PipelineExecutionNotFoundException(
                "No execution with id " + executionId, "pipelineExecutionId"));
    }

    /** Executions newest first, below {@code beforeSequence} when given. */
    public List<PipelineExecutionRow> executions(String pipelineName, Long beforeSequence, int limit) {
        return db.read(c -> executions.listExecutions(c, pipelineName, beforeSequence, limit));
    }

    public List<StageExecutionRow> stages(String executionId) {
        return db.read(c -> executions.stages(c, executionId));
    }

    public List<ActionExecutionRow> actions(String executionId) {
        return db.read(c -> executions.actions(c, executionId));
    }

    public List<ActionExecutionRow> actionExecutions(String pipelineName, String executionId, Instant beforeStart,
                                                     String beforeId, int limit) {
        return db.read(c -> executions.listActions(c, pipelineName, executionId, beforeStart, beforeId, limit));
    }

    public ActionExecutionRow action(String actionExecutionId) {
        return db.read(c -> executions.findAction(c, actionExecutionId)).orElse(null);
    }

    /** The jobs that did the work of a rule execution that runs as a job (Commands, LambdaInvoke), oldest first. */
    public List<dev.conveyor.store.execution.JobRow> jobsOfRule(String ruleExecutionId) {
        dev.conveyor.store.execution.JobRepository jobs = new dev.conveyor.store.execution.JobRepository();
        return db.read(c -> {
            List<dev.conveyor.store.execution.JobRow> found = new java.util.ArrayList<>();
            for (String id : new dev.conveyor.engine.rules.ConditionRepository().jobsOf(c, ruleExecutionId)) {
                jobs.find(c, id).ifPresent(found::add);
            }
            return found;
        });
    }

    /** Fails with PipelineNotFoundException unless the pipeline exists. */
    public void requirePipeline(String pipelineName) {
        boolean exists = db.read(c -> executions.pipelineExists(c, pipelineName));
        if (!exists) {
            throw new PipelineNotFoundException("Pipeline '" + pipelineName + "' does not exist", "pipelineName");
        }
    }
}
