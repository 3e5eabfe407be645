package dev.conveyor.engine;

import dev.conveyor.model.execution.ActionExecutionStatus;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ExecutionRepository;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import dev.conveyor.store.execution.TransitionRepository;
import dev.conveyor.store.execution.TransitionRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Moves executions of one pipeline forward as far as their durable state allows, with CodePipeline's semantics:
 * stages in order; inside a stage, actions in runOrder groups (equal runOrder in parallel), a failure settling the
 * stage and the execution once its group has settled; and at each stage boundary, the execution mode's rule:
 * <ul>
 *   <li>SUPERSEDED: a stage holds one execution; one more may wait to enter it, and a newer arrival supersedes
 *       the older waiting one;</li>
 *   <li>QUEUED: a stage holds one execution; the others wait and enter in the order they started;</li>
 *   <li>PARALLEL: executions do not wait for each other.</li>
 * </ul>
 * Disabled transitions hold executions at the boundary in every mode. Every method runs inside the caller's
 * transaction, which holds the pipeline's row lock, and writes each move before the next one is decided.
 */
final class ExecutionAdvancer {
    /** The order of {@code ExecutionRepository.actions}: stage attempt, start, id. */
    private static final Comparator<ActionExecutionRow> STORED_ORDER = Comparator.comparingInt(ActionExecutionRow::stageAttempt)
            .thenComparing(ActionExecutionRow::startedAt).thenComparing(ActionExecutionRow::id);

    private final ExecutionRepository executions;
    private final TransitionRepository transitions;
    private final PipelineDeclarations declarations;
    private final ActionLauncher launcher;
    private final StageOutcomes outcomes;

    ExecutionAdvancer(ExecutionRepository executions, TransitionRepository transitions, PipelineDeclarations declarations,
                      ActionLauncher launcher, StageOutcomes outcomes) {
        this.executions = executions;
        this.transitions = transitions;
        this.declarations = declarations;
        this.launcher = launcher;
        this.outcomes = outcomes;
    }

    /**
     * Advances every active execution of the pipeline, oldest first, until none can move: one execution's move
     * (leaving a stage) may let another (waiting for it) move.
     */
    void advancePipeline(ExecutionTx tx, String pipelineName) throws SQLException {
        tx.inHand = null;
        for (int round = 0; round < 1000; round++) {
            boolean moved = false;
            Map<String, ExecutionInHand> read = new LinkedHashMap<>();
            for (PipelineExecutionRow execution : executions.activeExecutions(tx.connection, pipelineName)) {
                moved |= advance(tx, execution, read);
            }
            if (!moved) {
                // Nothing was written in this round: what it read is every active execution's state now.
                tx.inHand = read;
                return;
            }
        }
        throw new IllegalStateException("executions of " + pipelineName + " did not settle");
    }

    /** Advances one execution and puts the rows it read before any write in {@code read}; true when anything was written. */
    private boolean advance(ExecutionTx tx, PipelineExecutionRow execution, Map<String, ExecutionInHand> read) throws SQLException {
        if (execution.status().isSettled()) {
            return false;
        }
        PipelineDeclaration pipeline = declarations.get(tx.connection, execution.pipelineName(), execution.pipelineVersion());
        List<StageExecutionRow> stages = executions.stages(tx.connection, execution.id());
        List<ActionExecutionRow> actions = executions.actions(tx.connection, execution.id());
        boolean conditionsDeclared = StageOutcomes.declaresConditions(pipeline);
        read.put(execution.id(), new ExecutionInHand(execution, stages, actions, conditionsDeclared));
        StageExecutionRow current = stages.isEmpty() ? null : stages.getLast();

        if (execution.status() == PipelineExecutionStatus.Stopping) {
            return finishStopping(tx, execution, current, actions);
        }
        if (execution.waitingStage() != null) {
            return tryEnter(tx, execution, pipeline, execution.waitingStage(), actions);
        }
        if (current == null) {
            return tryEnter(tx, execution, pipeline, outcomes.firstStage(tx, execution, pipeline), actions);
        }
        if (current.status() == StageExecutionStatus.InProgress) {
            tx.progressing = current;
            tx.launchedOnly = null;
            boolean moved = progressStage(tx, execution, pipeline, current, actions);
            tx.progressing = null;
            if (moved && tx.launchedOnly != null) {
                // All it did was launch actions, which now run: no other execution's state changed, and another turn
                // of this one would decide the same. The rows in hand are the state after the launch; no round again.
                read.put(execution.id(), new ExecutionInHand(execution, stages, tx.launchedOnly, conditionsDeclared));
                tx.launchedOnly = null;
                return false;
            }
            return moved;
        }
        if (current.status() == StageExecutionStatus.Succeeded || current.status() == StageExecutionStatus.Skipped) {
            return leaveStage(tx, execution, pipeline, current.stageIndex(), actions);
        }
        return false;
    }

    private boolean finishStopping(ExecutionTx tx, PipelineExecutionRow execution, StageExecutionRow current,
                                   List<ActionExecutionRow> actions) throws SQLException {
        boolean running = actions.stream().anyMatch(a -> a.status() == ActionExecutionStatus.InProgress);
        if (running) {
            return false;
        }
        outcomes.stopped(tx, execution);
        if (current != null && current.status().occupiesStage()) {
            executions.update(tx.connection, current.withStatus(StageExecutionStatus.Stopped, tx.now));
        }
        String summary = execution.statusSummary() == null ? "Stopped" : execution.statusSummary();
        executions.update(tx.connection, execution.withWaitingStage(null, tx.now).withStatus(PipelineExecutionStatus.Stopped, summary, tx.now));
        tx.changed(execution.pipelineName(), execution.id());
        return true;
    }

    /** Runs the stage's next runOrder group, or settles the stage when nothing is left to run. */
    private boolean progressStage(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline,
                                  StageExecutionRow stage, List<ActionExecutionRow> actions) throws SQLException {
        StageDeclaration declaration = pipeline.stages().get(stage.stageIndex());
        StageOutcomes.Step entry = outcomes.beforeEntry(tx, execution, pipeline, stage, declaration, actions);
        if (entry == StageOutcomes.Step.SKIP) {
            skipStage(tx, execution, pipeline, stage, actions);
            return true;
        }
        if (entry != StageOutcomes.Step.PROCEED) {
            return entry == StageOutcomes.Step.WROTE;
        }
        Map<String, ActionExecutionRow> effective = effectiveActions(stage, actions);
        if (effective.values().stream().anyMatch(a -> a != null && a.status() == ActionExecutionStatus.InProgress)) {
            return false; // the running group has not settled
        }
        TreeMap<Integer, List<ActionDeclaration>> groups = new TreeMap<>();
        for (ActionDeclaration action : declaration.actionsOrEmpty()) {
            groups.computeIfAbsent(action.effectiveRunOrder(), k -> new ArrayList<>()).add(action);
        }
        for (List<ActionDeclaration> group : groups.values()) {
            List<ActionDeclaration> toRun = new ArrayList<>();
            ActionExecutionRow failed = null;
            for (ActionDeclaration action : group) {
                ActionExecutionRow row = effective.get(action.name());
                if (row == null) {
                    toRun.add(action);
                } else if (row.status() != ActionExecutionStatus.Succeeded && failed == null) {
                    failed = row;
                }
            }
            if (failed != null) {
                return switch (outcomes.onFailure(tx, execution, pipeline, stage, declaration, actions)) {
                    case PROCEED -> {
                        failStage(tx, execution, stage, failed);
                        outcomes.afterFailure(tx, execution, pipeline, stage, declaration);
                        yield true;
                    }
                    case WROTE -> true;
                    case WAIT, SKIP -> false;
                    case RETRIED -> progressStage(tx, execution, pipeline, executions.stages(tx.connection, execution.id()).stream()
                            .filter(s -> s.stageName().equals(stage.stageName())).findFirst().orElseThrow(), actions) || true;
                };
            }
            if (!toRun.isEmpty()) {
                ActionLauncher.Visible visible = ActionLauncher.visible(execution, pipeline, outcomes.visibleRows(tx, execution, actions));
                List<ActionExecutionRow> withLaunched = new ArrayList<>(actions);
                boolean allRunning = true;
                for (ActionDeclaration action : toRun) {
                    ActionExecutionRow launched = launcher.launch(tx, execution, pipeline, declaration, stage.attempt(), action, visible);
                    allRunning &= launched.status() == ActionExecutionStatus.InProgress;
                    withLaunched.add(launched);
                }
                // What the launches wrote, in the order ExecutionRepository.actions reads rows, without reading them back.
                withLaunched.sort(STORED_ORDER);
                // Actions that failed at launch (unresolvable variables) settle the group at once.
                boolean more = progressStage(tx, execution, pipeline, stage, withLaunched);
                tx.launchedOnly = !more && stage == tx.progressing && allRunning ? withLaunched : null;
                return true;
            }
        }
        StageOutcomes.Step success = outcomes.onSuccess(tx, execution, pipeline, stage, declaration, actions);
        if (success != StageOutcomes.Step.PROCEED) {
            return success != StageOutcomes.Step.WAIT;
        }
        executions.update(tx.connection, stage.withStatus(StageExecutionStatus.Succeeded, tx.now));
        tx.changed(execution.pipelineName(), execution.id());
        leaveStage(tx, execution, pipeline, stage.stageIndex(), actions);
        return true;
    }

    /** Marks the stage Skipped (a SKIP entry condition) and moves on as after a success. */
    void skipStage(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, StageExecutionRow stage,
                   List<ActionExecutionRow> actions) throws SQLException {
        executions.update(tx.connection, stage.withStatus(StageExecutionStatus.Skipped, tx.now));
        tx.changed(execution.pipelineName(), execution.id());
        leaveStage(tx, execution, pipeline, stage.stageIndex(), actions);
    }

    /**
     * The action executions that count for the stage's current attempt: those of this attempt, and after a
     * FAILED_ACTIONS retry also the earlier successful ones (they are not run again).
     */
    static Map<String, ActionExecutionRow> effectiveActions(StageExecutionRow stage, List<ActionExecutionRow> actions) {
        Map<String, ActionExecutionRow> effective = new HashMap<>();
        boolean keepEarlierSuccesses = "FAILED_ACTIONS".equals(stage.retryMode());
        for (ActionExecutionRow row : actions) { // oldest first, so later rows replace earlier ones
            if (!row.stageName().equals(stage.stageName())) {
                continue;
            }
            if (row.stageAttempt() == stage.attempt()) {
                effective.put(row.actionName(), row);
            } else if (keepEarlierSuccesses && row.status() == ActionExecutionStatus.Succeeded) {
                effective.putIfAbsent(row.actionName(), row);
            }
        }
        return effective;
    }

    private void failStage(ExecutionTx tx, PipelineExecutionRow execution, StageExecutionRow stage, ActionExecutionRow failed)
            throws SQLException {
        executions.update(tx.connection, stage.withStatus(StageExecutionStatus.Failed, tx.now));
        String reason = failed.errorMessage() == null ? failed.status().name() : failed.errorMessage();
        String summary = "Action '" + failed.actionName() + "' in stage '" + stage.stageName() + "' "
                + (failed.status() == ActionExecutionStatus.Abandoned ? "was abandoned" : "failed") + ": " + reason;
        executions.update(tx.connection, execution.withStatus(PipelineExecutionStatus.Failed, truncate(summary, 2000), tx.now));
        tx.changed(execution.pipelineName(), execution.id());
    }

    private boolean leaveStage(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, int stageIndex,
                               List<ActionExecutionRow> actions) throws SQLException {
        if (stageIndex + 1 >= pipeline.stages().size() || outcomes.endsAfter(tx, execution, pipeline, stageIndex)) {
            executions.update(tx.connection, execution.withWaitingStage(null, tx.now)
                    .withStatus(PipelineExecutionStatus.Succeeded, "Succeeded", tx.now));
            tx.changed(execution.pipelineName(), execution.id());
            return true;
        }
        return tryEnter(tx, execution, pipeline, stageIndex + 1, actions);
    }

    /** Enters stage {@code index}, or waits at its boundary as the execution mode and transitions require. */
    private boolean tryEnter(ExecutionTx tx, PipelineExecutionRow execution, PipelineDeclaration pipeline, int index,
                             List<ActionExecutionRow> actions) throws SQLException {
        StageDeclaration stage = pipeline.stages().get(index);
        String mode = execution.executionMode();
        boolean blocked = transitionDisabled(tx, pipeline, index);
        if (!blocked && !"PARALLEL".equals(mode)) {
            blocked = executions.stageOccupiedByOther(tx.connection, execution.pipelineName(), stage.name(), execution.id());
        }
        List<PipelineExecutionRow> waitingHere = new ArrayList<>();
        for (PipelineExecutionRow other : executions.activeExecutions(tx.connection, execution.pipelineName())) {
            if (!other.id().equals(execution.id()) && Integer.valueOf(index).equals(other.waitingStage())
                    && other.status() == PipelineExecutionStatus.InProgress) {
                waitingHere.add(other);
            }
        }
        if (!blocked && "QUEUED".equals(mode)) {
            // First come, first served: an older execution waiting for this stage goes first.
            blocked = waitingHere.stream().anyMatch(o -> o.sequence() < execution.sequence());
        }
        if (blocked) {
            if ("SUPERSEDED".equals(mode)) {
                for (PipelineExecutionRow other : waitingHere) {
                    PipelineExecutionRow older = other.sequence() < execution.sequence() ? other : execution;
                    PipelineExecutionRow newer = older == other ? execution : other;
                    supersede(tx, older, newer);
                    if (older == execution) {
                        return true;
                    }
                }
            }
            if (!Integer.valueOf(index).equals(execution.waitingStage())) {
                executions.update(tx.connection, execution.withWaitingStage(index, tx.now));
                tx.changed(execution.pipelineName(), execution.id());
                return true;
            }
            return false;
        }
        PipelineExecutionRow entering = execution.waitingStage() == null ? execution : execution.withWaitingStage(null, tx.now);
        if (entering != execution) {
            executions.update(tx.connection, entering);
        }
        StageExecutionRow row = new StageExecutionRow(execution.id(), stage.name(), index, execution.pipelineName(), 1,
                StageExecutionStatus.InProgress, null, tx.now, tx.now);
        executions.insert(tx.connection, row);
        tx.changed(execution.pipelineName(), execution.id());
        progressStage(tx, entering, pipeline, row, actions);
        return true;
    }

    private void supersede(ExecutionTx tx, PipelineExecutionRow older, PipelineExecutionRow newer) throws SQLException {
        executions.update(tx.connection, older.withWaitingStage(null, tx.now).withStatus(PipelineExecutionStatus.Superseded,
                "Superseded by execution " + newer.id(), tx.now));
        tx.changed(older.pipelineName(), older.id());
    }

    private boolean transitionDisabled(ExecutionTx tx, PipelineDeclaration pipeline, int index) throws SQLException {
        String entering = pipeline.stages().get(index).name();
        String leaving = index == 0 ? null : pipeline.stages().get(index - 1).name();
        for (TransitionRow t : transitions.transitions(tx.connection, pipeline.name())) {
            if (t.enabled()) {
                continue;
            }
            if ("Inbound".equals(t.transitionType()) && t.stageName().equals(entering)) {
                return true;
            }
            if ("Outbound".equals(t.transitionType()) && t.stageName().equals(leaving)) {
                return true;
            }
        }
        return false;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
