package dev.conveyor.engine;

import java.util.Set;

/**
 * Told after a transaction that changed executions has committed (notifications, live console, CLI watch).
 * Called on the thread that committed; implementations must return quickly.
 */
@FunctionalInterface
public interface ExecutionListener {
    void executionsChanged(Set<String> pipelineNames, Set<String> pipelineExecutionIds);
}
