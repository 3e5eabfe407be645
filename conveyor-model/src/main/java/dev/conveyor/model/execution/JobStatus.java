package dev.conveyor.model.execution;

import java.util.EnumSet;
import java.util.Set;

/**
 * The status of a job (an action execution handed to a worker), as the job protocol names it. Queued jobs wait
 * for a poll; Dispatched ones were handed to a worker that has not acknowledged yet; InProgress ones were
 * acknowledged. A dispatched or running job whose worker vanished goes back to Queued.
 */
public enum JobStatus {
    Created, Queued, Dispatched, InProgress, TimedOut, Succeeded, Failed;

    private Set<JobStatus> next;

    static {
        Created.next = EnumSet.of(Queued);
        Queued.next = EnumSet.of(Dispatched, TimedOut, Failed);
        Dispatched.next = EnumSet.of(InProgress, Queued, TimedOut, Succeeded, Failed);
        InProgress.next = EnumSet.of(Queued, TimedOut, Succeeded, Failed);
        TimedOut.next = EnumSet.noneOf(JobStatus.class);
        Succeeded.next = EnumSet.noneOf(JobStatus.class);
        Failed.next = EnumSet.noneOf(JobStatus.class);
    }

    public boolean canMoveTo(JobStatus target) {
        return next.contains(target);
    }

    public boolean isFinished() {
        return this == TimedOut || this == Succeeded || this == Failed;
    }
}
