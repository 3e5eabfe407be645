package dev.conveyor.model.validation;

import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import java.util.List;
import java.util.Set;

/**
 * Features that exist only in V2 pipelines (pipeline-level variables, triggers, the QUEUED and PARALLEL execution
 * modes, stage conditions and rollback/retry, and the providers AWS documents as V2 only) are refused when
 * pipelineType is absent or V1. The member is well-formed but not allowed in this context, which is what
 * {@code ValidationException} means, so that is the error type.
 */
final class PipelineTypeCheck implements PipelineCheck {
    static final String V2 = "V2";
    private static final Set<String> V2_EXECUTION_MODES = Set.of("QUEUED", "PARALLEL");

    private final ActionTypeRegistry registry;

    PipelineTypeCheck(ActionTypeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        if (V2.equals(pipeline.effectivePipelineType())) {
            return;
        }
        if (!pipeline.variablesOrEmpty().isEmpty()) {
            out.add(v2Only(PipelinePaths.pipeline("variables"), "Pipeline-level variables are"));
        }
        if (!pipeline.triggersOrEmpty().isEmpty()) {
            out.add(v2Only(PipelinePaths.pipeline("triggers"), "Triggers are"));
        }
        if (pipeline.executionMode() != null && V2_EXECUTION_MODES.contains(pipeline.executionMode())) {
            out.add(v2Only(PipelinePaths.pipeline("executionMode"),
                    "Execution mode " + pipeline.executionMode() + " is"));
        }
        List<StageDeclaration> stages = pipeline.stagesOrEmpty();
        for (int s = 0; s < stages.size(); s++) {
            StageDeclaration stage = stages.get(s);
            if (stage == null) {
                continue;
            }
            if (stage.beforeEntry() != null) {
                out.add(v2Only(PipelinePaths.stage(s, "beforeEntry"), "Stage beforeEntry conditions are"));
            }
            if (stage.onSuccess() != null) {
                out.add(v2Only(PipelinePaths.stage(s, "onSuccess"), "Stage onSuccess conditions are"));
            }
            if (stage.onFailure() != null) {
                out.add(v2Only(PipelinePaths.stage(s, "onFailure"), "Stage onFailure handling (rollback, retry, conditions) is"));
            }
        }
        for (LocatedAction action : index.actions()) {
            if (action.typeId() != null
                    && registry.find(action.typeId()).map(ActionTypeDefinition::requiresV2Pipeline).orElse(false)) {
                out.add(v2Only(action.path("actionTypeId"), "ActionType " + action.typeId() + " is"));
            }
        }
    }

    private static Violation v2Only(String path, String subject) {
        return new Violation(ValidationException.class, path,
                subject + " available only in V2 pipelines; set pipelineType to \"V2\".");
    }
}
