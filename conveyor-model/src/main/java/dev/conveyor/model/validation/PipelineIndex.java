package dev.conveyor.model.validation;

import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline's actions in declaration order, each with its location, walked once and shared by the checks.
 * Null list elements (a JSON {@code null} inside an array) are skipped; their indices stay reserved so paths match
 * the request.
 */
final class PipelineIndex {
    private final List<LocatedAction> actions;

    PipelineIndex(PipelineDeclaration pipeline) {
        List<LocatedAction> all = new ArrayList<>();
        List<StageDeclaration> stages = pipeline.stagesOrEmpty();
        for (int s = 0; s < stages.size(); s++) {
            StageDeclaration stage = stages.get(s);
            if (stage == null) {
                continue;
            }
            List<ActionDeclaration> declared = stage.actionsOrEmpty();
            for (int a = 0; a < declared.size(); a++) {
                if (declared.get(a) != null) {
                    all.add(new LocatedAction(s, a, stage.name(), declared.get(a)));
                }
            }
        }
        this.actions = List.copyOf(all);
    }

    List<LocatedAction> actions() {
        return actions;
    }

    List<LocatedAction> actionsInStage(int stageIndex) {
        return actions.stream().filter(a -> a.stageIndex() == stageIndex).toList();
    }

    /** The first action (in declaration order) that declares {@code namespace}. */
    Optional<LocatedAction> declaringNamespace(String namespace) {
        return actions.stream().filter(a -> namespace.equals(a.declaration().namespace())).findFirst();
    }
}
