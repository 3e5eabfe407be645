package dev.conveyor.model.validation;

import dev.conveyor.model.errors.ValidationException;
import dev.conveyor.model.pipeline.PipelineDeclaration;
import java.util.List;
import java.util.Set;

/**
 * The pipeline's name, beyond the model's pattern ({@code [A-Za-z0-9.@\-_]+}): {@code .} and {@code ..} match it,
 * but the name is the first segment of the pipeline's artifact keys, and the artifact store refuses a key with a
 * {@code .} or {@code ..} segment (it could escape a directory). Such a pipeline would be created and then fail at
 * its first artifact, so it is refused at once.
 */
final class PipelineNameCheck implements PipelineCheck {
    private static final Set<String> DOT_SEGMENTS = Set.of(".", "..");

    @Override
    public void check(PipelineDeclaration pipeline, PipelineIndex index, List<Violation> out) {
        if (pipeline.name() != null && DOT_SEGMENTS.contains(pipeline.name())) {
            out.add(new Violation(ValidationException.class, PipelinePaths.pipeline("name"),
                    "Value '%s' at 'pipeline.name' failed to satisfy constraint: a pipeline name cannot be '.' or '..'."
                            .formatted(pipeline.name())));
        }
    }
}
