package dev.conveyor.model.validation;

import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.ActionTypeId;

/** An action together with where it sits in the pipeline, so every check can name its path and its run position. */
record LocatedAction(int stageIndex, int actionIndex, String stageName, ActionDeclaration declaration) {

    String path() {
        return PipelinePaths.action(stageIndex, actionIndex);
    }

    String path(String member) {
        return PipelinePaths.action(stageIndex, actionIndex, member);
    }

    String name() {
        return declaration.name();
    }

    int runOrder() {
        return declaration.effectiveRunOrder();
    }

    /** Null only when the declaration omits the (required) member, which ShapeValidator reports first. */
    ActionTypeId typeId() {
        return declaration.actionTypeId();
    }

    boolean isSource() {
        return typeId() != null && "Source".equals(typeId().category());
    }

    /**
     * Whether this action is guaranteed to finish before {@code other} starts: it is in an earlier stage, or in the
     * same stage with a lower runOrder. Actions sharing a runOrder run in parallel, so neither runs before the other.
     */
    boolean runsBefore(LocatedAction other) {
        return stageIndex < other.stageIndex
                || (stageIndex == other.stageIndex && runOrder() < other.runOrder());
    }
}
