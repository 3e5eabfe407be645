package dev.conveyor.model.execution;

import java.util.EnumSet;
import java.util.Set;

/**
 * The status of a pipeline execution, as the API names it, with the transitions the engine may make from each.
 * The table here is the only place that says which moves are legal.
 */
public enum PipelineExecutionStatus {
    InProgress, Stopping, Stopped, Succeeded, Superseded, Failed, Cancelled;

    private Set<PipelineExecutionStatus> next;

    static {
        InProgress.next = EnumSet.of(Stopping, Stopped, Succeeded, Superseded, Failed, Cancelled);
        Stopping.next = EnumSet.of(Stopped);
        // A failed or stopped execution comes back when one of its stages is retried.
        Failed.next = EnumSet.of(InProgress);
        Stopped.next = EnumSet.of(InProgress);
        Succeeded.next = EnumSet.noneOf(PipelineExecutionStatus.class);
        Superseded.next = EnumSet.noneOf(PipelineExecutionStatus.class);
        Cancelled.next = EnumSet.noneOf(PipelineExecutionStatus.class);
    }

    public boolean canMoveTo(PipelineExecutionStatus target) {
        return next.contains(target);
    }

    /** True when nothing more will happen unless a stage is retried. */
    public boolean isSettled() {
        return this != InProgress && this != Stopping;
    }
}
