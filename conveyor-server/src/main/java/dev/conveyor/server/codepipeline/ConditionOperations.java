package dev.conveyor.server.codepipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ConditionQueries;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.rules.ConditionExecutionRow;
import dev.conveyor.engine.rules.ConditionRepository;
import dev.conveyor.engine.rules.RuleExecutionRow;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.Timestamps;
import dev.conveyor.store.execution.StageExecutionRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The operations of stage conditions and rollbacks (RollbackStage, OverrideStageCondition, ListRuleExecutions) and
 * the parts of GetPipelineState, GetPipelineExecution and ListPipelineExecutions they add: condition and rule states,
 * retry metadata, rollback metadata. Commands go to the engine's {@link dev.conveyor.engine.ConditionCommands}.
 */
public final class ConditionOperations {
    private static final String RULES_LISTING = "rules";

    private final ObjectMapper mapper = ConveyorJson.mapper();
    /**
     * What GetPipelineState shows of a finished stage without conditions (its retry metadata), per stage execution
     * as last written. Only a retry changes that metadata, and the engine records a retry in the transaction that
     * moves the stage to its next attempt; the key holds the row's attempt and update time, so a retried or otherwise
     * changed row (in any replica) is a different key. Kept for stages that are not running (Succeeded, Failed,
     * Stopped, Cancelled, Skipped). Saves one read transaction per such stage per request (issue 20: a 3-stage
     * pipeline's GetPipelineState ran five, now two). Forgotten a minute after its last read.
     */
    private final Cache<FinishedStage, ConditionQueries.StageConditions> finishedStages = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(1)).build();

    private record FinishedStage(String executionId, String stageName, int attempt, Instant updatedAt) {
    }
    private final ExecutionEngine engine;
    private final ExecutionQueries queries;
    private final ConditionQueries conditions;
    private final String accountId;

    public ConditionOperations(ExecutionEngine engine, ExecutionQueries queries, ConditionQueries conditions, String accountId) {
        this.engine = engine;
        this.queries = queries;
        this.conditions = conditions;
        this.accountId = accountId;
    }

    public Map<String, JsonOperation> operations() {
        return Map.of(
                "RollbackStage", this::rollbackStage,
                "OverrideStageCondition", this::overrideStageCondition,
                "ListRuleExecutions", this::listRuleExecutions);
    }

    JsonNode rollbackStage(JsonNode input, RequestContext context) {
        String id = engine.conditions().rollbackStage(input.get("pipelineName").asText(), input.get("stageName").asText(),
                input.get("targetPipelineExecutionId").asText(), context.caller().arn(accountId));
        return mapper.createObjectNode().put("pipelineExecutionId", id);
    }

    JsonNode overrideStageCondition(JsonNode input, RequestContext context) {
        engine.conditions().overrideStageCondition(input.get("pipelineName").asText(), input.get("stageName").asText(),
                input.get("pipelineExecutionId").asText(), input.get("conditionType").asText(), context.caller().arn(accountId));
        return null;
    }

    JsonNode listRuleExecutions(JsonNode input, RequestContext context) {
        ExecutionShapes.Listing listing = ExecutionShapes.Listing.of(RULES_LISTING, input, queries);
        List<RuleExecutionRow> rows = conditions.ruleExecutions(input.get("pipelineName").asText(), listing.pipelineExecutionId(),
                listing.beforeStart(), listing.beforeId(), listing.maxResults() + 1);
        return listing.page(rows, "ruleExecutionDetails", r -> r.stageName() + "\n" + r.ruleName(), RuleExecutionRow::startedAt,
                RuleExecutionRow::id, ConditionOperations::detail);
    }

    private static ObjectNode detail(RuleExecutionRow row) {
        ObjectNode in = ExecutionShapes.readObject(row.inputJson());
        in.remove("commands"); // Conveyor keeps a Commands rule's commands here; the API's RuleExecutionInput has none
        return ExecutionShapes.detail("rule", row.id(), row.ruleName(), row.pipelineExecutionId(), row.pipelineVersion(), row.stageName(),
                row.startedAt(), row.updatedAt(), row.status(), in, row.outputJson());
    }

    /**
     * Adds to a GetPipelineState stage state what its latest execution shows of conditions (before entry, on success, on
     * failure) and of retries.
     */
    void addStageState(ObjectNode stageState, StageExecutionRow latest, StageDeclaration stage) {
        String executionId = latest.pipelineExecutionId();
        boolean declaresConditions = stage.beforeEntry() != null || stage.onSuccess() != null || stage.onFailure() != null;
        ConditionQueries.StageConditions shown = !declaresConditions && !latest.status().occupiesStage()
                ? finishedStages.get(new FinishedStage(executionId, stage.name(), latest.attempt(), latest.updatedAt()),
                        k -> conditions.stageConditions(executionId, stage.name(), false))
                : conditions.stageConditions(executionId, stage.name(), declaresConditions);
        putConditionState(stageState, "beforeEntryConditionState", shown.byType().get(ConditionExecutionRow.BEFORE_ENTRY));
        putConditionState(stageState, "onSuccessConditionState", shown.byType().get(ConditionExecutionRow.ON_SUCCESS));
        putConditionState(stageState, "onFailureConditionState", shown.byType().get(ConditionExecutionRow.ON_FAILURE));
        shown.retry().ifPresent(r -> {
            ObjectNode retry = stageState.putObject("retryStageMetadata");
            retry.put("autoStageRetryAttempt", r.autoAttempts());
            retry.put("manualStageRetryAttempt", r.manualAttempts());
            retry.put("latestRetryTrigger", r.latestTrigger());
        });
    }

    private void putConditionState(ObjectNode stageState, String field, List<ConditionQueries.EvaluatedCondition> evaluated) {
        if (evaluated == null || evaluated.isEmpty()) {
            return;
        }
        ObjectNode state = stageState.putObject(field);
        String overall = "Succeeded";
        String summary = null;
        for (ConditionQueries.EvaluatedCondition e : evaluated) {
            String s = e.condition().status();
            if ("InProgress".equals(s)) {
                overall = "InProgress";
            } else if (!"InProgress".equals(overall) && !"Succeeded".equals(s) && !"Failed".equals(overall)) {
                overall = s;
            }
            if (summary == null && !"Succeeded".equals(s) && e.condition().summary() != null) {
                summary = e.condition().summary();
            }
        }
        ObjectNode latest = state.putObject("latestExecution").put("status", overall);
        putIfPresent(latest, "summary", summary);
        ArrayNode list = state.putArray("conditionStates");
        for (ConditionQueries.EvaluatedCondition e : evaluated) {
            ObjectNode conditionState = list.addObject();
            ObjectNode execution = conditionState.putObject("latestExecution").put("status", e.condition().status());
            putIfPresent(execution, "summary", e.condition().summary());
            execution.set("lastStatusChange", Timestamps.epochSeconds(e.condition().updatedAt()));
            ArrayNode rules = conditionState.putArray("ruleStates");
            for (RuleExecutionRow rule : e.rules()) {
                rules.addObject().put("ruleName", rule.ruleName()).set("latestExecution", ExecutionShapes.latestExecution("ruleExecutionId",
                        rule.id(), rule.status(), rule.summary(), rule.updatedAt(), rule.externalExecutionId(), rule.externalExecutionUrl(),
                        rule.errorCode(), rule.errorMessage()));
            }
        }
    }

    /** Adds {@code rollbackMetadata} to an execution (or execution summary) that is a rollback. */
    void addRollbackMetadata(ObjectNode execution, String executionId, String executionType, Map<String, String> knownTargets) {
        if (!"ROLLBACK".equals(executionType)) {
            return;
        }
        String target = knownTargets != null ? knownTargets.get(executionId)
                : conditions.rollback(executionId).map(ConditionRepository.Rollback::targetExecutionId).orElse(null);
        if (target != null) {
            execution.putObject("rollbackMetadata").put("rollbackTargetPipelineExecutionId", target);
        }
    }

    Map<String, String> rollbackTargets(String pipelineName) {
        return conditions.rollbackTargets(pipelineName);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
