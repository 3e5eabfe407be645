package dev.conveyor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.artifacts.S3Location;
import dev.conveyor.model.json.ConveyorJson;
import dev.conveyor.model.pipeline.ActionTypeId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shapes the engine stores for actions, named as in the service model (ActionExecutionInput,
 * ActionExecutionOutput, ArtifactDetail), so the API returns them without translation.
 */
final class ActionJson {
    static final ObjectMapper MAPPER = ConveyorJson.mapper();

    private ActionJson() {
    }

    static ObjectNode actionTypeId(ActionTypeId id) {
        return MAPPER.createObjectNode().put("category", id.category()).put("owner", id.owner())
                .put("provider", id.provider()).put("version", id.version());
    }

    static ObjectNode artifactDetail(String name, S3Location location) {
        ObjectNode node = MAPPER.createObjectNode().put("name", name);
        if (location != null) {
            node.putObject("s3location").put("bucket", location.bucket()).put("key", location.key());
        }
        return node;
    }

    static ObjectNode stringMap(Map<String, String> values) {
        ObjectNode node = MAPPER.createObjectNode();
        values.forEach(node::put);
        return node;
    }

    /** The output variables stored in an ActionExecutionOutput, or none. */
    static Map<String, String> outputVariables(String outputJson) {
        Map<String, String> result = new LinkedHashMap<>();
        if (outputJson == null) {
            return result;
        }
        read(outputJson).path("outputVariables").properties().forEach(e -> result.put(e.getKey(), e.getValue().asText()));
        return result;
    }

    /** The output artifacts (name → location) stored in an ActionExecutionOutput. */
    static Map<String, S3Location> outputArtifacts(String outputJson) {
        Map<String, S3Location> result = new LinkedHashMap<>();
        if (outputJson == null) {
            return result;
        }
        for (JsonNode a : read(outputJson).path("outputArtifacts")) {
            JsonNode loc = a.path("s3location");
            result.put(a.path("name").asText(), new S3Location(loc.path("bucket").asText(), loc.path("key").asText(), null));
        }
        return result;
    }

    static ObjectNode read(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt stored JSON: " + json, e);
        }
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(JsonNode node) {
        return ConveyorJson.write(node);
    }
}
