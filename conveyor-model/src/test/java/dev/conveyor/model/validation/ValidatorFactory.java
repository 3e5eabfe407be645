package dev.conveyor.model.validation;

import dev.conveyor.model.actiontype.BuiltInActionTypes;
import dev.conveyor.model.fixtures.PipelineBuilder;
import java.util.List;

/** Validators over the built-in action types, with the published or with tightened limits. */
final class ValidatorFactory {
    private ValidatorFactory() {
    }

    static List<Violation> validate(PipelineBuilder pipeline) {
        return new PipelineValidator(BuiltInActionTypes.instance(), PipelineLimits.defaults()).validate(pipeline.build());
    }

    static List<Violation> validate(PipelineBuilder pipeline, PipelineLimits limits) {
        return new PipelineValidator(BuiltInActionTypes.instance(), limits).validate(pipeline.build());
    }

    static List<Violation> validateInRegion(PipelineBuilder pipeline, String homeRegion) {
        return new PipelineValidator(BuiltInActionTypes.instance(), PipelineLimits.defaults(), homeRegion)
                .validate(pipeline.build());
    }

    /** The published limits with one changed, to reach a quota without building 50 of something. */
    static PipelineLimits limits(int maxActionsPerStage, int maxParallel, int maxSequential, int maxActionsPerPipeline) {
        PipelineLimits d = PipelineLimits.defaults();
        return new PipelineLimits(d.minStagesPerPipeline(), d.maxStagesPerPipeline(), maxActionsPerStage, maxParallel,
                maxSequential, maxActionsPerPipeline, d.maxPipelineVariables(), d.maxTriggers(), d.maxTagsPerResource());
    }
}
