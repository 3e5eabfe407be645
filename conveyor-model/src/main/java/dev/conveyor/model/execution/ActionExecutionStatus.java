package dev.conveyor.model.execution;

import java.util.EnumSet;
import java.util.Set;

/** The status of one action execution, as the API names it, with its legal transitions. */
public enum ActionExecutionStatus {
    InProgress, Succeeded, Failed, Abandoned;

    private Set<ActionExecutionStatus> next;

    static {
        InProgress.next = EnumSet.of(Succeeded, Failed, Abandoned);
        Succeeded.next = EnumSet.noneOf(ActionExecutionStatus.class);
        Failed.next = EnumSet.noneOf(ActionExecutionStatus.class);
        Abandoned.next = EnumSet.noneOf(ActionExecutionStatus.class);
    }

    public boolean canMoveTo(ActionExecutionStatus target) {
        return next.contains(target);
    }
}
