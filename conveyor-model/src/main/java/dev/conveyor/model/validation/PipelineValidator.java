package dev.conveyor.model.validation;

import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks a pipeline declaration against CodePipeline's cross-member rules: structure, artifact flow, action types,
 * V2-only features, variables and namespaces, triggers, stage conditions and artifact stores. It runs after
 * ShapeValidator has accepted every member on its own, so members are well-typed and within the model's
 * constraints, but optional members may be null.
 *
 * <p>{@link #validate} returns every violation, in a stable order (check by check, then in declaration order),
 * with paths such as {@code pipeline.stages[1].actions[0].inputArtifacts[0].name}; {@link Violations#throwIfAny}
 * turns them into the API's answer.
 */
public final class PipelineValidator {
    private final List<PipelineCheck> checks;

    /** A validator that does not know the server's region; see {@link #PipelineValidator(ActionTypeRegistry, PipelineLimits, String)}. */
    public PipelineValidator(ActionTypeRegistry registry, PipelineLimits limits) {
        this(registry, limits, null);
    }

    /**
     * @param homeRegion the region the pipeline lives in (the server's), or null when unknown. Knowing it lets an
     *     action name its own region under a single artifactStore, and lets the validator refuse cross-region
     *     source, third-party and custom actions.
     */
    public PipelineValidator(ActionTypeRegistry registry, PipelineLimits limits, String homeRegion) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(limits, "limits");
        this.checks = List.of(
                new PipelineNameCheck(),
                new StructureCheck(limits),
                new ArtifactStoreCheck(homeRegion),
                new ActionTypeCheck(registry),
                new ArtifactFlowCheck(),
                new PipelineTypeCheck(registry),
                new PipelineVariableCheck(limits),
                new NamespaceCheck(),
                new VariableReferenceCheck(),
                new TriggerCheck(limits),
                new StageConditionCheck());
    }

    /** Every violation in {@code pipeline}; an empty list when it is valid. */
    public List<Violation> validate(PipelineDeclaration pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        PipelineIndex index = new PipelineIndex(pipeline);
        List<Violation> out = new ArrayList<>();
        for (PipelineCheck check : checks) {
            check.check(pipeline, index, out);
        }
        return List.copyOf(out);
    }
}
