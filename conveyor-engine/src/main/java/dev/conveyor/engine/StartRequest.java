package dev.conveyor.engine;

import java.util.List;

/**
 * What starts an execution.
 *
 * @param variables          overrides of pipeline variables (name, value)
 * @param sourceRevisions    source revision overrides (actionName, revisionType, revisionValue)
 * @param triggerType        the model's TriggerType, e.g. StartPipelineExecution, Webhook, CreatePipeline
 * @param triggerDetail      who or what triggered it (caller ARN, commit, webhook)
 */
public record StartRequest(String pipelineName, List<NameValue> variables, String clientRequestToken,
                           List<SourceRevisionOverride> sourceRevisions, String triggerType, String triggerDetail) {

    public record NameValue(String name, String value) {
    }

    public record SourceRevisionOverride(String actionName, String revisionType, String revisionValue) {
    }

    public static StartRequest manual(String pipelineName) {
        return new StartRequest(pipelineName, List.of(), null, List.of(), "StartPipelineExecution", null);
    }

    /** The execution CodePipeline starts when a pipeline is created, with its variables' defaults. */
    public static StartRequest createPipeline(String pipelineName, String creatorArn) {
        return new StartRequest(pipelineName, List.of(), null, List.of(), "CreatePipeline", creatorArn);
    }
}
