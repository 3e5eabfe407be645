package dev.conveyor.artifacts;

import java.util.Set;

/**
 * Which executions' artifacts retention must never remove: those still running and the latest successful one
 * of each pipeline. The engine implements this; retention asks it once per pipeline per run.
 */
@FunctionalInterface
public interface RetentionGuard {
    /** The ids of the pipeline's executions that are in progress (or stopping) or are its latest success. */
    Set<String> protectedExecutions(String pipelineName);
}
