package dev.conveyor.engine.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.StartRequest;
import dev.conveyor.engine.jobs.JobOutcome;
import dev.conveyor.model.errors.ServiceException;
import dev.conveyor.model.pipeline.ActionTypeId;
import dev.conveyor.store.execution.JobRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code Invoke/AWS/CodePipeline}: starts an execution of the pipeline named by {@code PipelineName}, with the
 * {@code Variables} ({@code [{"name", "value"}]}) and {@code SourceRevisions}
 * ({@code [{"actionName", "revisionType", "revisionValue"}]}) given as JSON strings, as CodePipeline's pipeline invoke
 * action does. The action succeeds once the execution is started (it does not wait for it), with the output variable
 * {@code PipelineExecutionId} and the execution as its external execution id. A missing pipeline, a variable it does
 * not declare, or malformed JSON fails the action (ConfigurationError) with the reason.
 */
public final class PipelineInvokeAction implements InProcessJobWorker.Handler {
    public static final ActionTypeId TYPE = new ActionTypeId("Invoke", "AWS", "CodePipeline", "1");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExecutionEngine engine;
    private final BiConsumer<String, JobOutcome> complete;
    private final String pipelineArnPrefix;

    /** @param complete how a job is completed (the worker's {@link InProcessJobWorker#complete}) */
    public PipelineInvokeAction(ExecutionEngine engine, BiConsumer<String, JobOutcome> complete, String region, String accountId) {
        this.engine = engine;
        this.complete = complete;
        this.pipelineArnPrefix = "arn:aws:codepipeline:" + region + ":" + accountId + ":";
    }

    @Override
    public void run(JobRow job) throws IOException {
        JsonNode jobData = JSON.readTree(job.dataJson()).path("jobData");
        JsonNode configuration = jobData.path("actionConfiguration").path("configuration");
        String target = configuration.path("PipelineName").asText();
        String invoker = jobData.path("pipelineContext").path("pipelineName").asText();
        List<StartRequest.NameValue> variables = new ArrayList<>();
        List<StartRequest.SourceRevisionOverride> revisions = new ArrayList<>();
        try {
            for (JsonNode v : list(configuration, "Variables")) {
                variables.add(new StartRequest.NameValue(text(v, "name", "Variables"), text(v, "value", "Variables")));
            }
            for (JsonNode r : list(configuration, "SourceRevisions")) {
                revisions.add(new StartRequest.SourceRevisionOverride(text(r, "actionName", "SourceRevisions"),
                        text(r, "revisionType", "SourceRevisions"), text(r, "revisionValue", "SourceRevisions")));
            }
        } catch (IllegalArgumentException e) {
            complete.accept(job.id(), new JobOutcome.Failure("ConfigurationError", e.getMessage(), null));
            return;
        }
        String executionId;
        try {
            executionId = engine.startExecution(new StartRequest(target, variables, null, revisions, "StartPipelineExecution",
                    pipelineArnPrefix + invoker));
        } catch (ServiceException e) {
            complete.accept(job.id(), new JobOutcome.Failure("ConfigurationError", "Cannot start pipeline '" + target + "': "
                    + e.getMessage(), null));
            return;
        }
        complete.accept(job.id(), new JobOutcome.Success("Started execution " + executionId + " of pipeline " + target, executionId,
                null, null, Map.of("PipelineExecutionId", executionId), List.of(), null, null));
    }

    /** A configuration property holding a JSON list (a string, as the console and the CLI send it); empty when absent. */
    private static List<JsonNode> list(JsonNode configuration, String property) {
        String text = configuration.path(property).asText("");
        if (text.isBlank()) {
            return List.of();
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(property + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (!parsed.isArray()) {
            throw new IllegalArgumentException(property + " must be a JSON list");
        }
        List<JsonNode> items = new ArrayList<>();
        parsed.forEach(items::add);
        return items;
    }

    private static String text(JsonNode item, String member, String property) {
        JsonNode value = item.get(member);
        if (value == null || !value.isValueNode() || value.isNull()) {
            throw new IllegalArgumentException(property + ": every item needs a string '" + member + "'");
        }
        return value.asText();
    }
}
