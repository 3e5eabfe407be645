package dev.conveyor.model.execution;

import java.util.EnumSet;
import java.util.Set;

/** The status of a stage within one execution, as the API names it, with its legal transitions. */
public enum StageExecutionStatus {
    InProgress, Stopping, Stopped, Succeeded, Failed, Cancelled, Skipped;

    private Set<StageExecutionStatus> next;

    static {
        InProgress.next = EnumSet.of(Stopping, Stopped, Succeeded, Failed, Cancelled, Skipped);
        Stopping.next = EnumSet.of(Stopped);
        Failed.next = EnumSet.of(InProgress);
        Stopped.next = EnumSet.of(InProgress);
        Succeeded.next = EnumSet.noneOf(StageExecutionStatus.class);
        Cancelled.next = EnumSet.noneOf(StageExecutionStatus.class);
        Skipped.next = EnumSet.noneOf(StageExecutionStatus.class);
    }

    public boolean canMoveTo(StageExecutionStatus target) {
        return next.contains(target);
    }

    /** True while the stage holds its lock (other executions must wait to enter it). */
    public boolean occupiesStage() {
        return this == InProgress || this == Stopping;
    }
}
