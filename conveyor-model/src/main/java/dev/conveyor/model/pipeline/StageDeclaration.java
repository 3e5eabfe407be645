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

    /** This stage with {@link ActionDeclaration#withDefaults()} applied to each of its actions. */
    public StageDeclaration withActionDefaults() {
        List<ActionDeclaration> filled = actions == null ? null
                : actions.stream().map(a -> a == null ? null : a.withDefaults()).toList();
        return new StageDeclaration(name, blockers, filled, onFailure, onSuccess, beforeEntry);
    }
}
