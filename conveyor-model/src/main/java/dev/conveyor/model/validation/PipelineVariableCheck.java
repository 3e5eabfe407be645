package dev.conveyor.model.validation;

import dev.conveyor.model.errors.LimitExceededException;
import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import dev.conveyor.model.pipeline.PipelineVariableDeclaration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pipeline-level variable declarations: unique names and the quota. A duplicate name is an invalid value of the
 * pipeline's own members, not of a stage or action, so it is a {@code ValidationException}.
 */
final class PipelineVariableCheck implements PipelineCheck {
    private final PipelineLimits limits;

    PipelineVariableCheck(PipelineLimits limits) {
        this.limits = limits;
    }

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        List<PipelineVariableDeclaration> variables = pipeline.variablesOrEmpty();
        if (variables.size() > limits.maxPipelineVariables()) {
            out.add(new Violation(LimitExceededException.class, PipelinePaths.pipeline("variables"),
                    "A pipeline can declare at most %d variables; this one declares %d."
                            .formatted(limits.maxPipelineVariables(), variables.size())));
        }
        Set<String> names = new HashSet<>();
        for (int v = 0; v < variables.size(); v++) {
            PipelineVariableDeclaration variable = variables.get(v);
            if (variable != null && variable.name() != null && !names.add(variable.name())) {
                out.add(new Violation(ValidationException.class, PipelinePaths.pipeline("variables[" + v + "].name"),
                        "Pipeline variable names must be unique; '%s' is declared more than once."
                                .formatted(variable.name())));
            }
        }
    }
}
