package dev.conveyor.model.validation;

import dev.conveyor.model.errors.InvalidActionDeclarationException;
import dev.conveyor.model.errors.InvalidStructureException;
import dev.conveyor.model.pipeline.InputArtifact;
import dev.conveyor.model.pipeline.OutputArtifact;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Artifacts flow forward: every output name is unique in the pipeline, and every input is the output of an action
 * that finishes before the consumer starts (an earlier stage, or the same stage with a lower runOrder).
 *
 * <p>Error types: both rules relate two actions, so they are about the pipeline's structure
 * ({@code InvalidStructureException}). Listing the same input twice is wrong within a single action, whatever the
 * rest of the pipeline says, so it is an {@code InvalidActionDeclarationException}.
 */
final class ArtifactFlowCheck implements PipelineCheck {

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        Map<String, LocatedAction> producers = new HashMap<>();
        for (LocatedAction action : index.actions()) {
            List<OutputArtifact> outputs = action.declaration().outputArtifactsOrEmpty();
            for (int k = 0; k < outputs.size(); k++) {
                String name = outputs.get(k) == null ? null : outputs.get(k).name();
                if (name == null) {
                    continue;
                }
                LocatedAction earlier = producers.putIfAbsent(name, action);
                if (earlier != null) {
                    out.add(new Violation(InvalidStructureException.class, action.path("outputArtifacts[" + k + "].name"),
                            "Output artifact names must be unique within a pipeline; '%s' is already produced by action '%s'."
                                    .formatted(name, earlier.name())));
                }
            }
        }
        for (LocatedAction action : index.actions()) {
            checkInputs(action, producers, out);
        }
    }

    private static void checkInputs(LocatedAction action, Map<String, LocatedAction> producers, List<Violation> out) {
        List<InputArtifact> inputs = action.declaration().inputArtifactsOrEmpty();
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < inputs.size(); k++) {
            String name = inputs.get(k) == null ? null : inputs.get(k).name();
            if (name == null) {
                continue;
            }
            String path = action.path("inputArtifacts[" + k + "].name");
            if (!seen.add(name)) {
                out.add(new Violation(InvalidActionDeclarationException.class, path,
                        "Action '%s' lists input artifact '%s' more than once.".formatted(action.name(), name)));
                continue;
            }
            LocatedAction producer = producers.get(name);
            if (producer == null) {
                out.add(new Violation(InvalidStructureException.class, path,
                        "Input artifact '%s' of action '%s' is not the output artifact of any action in the pipeline."
                                .formatted(name, action.name())));
            } else if (!producer.runsBefore(action)) {
                out.add(new Violation(InvalidStructureException.class, path,
                        ("Input artifact '%s' of action '%s' is produced by action '%s' (stage '%s', runOrder %d), "
                                + "which does not run before it; an input must come from an earlier stage or a lower "
                                + "runOrder in the same stage.")
                                .formatted(name, action.name(), producer.name(), producer.stageName(),
                                        producer.runOrder())));
            }
        }
    }
}
