package dev.conveyor.server.codepipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.engine.ExecutionQueries;
import dev.conveyor.model.errors.InvalidNextTokenException;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.server.protocol.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The API shapes action executions and rule executions share, built in one place for GetPipelineState (an action's or
 * a rule's {@code latestExecution}) and for ListActionExecutions and ListRuleExecutions (their filter, their pages
 * newest first behind an opaque (startTime, id) cursor, and the common fields of each detail).
 */
final class ExecutionShapes {
    private static final ObjectMapper MAPPER = ConveyorJson.mapper();

    private ExecutionShapes() {
    }

    /**
     * An ActionExecution's or RuleExecution's state: {@code idField} (actionExecutionId, ruleExecutionId), status, summary,
     * lastStatusChange, the external run's id and link, and errorDetails when it failed.
     */
    static ObjectNode latestExecution(String idField, String id, String status, String summary, Instant lastStatusChange,
                                      String externalExecutionId, String externalExecutionUrl, String errorCode, String errorMessage) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put(idField, id);
        node.put("status", status);
        putIfPresent(node, "summary", summary);
        node.set("lastStatusChange", Timestamps.epochSeconds(lastStatusChange));
        putIfPresent(node, "externalExecutionId", externalExecutionId);
        putIfPresent(node, "externalExecutionUrl", externalExecutionUrl);
        if (errorCode != null) {
            node.putObject("errorDetails").put("code", errorCode).put("message", errorMessage);
        }
        return node;
    }

    /**
     * What a ListActionExecutions or ListRuleExecutions request asks for: the execution its filter names (checked to be
     * the pipeline's), whether only each stage's latest run of an action or rule is wanted, the page size, and where the
     * previous page ended.
     */
    record Listing(String name, String pipelineExecutionId, boolean latestOnly, int maxResults, Instant beforeStart, String beforeId) {
        static Listing of(String name, JsonNode input, ExecutionQueries queries) {
            String pipelineName = input.get("pipelineName").asText();
            queries.requirePipeline(pipelineName);
            JsonNode filter = input.path("filter");
            String executionId = filter.path("pipelineExecutionId").asText(null);
            boolean latestOnly = false;
            if (filter.has("latestInPipelineExecution")) {
                executionId = filter.path("latestInPipelineExecution").path("pipelineExecutionId").asText();
                latestOnly = "Latest".equals(filter.path("latestInPipelineExecution").path("startTimeRange").asText());
            }
            if (executionId != null) {
                queries.execution(pipelineName, executionId); // PipelineExecutionNotFoundException when unknown
            }
            int max = input.hasNonNull("maxResults") ? input.get("maxResults").asInt() : 100;
            String after = PageTokens.decode(name, input.path("nextToken").asText(null));
            Instant beforeStart = null;
            String beforeId = null;
            if (after != null) {
                int bar = after.indexOf('|');
                if (bar <= 0) {
                    throw new InvalidNextTokenException("The next token is not valid", "nextToken");
                }
                try {
                    beforeStart = Instant.ofEpochMilli(Long.parseLong(after.substring(0, bar)));
                } catch (NumberFormatException e) {
                    throw new InvalidNextTokenException("The next token is not valid", "nextToken");
                }
                beforeId = after.substring(bar + 1);
            }
            return new Listing(name, executionId, latestOnly, max, beforeStart, beforeId);
        }

        /**
         * The response: up to maxResults of {@code rows} (read newest first, one more than a page to know whether another
         * follows) as {@code field}, each shaped by {@code detail}; with latestOnly, only the newest row of each
         * {@code key}. {@code start} and {@code id} make the next page's cursor.
         */
        <T> ObjectNode page(List<T> rows, String field, Function<T, String> key, Function<T, Instant> start, Function<T, String> id,
                            Function<T, ObjectNode> detail) {
            List<T> shown = rows;
            if (latestOnly) {
                Map<String, T> newest = new LinkedHashMap<>();
                rows.forEach(r -> newest.putIfAbsent(key.apply(r), r));
                shown = List.copyOf(newest.values());
            }
            ObjectNode out = MAPPER.createObjectNode();
            ArrayNode details = out.putArray(field);
            for (int i = 0; i < Math.min(maxResults, shown.size()); i++) {
                details.add(detail.apply(shown.get(i)));
            }
            if (shown.size() > maxResults) {
                T last = shown.get(maxResults - 1);
                out.put("nextToken", PageTokens.encode(name, start.apply(last).toEpochMilli() + "|" + id.apply(last)));
            }
            return out;
        }
    }

    /**
     * The fields an ActionExecutionDetail and a RuleExecutionDetail share; {@code kind} is {@code action} or
     * {@code rule} ({@code actionExecutionId} and {@code actionName}, or the rule's).
     */
    static ObjectNode detail(String kind, String id, String name, String pipelineExecutionId, int pipelineVersion, String stageName,
                             Instant startTime, Instant lastUpdateTime, String status, ObjectNode input, String outputJson) {
        ObjectNode d = MAPPER.createObjectNode();
        d.put("pipelineExecutionId", pipelineExecutionId);
        d.put(kind + "ExecutionId", id);
        d.put("pipelineVersion", pipelineVersion);
        d.put("stageName", stageName);
        d.put(kind + "Name", name);
        d.set("startTime", Timestamps.epochSeconds(startTime));
        d.set("lastUpdateTime", Timestamps.epochSeconds(lastUpdateTime));
        d.put("status", status);
        d.set("input", input);
        if (outputJson != null) {
            d.set("output", readObject(outputJson));
        }
        return d;
    }

    static ObjectNode readObject(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
