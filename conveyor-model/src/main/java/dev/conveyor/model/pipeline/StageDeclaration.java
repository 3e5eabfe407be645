package dev.conveyor.model.pipeline;

import java.util.List;

/** A stage: actions in runOrder groups, optional blockers and V2 stage conditions. */
public record StageDeclaration(
        String name,
        List<BlockerDeclaration> blockers,
        List<ActionDeclaration> actions,
        FailureConditions onFailure,
        SuccessConditions onSuccess,
        BeforeEntryConditions beforeEntry) {

    public List<ActionDeclaration> actionsOrEmpty() {
        return actions == null ? List.of() : actions;
    }
}
