package dev.conveyor.server.codepipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ExecutionEngine;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.engine.StartRequest;
import dev.conveyor.model.actiontype.ActionTypeDefinition;
import dev.conveyor.model.actiontype.ActionTypeRegistry;
import dev.conveyor.model.execution.PipelineExecutionStatus;
import dev.conveyor.model.execution.StageExecutionStatus;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionDeclaration;
import dev.conveyor.model.pipeline.StageDeclaration;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import dev.conveyor.server.protocol.Timestamps;
import dev.conveyor.store.PipelineRepository;
import dev.conveyor.store.StoredPipeline;
import dev.conveyor.store.execution.ActionExecutionRow;
import dev.conveyor.store.execution.ActionRevisionRow;
import dev.conveyor.store.execution.PipelineExecutionRow;
import dev.conveyor.store.execution.StageExecutionRow;
import dev.conveyor.store.execution.TransitionRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The execution operations of CodePipeline: start, stop, retry, approvals, transitions, and the reads (pipeline
 * state, executions, action executions). Commands go to the engine; reads to its queries; this class only
 * translates to and from the API's shapes.
 */
public final class ExecutionOperations {
    private static final String EXECUTIONS_LISTING = "executions";
    private static final String ACTIONS_LISTING = "actions";

    private final ObjectMapper mapper = ConveyorJson.mapper();
    private final ExecutionEngine engine;
    private final ExecutionQueries queries;
    private final PipelineRepository pipelines;
    private final Arns arns;
    private final String accountId;
    private final ActionTypeRegistry actionTypes;
    private final BuiltInActionLinks builtInLinks;
    private final ConditionOperations conditions;

    public ExecutionOperations(ExecutionEngine engine, ExecutionQueries queries, PipelineRepository pipelines, Arns arns,
                               String accountId, ActionTypeRegistry actionTypes, Supplier<String> publicUrl,
                               ConditionOperations conditions) {
        this.engine = engine;
        this.conditions = conditions;
        this.actionTypes = actionTypes;
        this.builtInLinks = new BuiltInActionLinks(publicUrl);
        this.queries = queries;
        this.pipelines = pipelines;
        this.arns = arns;
        this.accountId = accountId;
    }

    public Map<String, JsonOperation> operations() {
        return Map.of(
                "StartPipelineExecution", this::startPipelineExecution,
                "StopPipelineExecution", this::stopPipelineExecution,
                "RetryStageExecution", this::retryStageExecution,
                "PutApprovalResult", this::putApprovalResult,
                "DisableStageTransition", (in, ctx) -> setTransition(in, ctx, false),
                "EnableStageTransition", (in, ctx) -> setTransition(in, ctx, true),
                "GetPipelineState", this::getPipelineState,
                "GetPipelineExecution", this::getPipelineExecution,
                "ListPipelineExecutions", this::listPipelineExecutions,
                "ListActionExecutions", this::listActionExecutions);
    }

    /** Who did something, as CodePipeline reports it (an IAM-style ARN of the caller's key). */
    private String callerArn(RequestContext context) {
        return context.caller().arn(accountId);
    }

    JsonNode startPipelineExecution(JsonNode input, RequestContext context) {
        List<StartRequest.NameValue> variables = new ArrayList<>();
        input.path("variables").forEach(v -> variables.add(new StartRequest.NameValue(v.path("name").asText(), v.path("value").asText())));
        List<StartRequest.SourceRevisionOverride> revisions = new ArrayList<>();
        input.path("sourceRevisions").forEach(r -> revisions.add(new StartRequest.SourceRevisionOverride(
                r.path("actionName").asText(), r.path("revisionType").asText(), r.path("revisionValue").asText())));
        String id = engine.startExecution(new StartRequest(input.get("name").asText(), variables,
                input.path("clientRequestToken").asText(null), revisions, "StartPipelineExecution", callerArn(context)));
        return mapper.createObjectNode().put("pipelineExecutionId", id);
    }

    JsonNode stopPipelineExecution(JsonNode input, RequestContext context) {
        String id = input.get("pipelineExecutionId").asText();
        engine.stopExecution(input.get("pipelineName").asText(), id, input.path("abandon").asBoolean(false),
                input.path("reason").asText(null));
        return mapper.createObjectNode().put("pipelineExecutionId", id);
    }

    JsonNode retryStageExecution(JsonNode input, RequestContext context) {
        String id = engine.retryStage(input.get("pipelineName").asText(), input.get("stageName").asText(),
                input.get("pipelineExecutionId").asText(), input.get("retryMode").asText());
        return mapper.createObjectNode().put("pipelineExecutionId", id);
    }

    JsonNode putApprovalResult(JsonNode input, RequestContext context) {
        JsonNode result = input.get("result");
        Instant at = engine.putApprovalResult(input.get("pipelineName").asText(), input.get("stageName").asText(),
                input.get("actionName").asText(), input.get("token").asText(), "Approved".equals(result.get("status").asText()),
                result.get("summary").asText(), callerArn(context));
        ObjectNode out = mapper.createObjectNode();
        out.set("approvedAt", Timestamps.epochSeconds(at));
        return out;
    }

    JsonNode setTransition(JsonNode input, RequestContext context, boolean enabled) {
        engine.setTransition(input.get("pipelineName").asText(), input.get("stageName").asText(),
                input.get("transitionType").asText(), enabled, input.path("reason").asText(null), callerArn(context));
        return null;
    }

    JsonNode getPipelineState(JsonNode input, RequestContext context) {
        String name = input.get("name").asText();
        StoredPipeline stored = pipelines.get(name, null);
        ExecutionQueries.PipelineState state = queries.pipelineState(name, stored.version(), stored.created(), stored.updated());
        Map<String, StageExecutionRow> latestStage = new HashMap<>();
        state.latestStages().forEach(s -> latestStage.put(s.stageName(), s));
        Map<String, ActionExecutionRow> latestAction = new HashMap<>();
        state.latestActions().forEach(a -> latestAction.put(a.stageName() + "\n" + a.actionName(), a));
        Map<String, TransitionRow> inbound = new HashMap<>();
        state.transitions().stream().filter(t -> "Inbound".equals(t.transitionType())).forEach(t -> inbound.put(t.stageName(), t));
        Map<String, ActionRevisionRow> currentRevision = new HashMap<>();
        state.actionRevisions().forEach(r -> currentRevision.put(r.stageName() + "\n" + r.actionName(), r));

        Map<String, String> rollbacks = conditions.rollbackTargets(name);
        ObjectNode out = mapper.createObjectNode();
        out.put("pipelineName", name);
        out.put("pipelineVersion", stored.version());
        ArrayNode stageStates = out.putArray("stageStates");
        List<StageDeclaration> stages = state.pipeline().stagesOrEmpty();
        for (int i = 0; i < stages.size(); i++) {
            StageDeclaration stage = stages.get(i);
            ObjectNode stageState = stageStates.addObject();
            stageState.put("stageName", stage.name());
            List<PipelineExecutionRow> waiting = new ArrayList<>();
            for (PipelineExecutionRow e : state.activeExecutions()) {
                if (Integer.valueOf(i).equals(e.waitingStage())) {
                    waiting.add(e);
                }
            }
            if (!waiting.isEmpty()) {
                stageState.set("inboundExecution", stageExecution(waiting.getLast().id(), "InProgress", waiting.getLast().executionType()));
                ArrayNode all = stageState.putArray("inboundExecutions");
                waiting.forEach(w -> all.add(stageExecution(w.id(), "InProgress", w.executionType())));
            }
            ObjectNode transition = stageState.putObject("inboundTransitionState");
            TransitionRow t = inbound.get(stage.name());
            transition.put("enabled", t == null || t.enabled());
            if (t != null) {
                transition.put("lastChangedBy", t.changedBy());
                transition.set("lastChangedAt", Timestamps.epochSeconds(t.changedAt()));
                if (!t.enabled() && t.reason() != null) {
                    transition.put("disabledReason", t.reason());
                }
            }
            ArrayNode actionStates = stageState.putArray("actionStates");
            for (ActionDeclaration action : stage.actionsOrEmpty()) {
                ObjectNode actionState = actionStates.addObject();
                actionState.put("actionName", action.name());
                ActionRevisionRow revision = currentRevision.get(stage.name() + "\n" + action.name());
                if (revision != null) {
                    actionState.set("currentRevision", actionRevision(revision));
                }
                ActionExecutionRow latest = latestAction.get(stage.name() + "\n" + action.name());
                if (latest != null) {
                    actionState.set("latestExecution", actionExecution(latest));
                }
                putLinks(actionState, action);
            }
            StageExecutionRow latest = latestStage.get(stage.name());
            if (latest != null) {
                String type = rollbacks.containsKey(latest.pipelineExecutionId()) ? "ROLLBACK" : "STANDARD";
                stageState.set("latestExecution", stageExecution(latest.pipelineExecutionId(), latest.status().name(), type));
                conditions.addStageState(stageState, latest, stage);
            }
        }
        out.set("created", Timestamps.epochSeconds(state.created()));
        out.set("updated", Timestamps.epochSeconds(state.updated()));
        return out;
    }

    /** An action's current revision as the API's ActionRevision; created defaults to when it was recorded. */
    private ObjectNode actionRevision(ActionRevisionRow row) {
        ObjectNode node = mapper.createObjectNode().put("revisionId", row.revisionId());
        putIfPresent(node, "revisionChangeId", row.revisionChangeId());
        node.set("created", Timestamps.epochSeconds(row.created() != null ? row.created() : row.recordedAt()));
        return node;
    }

    /**
     * An action's links: {@code entityUrl} and {@code revisionUrl} from its type's URL templates filled with its
     * configuration; a manual approval's {@code ExternalEntityLink} is its entity URL, and built-in sources link to
     * where this server serves what they read.
     */
    private void putLinks(ObjectNode actionState, ActionDeclaration action) {
        Map<String, String> configuration = action.configurationOrEmpty();
        Optional<ActionTypeDefinition> type = action.actionTypeId() == null ? Optional.empty() : actionTypes.find(action.actionTypeId());
        String entityUrl = configuration.get("ExternalEntityLink");
        if (entityUrl == null) {
            entityUrl = type.flatMap(t -> t.entityUrl(configuration))
                    .or(() -> builtInLinks.entityUrl(action.actionTypeId(), configuration)).orElse(null);
        }
        putIfPresent(actionState, "entityUrl", entityUrl);
        putIfPresent(actionState, "revisionUrl", type.flatMap(t -> t.revisionUrl(configuration)).orElse(null));
    }

    private ObjectNode stageExecution(String executionId, String status, String type) {
        return mapper.createObjectNode().put("pipelineExecutionId", executionId).put("status", status).put("type", type);
    }

    private ObjectNode actionExecution(ActionExecutionRow row) {
        ObjectNode node = ExecutionShapes.latestExecution("actionExecutionId", row.id(), row.status().name(), row.summary(),
                row.updatedAt(), row.externalExecutionId(), row.externalExecutionUrl(), row.errorCode(), row.errorMessage());
        if (row.token() != null && row.status() == dev.conveyor.model.execution.ActionExecutionStatus.InProgress) {
            node.put("token", row.token());
        }
        putIfPresent(node, "lastUpdatedBy", row.updatedBy());
        if (row.percentComplete() != null) {
            node.put("percentComplete", row.percentComplete());
        }
        return node;
    }

    JsonNode getPipelineExecution(JsonNode input, RequestContext context) {
        String pipelineName = input.get("pipelineName").asText();
        queries.requirePipeline(pipelineName);
        PipelineExecutionRow e = queries.execution(pipelineName, input.get("pipelineExecutionId").asText());
        ObjectNode execution = mapper.createObjectNode();
        execution.put("pipelineName", e.pipelineName());
        execution.put("pipelineVersion", e.pipelineVersion());
        execution.put("pipelineExecutionId", e.id());
        execution.put("status", e.status().name());
        putIfPresent(execution, "statusSummary", e.statusSummary());
        ArrayNode revisions = execution.putArray("artifactRevisions");
        for (JsonNode r : readArray(e.artifactRevisionsJson())) {
            ObjectNode revision = revisions.addObject();
            copy(r, revision, "name", "revisionId", "revisionChangeIdentifier", "revisionSummary");
            if (r.has("created")) {
                revision.set("created", Timestamps.epochSeconds(Instant.ofEpochMilli(r.get("created").asLong())));
            }
            copy(r, revision, "revisionUrl");
        }
        execution.set("variables", readArray(e.variablesJson()));
        execution.set("trigger", trigger(e));
        execution.put("executionMode", e.executionMode());
        execution.put("executionType", e.executionType());
        conditions.addRollbackMetadata(execution, e.id(), e.executionType(), null);
        ObjectNode out = mapper.createObjectNode();
        out.set("pipelineExecution", execution);
        return out;
    }

    JsonNode listPipelineExecutions(JsonNode input, RequestContext context) {
        String pipelineName = input.get("pipelineName").asText();
        queries.requirePipeline(pipelineName);
        int max = input.hasNonNull("maxResults") ? input.get("maxResults").asInt() : 100;
        String after = PageTokens.decode(EXECUTIONS_LISTING, input.path("nextToken").asText(null));
        Long before = after == null ? null : parseLong(after);
        String succeededIn = input.path("filter").path("succeededInStage").path("stageName").asText(null);
        ObjectNode out = mapper.createObjectNode();
        ArrayNode summaries = out.putArray("pipelineExecutionSummaries");
        Long cursor = before;
        boolean exhausted = false;
        Map<String, String> rollbackTargets = conditions.rollbackTargets(pipelineName);
        // With a filter, pages of the store may hold fewer matches than asked for: read on until the page is full.
        while (summaries.size() < max && !exhausted) {
            List<PipelineExecutionRow> page = queries.executions(pipelineName, cursor, max + 1);
            exhausted = page.size() <= max;
            for (PipelineExecutionRow e : page) {
                if (summaries.size() == max) {
                    exhausted = false;
                    break;
                }
                cursor = e.sequence();
                if (succeededIn == null || succeededInStage(e, succeededIn)) {
                    ObjectNode summary = summary(e);
                    conditions.addRollbackMetadata(summary, e.id(), e.executionType(), rollbackTargets);
                    summaries.add(summary);
                }
            }
        }
        if (!exhausted && cursor != null) {
            out.put("nextToken", PageTokens.encode(EXECUTIONS_LISTING, Long.toString(cursor)));
        }
        return out;
    }

    private boolean succeededInStage(PipelineExecutionRow e, String stageName) {
        return queries.stages(e.id()).stream().anyMatch(s -> s.stageName().equals(stageName) && s.status() == StageExecutionStatus.Succeeded);
    }

    private ObjectNode summary(PipelineExecutionRow e) {
        ObjectNode s = mapper.createObjectNode();
        s.put("pipelineExecutionId", e.id());
        s.put("status", e.status().name());
        putIfPresent(s, "statusSummary", e.statusSummary());
        s.set("startTime", Timestamps.epochSeconds(e.startedAt()));
        s.set("lastUpdateTime", Timestamps.epochSeconds(e.updatedAt()));
        ArrayNode sources = s.putArray("sourceRevisions");
        for (JsonNode r : readArray(e.artifactRevisionsJson())) {
            ObjectNode source = sources.addObject();
            source.put("actionName", r.path("actionName").asText());
            copy(r, source, "revisionId", "revisionSummary", "revisionUrl");
        }
        s.set("trigger", trigger(e));
        if ((e.status() == PipelineExecutionStatus.Stopped || e.status() == PipelineExecutionStatus.Stopping) && e.statusSummary() != null) {
            s.putObject("stopTrigger").put("reason", e.statusSummary());
        }
        s.put("executionMode", e.executionMode());
        s.put("executionType", e.executionType());
        return s;
    }

    JsonNode listActionExecutions(JsonNode input, RequestContext context) {
        ExecutionShapes.Listing listing = ExecutionShapes.Listing.of(ACTIONS_LISTING, input, queries);
        List<ActionExecutionRow> rows = queries.actionExecutions(input.get("pipelineName").asText(), listing.pipelineExecutionId(),
                listing.beforeStart(), listing.beforeId(), listing.maxResults() + 1);
        return listing.page(rows, "actionExecutionDetails", r -> r.stageName() + "\n" + r.actionName(), ActionExecutionRow::startedAt,
                ActionExecutionRow::id, this::detail);
    }

    private ObjectNode detail(ActionExecutionRow row) {
        ObjectNode d = ExecutionShapes.detail("action", row.id(), row.actionName(), row.pipelineExecutionId(), row.pipelineVersion(),
                row.stageName(), row.startedAt(), row.updatedAt(), row.status().name(), readObject(row.inputJson()), row.outputJson());
        putIfPresent(d, "updatedBy", row.updatedBy());
        return d;
    }

    private ObjectNode trigger(PipelineExecutionRow e) {
        ObjectNode trigger = mapper.createObjectNode().put("triggerType", e.triggerType());
        putIfPresent(trigger, "triggerDetail", e.triggerDetail());
        return trigger;
    }

    private JsonNode readArray(String json) {
        if (json == null) {
            return mapper.createArrayNode();
        }
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode readObject(String json) {
        return ExecutionShapes.readObject(json);
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            if (from.hasNonNull(f)) {
                to.set(f, from.get(f));
            }
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new dev.conveyor.model.errors.InvalidNextTokenException("The next token is not valid", "nextToken");
        }
    }
}
