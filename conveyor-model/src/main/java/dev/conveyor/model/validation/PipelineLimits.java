package dev.conveyor.model.validation;

/**
 * The structural quotas a pipeline declaration must respect. {@link #defaults()} are CodePipeline's published
 * values: the fixed quotas of "Quotas in AWS CodePipeline" (stages 2 to 50, 1 to 50 actions per stage, at most 50
 * parallel and 50 sequential actions per stage, at most 500 actions per pipeline, 50 tags per resource) and the
 * service model's list limits for pipeline variables and triggers (50 each). They are a record so an operator can
 * raise them, as AWS raises quotas on request.
 *
 * @param maxParallelActionsPerRunOrder actions sharing one runOrder value in a stage
 * @param maxSequentialActionsPerStage distinct runOrder values in a stage, i.e. actions that run one after another
 */
public record PipelineLimits(
        int minStagesPerPipeline,
        int maxStagesPerPipeline,
        int maxActionsPerStage,
        int maxParallelActionsPerRunOrder,
        int maxSequentialActionsPerStage,
        int maxActionsPerPipeline,
        int maxPipelineVariables,
        int maxTriggers,
        int maxTagsPerResource) {

    public static PipelineLimits defaults() {
        return new PipelineLimits(2, 50, 50, 50, 50, 500, 50, 50, 50);
    }
}
