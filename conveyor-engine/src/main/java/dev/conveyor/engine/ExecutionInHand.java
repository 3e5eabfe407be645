package dev.conveyor.engine;

import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import java.util.List;

/**
 * An active execution's rows as the engine's transaction last read them, when nothing has written them since: the
 * advancer's last round, which read every active execution of the pipeline and found nothing to move. A recorder
 * that compares an execution's state with what it recorded before takes these instead of reading them again.
 *
 * @param stages in stage order, as {@code ExecutionRepository.stages} returns them
 * @param actions as {@code ExecutionRepository.actions} returns them
 * @param conditionsDeclared whether the version the execution runs declares any stage condition: only then can it
 *                           have condition executions (a recorder that knows it has none need not read them)
 */
public record ExecutionInHand(PipelineExecutionRow execution, List<StageExecutionRow> stages, List<ActionExecutionRow> actions,
                              boolean conditionsDeclared) {
    public ExecutionInHand {
        stages = List.copyOf(stages);
        actions = List.copyOf(actions);
    }
}
