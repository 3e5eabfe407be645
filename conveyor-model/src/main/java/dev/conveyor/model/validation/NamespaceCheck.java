package dev.conveyor.model.validation;

import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.pipeline.OutputArtifact;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Action namespaces, which name the variables an action produces. The variables reference says namespaces "must be
 * unique across the pipeline definition and cannot conflict with any artifact names"; both relate an action to the
 * rest of the pipeline ({@code InvalidStructureException}). The reserved namespaces {@code codepipeline} and
 * {@code variables} are wrong for one action on its own ({@code InvalidActionDeclarationException}).
 */
final class NamespaceCheck implements PipelineCheck {
    static final Set<String> RESERVED = Set.of(VariableReference.CODEPIPELINE, VariableReference.PIPELINE_VARIABLES);

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        Set<String> artifactNames = new HashSet<>();
        for (LocatedAction action : index.actions()) {
            for (OutputArtifact output : action.declaration().outputArtifactsOrEmpty()) {
                if (output != null && output.name() != null) {
                    artifactNames.add(output.name());
                }
            }
        }
        Map<String, LocatedAction> owners = new HashMap<>();
        for (LocatedAction action : index.actions()) {
            String namespace = action.declaration().namespace();
            if (namespace == null) {
                continue;
            }
            String path = action.path("namespace");
            if (RESERVED.contains(namespace)) {
                out.add(new Violation(InvalidActionDeclarationException.class, path,
                        "Namespace '%s' of action '%s' is reserved by CodePipeline.".formatted(namespace, action.name())));
                continue;
            }
            LocatedAction earlier = owners.putIfAbsent(namespace, action);
            if (earlier != null) {
                out.add(new Violation(InvalidStructureException.class, path,
                        "Namespaces must be unique within a pipeline; '%s' is already declared by action '%s'."
                                .formatted(namespace, earlier.name())));
            }
            if (artifactNames.contains(namespace)) {
                out.add(new Violation(InvalidStructureException.class, path,
                        "Namespace '%s' of action '%s' has the name of an artifact; namespaces and artifact names must differ."
                                .formatted(namespace, action.name())));
            }
        }
    }
}
