package dev.conveyor.events.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.events.EventEnvelope;
import dev.conveyor.events.Json;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import java.time.Instant;
import java.util.UUID;

/**
 * CodePipeline's events as EventBridge delivers them: the envelope ({@code version}, {@code id}, {@code detail-type},
 * {@code source} {@code aws.codepipeline}, {@code account}, {@code time}, {@code region}, {@code resources}) and the
 * {@code detail} fields of CodePipeline's three detail types, named as the CodePipeline user guide's "Monitoring
 * CodePipeline events" documents them. Absent values are left out rather than sent as null.
 */
public final class CodePipelineEvents {
    public static final String SOURCE = "aws.codepipeline";
    public static final String PIPELINE_STATE_CHANGE = "CodePipeline Pipeline Execution State Change";
    public static final String STAGE_STATE_CHANGE = "CodePipeline Stage Execution State Change";
    public static final String ACTION_STATE_CHANGE = "CodePipeline Action Execution State Change";
    /** Conveyor's extension (AWS publishes no condition events): a stage condition started or settled. */
    public static final String CONDITION_STATE_CHANGE = "CodePipeline Stage Condition State Change";
    /** Conveyor's extension (AWS publishes no rule events): a rule of a stage condition started or settled. */
    public static final String RULE_STATE_CHANGE = "CodePipeline Rule Execution State Change";

    private final String region;
    private final String accountId;
    private final EventEnvelope envelope;

    public CodePipelineEvents(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
        this.envelope = new EventEnvelope(region, accountId);
    }

    public String pipelineArn(String pipelineName) {
        return "arn:aws:codepipeline:" + region + ":" + accountId + ":" + pipelineName;
    }

    /** The envelope around {@code detail}; {@code id} is the event's de-duplication id. */
    public ObjectNode envelope(String id, String detailType, String pipelineName, Instant time, ObjectNode detail) {
        return envelope.around(detail, id, SOURCE, detailType, time, java.util.List.of(pipelineArn(pipelineName)));
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Pipeline Execution State Change: STARTED, RESUMED, STOPPING, STOPPED, SUCCEEDED, FAILED, SUPERSEDED, CANCELED. */
    public ObjectNode pipelineDetail(PipelineExecutionRow execution, String state, int attempt) {
        return pipelineDetail(execution, state, attempt, null);
    }

    /**
     * As {@link #pipelineDetail(PipelineExecutionRow, String, int)}; a ROLLBACK execution's events also carry
     * {@code execution-type} and {@code rollback-metadata} (the API's executionType and rollbackMetadata, named as
     * the event's other fields are), with the execution it rolls back to.
     */
    public ObjectNode pipelineDetail(PipelineExecutionRow execution, String state, int attempt, String rollbackTargetExecutionId) {
        ObjectNode detail = common(execution, attempt);
        if ("STARTED".equals(state)) {
            ObjectNode trigger = detail.putObject("execution-trigger");
            putIfPresent(trigger, "trigger-type", execution.triggerType());
            putIfPresent(trigger, "trigger-detail", execution.triggerDetail());
        }
        if ("ROLLBACK".equals(execution.executionType())) {
            detail.put("execution-type", "ROLLBACK");
            if (rollbackTargetExecutionId != null) {
                detail.putObject("rollback-metadata").put("rollback-target-pipeline-execution-id", rollbackTargetExecutionId);
            }
        }
        detail.put("state", state);
        return reorder(detail);
    }

    /** Stage Execution State Change: STARTED, RESUMED, STOPPING, STOPPED, SUCCEEDED, FAILED, CANCELED. */
    public ObjectNode stageDetail(PipelineExecutionRow execution, String stage, String state, int attempt) {
        return stageDetail(execution, stage, state, attempt, null);
    }

    /**
     * As {@link #stageDetail(PipelineExecutionRow, String, String, int)}; a RESUMED stage that was retried also carries
     * {@code retry-metadata} (GetPipelineState's retryStageMetadata: {@code auto-stage-retry-attempt},
     * {@code manual-stage-retry-attempt}, {@code latest-retry-trigger} AutomatedStageRetry or ManualStageRetry).
     */
    public ObjectNode stageDetail(PipelineExecutionRow execution, String stage, String state, int attempt, ConditionRepository.StageRetry retry) {
        ObjectNode detail = common(execution, attempt);
        detail.put("stage", stage);
        detail.put("state", state);
        if (retry != null) {
            detail.putObject("retry-metadata").put("auto-stage-retry-attempt", retry.autoAttempts())
                    .put("manual-stage-retry-attempt", retry.manualAttempts()).put("latest-retry-trigger", retry.latestTrigger());
        }
        return reorder(detail);
    }

    /**
     * Stage Condition State Change (Conveyor's): STARTED, SUCCEEDED, FAILED, ERRORED, OVERRIDDEN, CANCELED,
     * ABANDONED. {@code condition-type} is the API's ConditionType (BEFORE_ENTRY, ON_SUCCESS, ON_FAILURE),
     * {@code condition-index} the condition's place in the stage's list, {@code result} what the declaration says
     * happens when it is not met (FAIL, SKIP, ROLLBACK, RETRY), {@code summary} why it settled.
     */
    public ObjectNode conditionDetail(PipelineExecutionRow execution, ConditionExecutionRow condition, String state, int attempt) {
        ObjectNode detail = common(execution, attempt);
        detail.put("stage", condition.stageName());
        detail.put("condition-type", condition.conditionType());
        detail.put("condition-index", condition.conditionIndex());
        detail.put("state", state);
        putIfPresent(detail, "result", condition.result());
        if (!"STARTED".equals(state)) {
            putIfPresent(detail, "summary", condition.summary());
        }
        return reorder(detail);
    }

    /**
     * Rule Execution State Change (Conveyor's): STARTED, SUCCEEDED, FAILED, ABANDONED; shaped as the action event is
     * ({@code type} is the rule's RuleTypeId, {@code execution-result} once settled).
     */
    public ObjectNode ruleDetail(PipelineExecutionRow execution, String conditionType, RuleExecutionRow rule, String state, int attempt) {
        ObjectNode detail = common(execution, attempt);
        detail.put("stage", rule.stageName());
        detail.put("condition-type", conditionType);
        detail.put("rule", rule.ruleName());
        detail.put("state", state);
        JsonNode input = Json.read(rule.inputJson());
        detail.put("region", input.path("region").asText(region));
        JsonNode type = input.path("ruleTypeId");
        ObjectNode t = detail.putObject("type");
        t.put("owner", type.path("owner").asText("AWS"));
        t.put("provider", type.path("provider").asText(rule.provider()));
        t.put("category", type.path("category").asText("Rule"));
        t.put("version", type.path("version").asText("1"));
        if (!"STARTED".equals(state)) {
            ObjectNode result = Json.object();
            JsonNode er = rule.outputJson() == null ? Json.object() : Json.read(rule.outputJson()).path("executionResult");
            putIfPresent(result, "external-execution-url", text(er, "externalExecutionUrl", rule.externalExecutionUrl()));
            result.put("external-execution-state", switch (state) {
                case "SUCCEEDED" -> "Succeeded";
                case "ABANDONED" -> "Abandoned";
                default -> "Failed";
            });
            putIfPresent(result, "external-execution-summary", text(er, "externalExecutionSummary", rule.summary()));
            putIfPresent(result, "external-execution-id", text(er, "externalExecutionId", rule.externalExecutionId()));
            if (!"SUCCEEDED".equals(state)) {
                putIfPresent(result, "error-code", rule.errorCode());
            }
            detail.set("execution-result", result);
        }
        return reorder(detail);
    }

    /** Action Execution State Change: STARTED, SUCCEEDED, FAILED, ABANDONED, CANCELED. */
    public ObjectNode actionDetail(PipelineExecutionRow execution, ActionExecutionRow action, String state, int attempt) {
        ObjectNode detail = common(execution, attempt);
        detail.put("stage", action.stageName());
        detail.put("action", action.actionName());
        detail.put("state", state);
        JsonNode input = Json.read(action.inputJson());
        detail.put("region", input.path("region").asText(region));
        JsonNode type = input.path("actionTypeId");
        ObjectNode t = detail.putObject("type");
        t.put("owner", type.path("owner").asText());
        t.put("provider", type.path("provider").asText());
        t.put("category", type.path("category").asText());
        t.put("version", type.path("version").asText());
        if ("STARTED".equals(state) && input.path("inputArtifacts").size() > 0) {
            detail.set("input-artifacts", artifacts(input.path("inputArtifacts")));
        }
        JsonNode output = action.outputJson() == null ? Json.object() : Json.read(action.outputJson());
        if ("SUCCEEDED".equals(state) && output.path("outputArtifacts").size() > 0) {
            detail.set("output-artifacts", artifacts(output.path("outputArtifacts")));
        }
        if (!"STARTED".equals(state)) {
            ObjectNode result = Json.object();
            JsonNode er = output.path("executionResult");
            putIfPresent(result, "external-execution-url", text(er, "externalExecutionUrl", action.externalExecutionUrl()));
            result.put("external-execution-state", switch (state) {
                case "SUCCEEDED" -> "Succeeded";
                case "ABANDONED" -> "Abandoned";
                default -> "Failed";
            });
            putIfPresent(result, "external-execution-summary", text(er, "externalExecutionSummary", action.summary()));
            putIfPresent(result, "external-execution-id", text(er, "externalExecutionId", action.externalExecutionId()));
            if (!"SUCCEEDED".equals(state)) {
                putIfPresent(result, "error-code", action.errorCode());
            }
            detail.set("execution-result", result);
        }
        return reorder(detail);
    }

    private ObjectNode common(PipelineExecutionRow execution, int attempt) {
        ObjectNode detail = Json.object();
        detail.put("pipeline", execution.pipelineName());
        detail.put("execution-id", execution.id());
        detail.put("start-time", Json.millis(execution.startedAt()));
        detail.put("version", (double) execution.pipelineVersion());
        detail.put("pipeline-execution-attempt", (double) attempt);
        return detail;
    }

    /** Keeps {@code version} and {@code pipeline-execution-attempt} last, as AWS's examples show them. */
    private static ObjectNode reorder(ObjectNode detail) {
        JsonNode version = detail.remove("version");
        JsonNode attempt = detail.remove("pipeline-execution-attempt");
        detail.set("version", version);
        detail.set("pipeline-execution-attempt", attempt);
        return detail;
    }

    private static ArrayNode artifacts(JsonNode details) {
        ArrayNode list = Json.array();
        for (JsonNode a : details) {
            ObjectNode o = list.addObject();
            o.put("name", a.path("name").asText());
            if (a.has("s3location")) {
                o.putObject("s3location").put("bucket", a.path("s3location").path("bucket").asText())
                        .put("key", a.path("s3location").path("key").asText());
            }
        }
        return list;
    }

    private static String text(JsonNode node, String field, String fallback) {
        return node.hasNonNull(field) ? node.get(field).asText() : fallback;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }
}
