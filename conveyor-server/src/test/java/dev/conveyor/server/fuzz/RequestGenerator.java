package dev.conveyor.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.servicemodel.ServiceModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Builds a request that satisfies an operation's input shape, from the service model alone. Every free-form string
 * carries the case's token, so whatever a request manages to store can be traced back to it. At the top level every
 * member is present (so a mutation can reach each one); deeper down, optional members are present at random.
 */
final class RequestGenerator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 6;

    private final ServiceModel model;
    private final Random random;
    private final String token;

    RequestGenerator(ServiceModel model, Random random, String token) {
        this.model = model;
        this.random = random;
        this.token = token;
    }

    ObjectNode input(ServiceModel.Operation operation) {
        return operation.inputShape() == null ? NODES.objectNode() : (ObjectNode) value(operation.inputShape(), 0);
    }

    JsonNode value(String shapeName, int depth) {
        JsonNode shape = model.shape(shapeName);
        return switch (shape.path("type").asText()) {
            case "structure" -> structure(shape, depth);
            case "list" -> {
                ArrayNode list = NODES.arrayNode();
                long count = Math.max(1, shape.path("min").asLong(0));
                for (int i = 0; i < count && depth < MAX_DEPTH; i++) {
                    list.add(value(shape.path("member").path("shape").asText(), depth + 1));
                }
                yield list;
            }
            case "map" -> {
                ObjectNode map = NODES.objectNode();
                if (depth < MAX_DEPTH) {
                    map.set(string(model.shape(shape.path("key").path("shape").asText())),
                            value(shape.path("value").path("shape").asText(), depth + 1));
                }
                yield map;
            }
            case "string" -> NODES.textNode(string(shape));
            // The smallest value allowed: a long poll's wait comes out as 0 seconds, a page size as 1.
            case "integer", "long" -> NODES.numberNode(shape.has("min") ? shape.get("min").asLong() : Math.min(1, shape.path("max").asLong(1)));
            case "float", "double" -> NODES.numberNode(1.5);
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            case "timestamp" -> NODES.numberNode(1_767_225_600L);
            case "blob" -> NODES.textNode(Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
            default -> throw new IllegalStateException("shape " + shapeName + " has unknown type");
        };
    }

    private ObjectNode structure(JsonNode shape, int depth) {
        ObjectNode object = NODES.objectNode();
        List<String> required = new ArrayList<>();
        shape.path("required").forEach(r -> required.add(r.asText()));
        shape.path("members").properties().forEach(member -> {
            boolean present = required.contains(member.getKey())
                    || depth == 0 || (depth < MAX_DEPTH - 2 && random.nextBoolean());
            if (present) {
                object.set(member.getKey(), value(member.getValue().path("shape").asText(), depth + 1));
            }
        });
        return object;
    }

    /** A string for the shape: an enum value, else the first candidate its pattern and length accept. */
    String string(JsonNode shape) {
        if (shape.has("enum")) {
            JsonNode values = shape.get("enum");
            return values.get(random.nextInt(values.size())).asText();
        }
        int min = shape.path("min").asInt(0);
        int max = shape.path("max").asInt(Integer.MAX_VALUE);
        Pattern pattern = shape.has("pattern") ? Pattern.compile(shape.get("pattern").asText()) : null;
        for (String candidate : candidates(min)) {
            if (candidate.length() >= min && candidate.length() <= max && (pattern == null || pattern.matcher(candidate).matches())) {
                return candidate;
            }
        }
        String plain = fitted(token, min);
        return plain.substring(0, Math.min(plain.length(), max));
    }

    private List<String> candidates(int min) {
        return List.of(
                fitted(token, min),
                fitted(token.toUpperCase(java.util.Locale.ROOT), min),
                "arn:aws:iam::000000000000:role/" + token,
                "arn:aws:codepipeline:us-east-1:000000000000:" + token,
                "arn:aws:codebuild:us-east-1:000000000000:project/" + token,
                "arn:aws:codestar-connections:us-east-1:000000000000:connection/" + token,
                "arn:aws:codeconnections:us-east-1:000000000000:connection/" + token,
                "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + token,
                "/" + token,
                "https://example.com/" + token,
                "s3://" + token + "/" + token,
                "0123456789ab0123456789ab0123456789ab",
                "123456789012",
                "1",
                "a");
    }

    private static String fitted(String text, int min) {
        return text.length() >= min ? text : text + "a".repeat(min - text.length());
    }
}
